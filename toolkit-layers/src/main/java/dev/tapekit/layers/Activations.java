package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.TensorLike;
import java.util.function.UnaryOperator;

/** Keras's activation functions by name ("relu", "softmax", ...); null or "linear" is the identity. */
public final class Activations {
  private Activations() {}

  /** The function named {@code name}. */
  public static UnaryOperator<Tensor> get(String name) {
    if (name == null) {
      return null;
    }
    switch (name) {
      case "linear": return null;
      case "relu": return Ops::relu;
      case "relu6": return Ops::relu6;
      case "sigmoid": return Ops::sigmoid;
      case "tanh": return Ops::tanh;
      case "softmax": return x -> Ops.softmax(x, -1);
      case "log_softmax": return x -> Ops.logSoftmax(x, -1);
      case "elu": return Ops::elu;
      case "selu": return Ops::selu;
      case "gelu": return Ops::gelu;
      case "softplus": return Ops::softplus;
      case "softsign": return Ops::softsign;
      case "swish": case "silu": return Ops::swish;
      case "hard_sigmoid": return Ops::hardSigmoid;
      // Keras <= 2.3 (and tf.keras's backend): clip(0.2 x + 0.5, 0, 1); Keras 3's hard_sigmoid is relu6(x + 3) / 6
      case "hard_sigmoid_keras2": return x -> Ops.clipByValue(Ops.add(Ops.multiply(x, 0.2), 0.5), 0.0, 1.0);
      case "leaky_relu": return x -> Ops.leakyRelu(x, 0.2);
      case "exponential": return Ops::exp;
      default:
        throw new IllegalArgumentException("Could not interpret activation function identifier: '" + name + "'");
    }
  }

  /** Applies {@code f} unless it is the identity (null). */
  public static Tensor apply(UnaryOperator<Tensor> f, Tensor x) {
    return f == null ? x : f.apply(x);
  }

  /**
   * {@code f(y + bias)} for a layer's output ({@code bias} null when the layer has none). A relu after a
   * bias is one fused op, as TensorFlow's graph optimizer fuses BiasAdd + Relu: one pass over the
   * activation instead of two, forward and backward.
   */
  public static Tensor applyWithBias(String name, UnaryOperator<Tensor> f, Tensor y, TensorLike bias) {
    if (bias != null && "relu".equals(name)) {
      return Ops.biasAddRelu(y, bias);
    }
    return apply(f, bias == null ? y : Ops.biasAdd(y, bias));
  }
}

package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.tapekit.core.DType;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every layer's tape gradients (w.r.t. inputs and weights) against central finite differences in float64,
 * on the scalar sum(layer(x) * r) with a fixed random r.
 */
class LayerGradientTest {
  private static final double H = 1e-6;

  private static Tensor rand(long seed, long... shape) {
    return Ops.randomUniform(shape, -1, 1, DType.FLOAT64, seed);
  }

  /** Checks d sum(f(xs) * r) / d{xs, weights}. */
  private static void check(Layer layer, boolean training, Tensor... xs) {
    List<Tensor> inputs = List.of(xs);
    Function<List<Tensor>, Tensor> f = in -> in.size() == 1 ? layer.apply(in.get(0), training) : layer.apply(in, training);
    Tensor probe = f.apply(inputs); // builds the layer
    Tensor r = rand(99, probe.shape());
    Function<List<Tensor>, Tensor> scalar = in -> Ops.reduceSum(Ops.multiply(f.apply(in), r));
    List<Variable> weights = layer.trainableWeights();
    List<Tensor> tapeGrads;
    List<Tensor> watchedInputs = new ArrayList<>();
    try (GradientTape tape = new GradientTape(true)) {
      for (Tensor x : inputs) {
        if (x.dtype().isFloating()) {
          tape.watch(x);
          watchedInputs.add(x);
        }
      }
      Tensor y = scalar.apply(inputs);
      List<dev.tapekit.core.TensorLike> sources = new ArrayList<>(watchedInputs);
      sources.addAll(weights);
      tapeGrads = tape.gradient(y, sources);
    }
    int k = 0;
    for (Tensor x : watchedInputs) {
      Tensor g = tapeGrads.get(k++);
      assertNotNull(g, layer.name() + ": no gradient for an input");
      INDArray a = x.toINDArray();
      double[] numeric = new double[(int) a.length()];
      for (int i = 0; i < numeric.length; i++) {
        double old = a.getDouble(i);
        a.putScalar(i, old + H);
        double plus = scalar.apply(replace(inputs, x, a.dup())).doubleValue();
        a.putScalar(i, old - H);
        double minus = scalar.apply(replace(inputs, x, a.dup())).doubleValue();
        a.putScalar(i, old);
        numeric[i] = (plus - minus) / (2 * H);
      }
      assertClose(layer.name() + " d/dinput", numeric, g.toDoubleArray());
    }
    for (Variable v : weights) {
      Tensor g = tapeGrads.get(k++);
      assertNotNull(g, layer.name() + ": no gradient for " + v.name());
      Tensor original = v.peek();
      INDArray a = original.toINDArray();
      double[] numeric = new double[(int) a.length()];
      for (int i = 0; i < numeric.length; i++) {
        double old = a.getDouble(i);
        a.putScalar(i, old + H);
        v.assign(Tensor.fromINDArray(a.dup()));
        double plus = scalar.apply(inputs).doubleValue();
        a.putScalar(i, old - H);
        v.assign(Tensor.fromINDArray(a.dup()));
        double minus = scalar.apply(inputs).doubleValue();
        a.putScalar(i, old);
        numeric[i] = (plus - minus) / (2 * H);
      }
      v.assign(original);
      assertClose(layer.name() + " d/d" + v.name(), numeric, g.toDoubleArray());
    }
  }

  private static List<Tensor> replace(List<Tensor> in, Tensor old, INDArray value) {
    List<Tensor> out = new ArrayList<>();
    for (Tensor t : in) {
      out.add(t == old ? Tensor.fromINDArray(value) : t);
    }
    return out;
  }

  private static void assertClose(String what, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, what + ": gradient size");
    for (int i = 0; i < expected.length; i++) {
      double tol = 1e-6 + 1e-5 * Math.abs(expected[i]);
      if (Math.abs(expected[i] - actual[i]) > tol) {
        throw new AssertionError(what + "[" + i + "]: finite differences " + expected[i] + ", tape " + actual[i]);
      }
    }
  }

  @Test
  void dense() {
    check(Dense.builder().units(3).activation("tanh").dtype("float64").build(), true, rand(1, 4, 5));
    check(Dense.builder().units(2).dtype("float64").build(), true, rand(2, 2, 3, 4));
  }

  @Test
  void activationReshapeFlattenPermute() {
    check(Activation.builder().activation("sigmoid").dtype("float64").build(), true, rand(3, 2, 5));
    check(Reshape.builder().targetShape(3, -1).dtype("float64").build(), true, rand(4, 2, 6));
    check(Flatten.builder().dtype("float64").build(), true, rand(5, 2, 3, 2));
    check(Permute.builder().dims(2, 1).dtype("float64").build(), true, rand(6, 2, 3, 4));
  }

  @Test
  void activationLayers() {
    // inputs away from the kinks (|x| > 0.05 of them), where finite differences are exact enough
    Tensor x = Ops.add(rand(40, 2, 6), Ops.multiply(Ops.sign(rand(40, 2, 6)), 0.1));
    check(ReLU.builder().maxValue(0.7).negativeSlope(0.1).threshold(0.02).dtype("float64").build(), true, x);
    check(LeakyReLU.builder().negativeSlope(0.2).dtype("float64").build(), true, x);
    check(ELU.builder().alpha(0.5).dtype("float64").build(), true, x);
    check(PReLU.builder().alphaInitializer(new dev.tapekit.layers.initializers.RandomUniform(0, 1, 3L))
        .sharedAxes(1).dtype("float64").build(), true, Ops.reshape(x, 2, 3, 2));
    check(Softmax.builder().axis(1).dtype("float64").build(), true, Ops.reshape(x, 2, 3, 2));
  }

  @Test
  void convolutions() {
    check(Conv2D.builder().filters(2).kernelSize(3).padding("same").activation("tanh").dtype("float64").build(), true,
        rand(7, 2, 5, 5, 2));
    check(Conv2D.builder().filters(2).kernelSize(2).strides(2).dtype("float64").build(), true, rand(8, 1, 4, 4, 1));
    check(Conv1D.builder().filters(2).kernelSize(3).padding("causal").dtype("float64").build(), true, rand(9, 2, 6, 3));
  }

  @Test
  void pooling() {
    check(MaxPooling2D.builder().dtype("float64").build(), true, rand(10, 2, 4, 4, 2));
    check(AveragePooling2D.builder().poolSize(2, 2).strides(1, 1).dtype("float64").build(), true, rand(11, 1, 3, 3, 2));
    check(GlobalAveragePooling2D.builder().dtype("float64").build(), true, rand(12, 2, 3, 3, 2));
    check(GlobalMaxPooling2D.builder().dtype("float64").build(), true, rand(13, 2, 3, 3, 2));
    check(ZeroPadding2D.builder().padding(1, 2).dtype("float64").build(), true, rand(14, 1, 2, 2, 1));
  }

  @Test
  void normalization() {
    check(BatchNormalization.builder().dtype("float64").build(), true, rand(15, 6, 3));
    check(BatchNormalization.builder().dtype("float64").build(), false, rand(16, 4, 3));
    check(LayerNormalization.builder().dtype("float64").build(), true, rand(17, 3, 4));
  }

  @Test
  void embedding() {
    check(Embedding.builder().inputDim(5).outputDim(3).dtype("float64").build(), true, Tensor.of(new int[] {0, 3, 3, 1}, 2, 2));
  }

  @Test
  void recurrent() {
    check(SimpleRNN.builder().units(3).dtype("float64").build(), true, rand(18, 2, 4, 3));
    check(LSTM.builder().units(3).returnSequences(true).dtype("float64").build(), true, rand(19, 2, 3, 2));
    check(GRU.builder().units(3).dtype("float64").build(), true, rand(20, 2, 3, 2));
  }

  @Test
  void merging() {
    check(Add.builder().dtype("float64").build(), true, rand(21, 2, 3), rand(22, 2, 3));
    check(Concatenate.builder().dtype("float64").build(), true, rand(23, 2, 3), rand(24, 2, 2));
    check(Subtract.builder().dtype("float64").build(), true, rand(25, 2, 3), rand(26, 2, 3));
    check(Multiply.builder().dtype("float64").build(), true, rand(27, 2, 3), rand(28, 2, 3), rand(29, 2, 3));
    check(Average.builder().dtype("float64").build(), true, rand(30, 2, 3), rand(31, 2, 3), rand(32, 2, 3));
    check(Maximum.builder().dtype("float64").build(), true, rand(33, 2, 3), rand(34, 2, 3));
    check(Minimum.builder().dtype("float64").build(), true, rand(35, 2, 3), rand(36, 2, 3));
  }

  /** Calls the wrapped layer with a fixed mask, so {@link #check} covers masked steps in weight gradients too. */
  private static final class WithMask extends Wrapper {
    private final Layer inner;
    private final Tensor mask;

    WithMask(Layer inner, Tensor mask) {
      super(null, true, inner.dtype(), null);
      this.inner = inner;
      this.mask = mask;
    }

    @Override
    protected List<Layer> innerLayers() {
      return List.of(inner);
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
      return inner.apply(inputs, training, mask);
    }
  }

  @Test
  void kerasOptionsAndWrappers() {
    Tensor mask = Tensor.of(new boolean[] {true, false, true, true, true, true, true, false}, 2, 4);
    check(new WithMask(LSTM.builder().units(2).returnSequences(true).dtype("float64").build(), mask), true, rand(30, 2, 4, 3));
    check(new WithMask(GRU.builder().units(2).resetAfter(false).goBackwards(true).dtype("float64").build(), mask), true,
        rand(31, 2, 4, 3));
    check(new WithMask(SimpleRNN.builder().units(2).returnSequences(true).zeroOutputForMask(true).dtype("float64")
        .build(), mask), true, rand(32, 2, 4, 3));
    check(new WithMask(new Bidirectional(GRU.builder().units(2).returnSequences(true).dtype("float64").build()), mask), true,
        rand(33, 2, 4, 3));
    check(new TimeDistributed(Dense.builder().units(2).activation("tanh").dtype("float64").build()), true, rand(34, 2, 3, 4));
    check(LayerNormalization.builder().rmsScaling(true).dtype("float64").build(), true, rand(35, 3, 4));
    check(Masking.builder().maskValue(0.5).dtype("float64").build(), true, rand(36, 2, 3, 2));
    check(Conv2D.builder().filters(2).kernelSize(2).dataFormat("channels_first").dtype("float64").build(), true,
        rand(37, 2, 3, 4, 4));
    check(Conv1D.builder().filters(2).kernelSize(2).padding("causal").dilationRate(2).dataFormat("channels_first")
        .dtype("float64").build(), true, rand(38, 2, 3, 6));
    check(MaxPooling1D.builder().dataFormat("channels_first").dtype("float64").build(), true, rand(39, 2, 3, 6));
    check(new WithMask(GlobalPooling1D.average().dtype("float64").build(), mask), true, rand(40, 2, 4, 3));
  }
}

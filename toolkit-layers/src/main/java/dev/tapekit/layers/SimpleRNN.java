package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/** Keras's SimpleRNN: {@code h = activation(x @ kernel + bias + h @ recurrent_kernel)}, tanh by default. */
public final class SimpleRNN extends BaseRNN {
  public SimpleRNN(int units) {
    this(builder().units(units));
  }

  private SimpleRNN(Builder b) {
    super(b);
  }

  @Override
  protected int gates() {
    return 1;
  }

  @Override
  protected Tensor[] step(Tensor xp, Tensor[] states, Tensor hRec) {
    Tensor h = Activations.apply(act, Ops.add(xp, Ops.matmul(hRec, recurrentKernel)));
    return new Tensor[] {h};
  }

  public static SimpleRNN fromConfig(Map<String, Object> c) {
    return builder().rnnConfig(c).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's SimpleRNN arguments. */
  public static final class Builder extends BaseRNN.Builder<Builder> {
    public SimpleRNN build() {
      return new SimpleRNN(this);
    }
  }
}

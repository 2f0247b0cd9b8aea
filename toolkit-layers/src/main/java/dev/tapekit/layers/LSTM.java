package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.initializers.Initializer;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Keras's LSTM: gates i, f, c, o in that order of the kernel's columns; recurrent activation sigmoid;
 * with {@code unitForgetBias} (default) the forget gate's bias starts at 1.
 */
public final class LSTM extends BaseRNN {
  private final String recurrentActivation;
  private final UnaryOperator<Tensor> recAct;
  private final boolean unitForgetBias;

  public LSTM(int units) {
    this(builder().units(units));
  }

  private LSTM(Builder b) {
    super(b);
    recurrentActivation = b.recurrentActivation;
    recAct = Activations.get(recurrentActivation);
    unitForgetBias = b.unitForgetBias;
  }

  @Override
  protected int gates() {
    return 4;
  }

  @Override
  protected int stateCount() {
    return 2;
  }

  @Override
  protected Variable makeBias() {
    if (!unitForgetBias) {
      return super.makeBias();
    }
    Initializer base = biasInitializer;
    Initializer withForget = new Initializer() {
      @Override
      public Tensor apply(long[] shape, dev.tapekit.core.DType dt) {
        return Ops.concat(List.of(base.apply(new long[] {units}, dt), Tensor.ones(dt, units),
            base.apply(new long[] {2L * units}, dt)), 0);
      }

      @Override
      public Map<String, Object> getConfig() {
        return base.getConfig();
      }
    };
    return addWeight("bias", new long[] {4L * units}, withForget, biasRegularizer, biasConstraint, true);
  }

  @Override
  protected Tensor[] step(Tensor xp, Tensor[] states, Tensor hRec) {
    Tensor z = Ops.add(xp, Ops.matmul(hRec, recurrentKernel));
    List<Tensor> g = Ops.split(z, 4, 1);
    Tensor i = Activations.apply(recAct, g.get(0));
    Tensor f = Activations.apply(recAct, g.get(1));
    Tensor c = Ops.add(Ops.multiply(f, states[1]), Ops.multiply(i, Activations.apply(act, g.get(2))));
    Tensor o = Activations.apply(recAct, g.get(3));
    Tensor h = Ops.multiply(o, Activations.apply(act, c));
    return new Tensor[] {h, c};
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("recurrent_activation", recurrentActivation);
    m.put("unit_forget_bias", unitForgetBias);
    return m;
  }

  public static LSTM fromConfig(Map<String, Object> c) {
    return builder().rnnConfig(c).recurrentActivation(Config.getString(c, "recurrent_activation", "sigmoid"))
        .unitForgetBias(Config.getBool(c, "unit_forget_bias", true)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's LSTM arguments: the recurrent ones plus recurrentActivation and unitForgetBias. */
  public static final class Builder extends BaseRNN.Builder<Builder> {
    private String recurrentActivation = "sigmoid";
    private boolean unitForgetBias = true;

    public Builder recurrentActivation(String a) { this.recurrentActivation = a; return this; }
    public Builder unitForgetBias(boolean u) { this.unitForgetBias = u; return this; }

    public LSTM build() {
      return new LSTM(this);
    }
  }
}

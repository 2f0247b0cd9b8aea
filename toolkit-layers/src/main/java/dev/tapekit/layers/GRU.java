package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Keras's GRU: gates z, r, h. With {@code reset_after=True} (Keras 3's default, cuDNN-compatible) the
 * bias is (2, 3 * units), one row for the input and one for the recurrent projection, and the reset gate
 * multiplies the recurrent projection after the matmul. With {@code reset_after=False} (Keras 2's
 * default) the bias is (3 * units,) and the candidate is {@code act(x_h + (r * h) @ U_h)}.
 */
public final class GRU extends BaseRNN {
  private final String recurrentActivation;
  private final UnaryOperator<Tensor> recAct;
  private final boolean resetAfter;
  private Tensor recurrentBias;

  public GRU(int units) {
    this(builder().units(units));
  }

  private GRU(Builder b) {
    super(b);
    recurrentActivation = b.recurrentActivation;
    recAct = Activations.get(recurrentActivation);
    resetAfter = b.resetAfter;
  }

  @Override
  protected int gates() {
    return 3;
  }

  @Override
  protected Variable makeBias() {
    long[] shape = resetAfter ? new long[] {2, 3L * units} : new long[] {3L * units};
    return addWeight("bias", shape, biasInitializer, biasRegularizer, biasConstraint, true);
  }

  @Override
  protected Tensor projectInputs(Tensor x) {
    if (!resetAfter) {
      return super.projectInputs(x);
    }
    long[] s = x.shape();
    Tensor p = Ops.matmul(Ops.reshape(x, s[0] * s[1], s[2]), kernel);
    if (useBias) {
      List<Tensor> rows = Ops.unstack(bias, 0);
      p = Ops.biasAdd(p, rows.get(0));
      recurrentBias = rows.get(1);
    }
    return Ops.reshape(p, s[0], s[1], 3L * units);
  }

  @Override
  protected Tensor[] step(Tensor xp, Tensor[] states, Tensor hRec) {
    List<Tensor> xg = Ops.split(xp, 3, 1);
    Tensor z;
    Tensor hh;
    if (resetAfter) {
      Tensor inner = Ops.matmul(hRec, recurrentKernel);
      if (useBias) {
        inner = Ops.biasAdd(inner, recurrentBias);
      }
      List<Tensor> rg = Ops.split(inner, 3, 1);
      z = Activations.apply(recAct, Ops.add(xg.get(0), rg.get(0)));
      Tensor r = Activations.apply(recAct, Ops.add(xg.get(1), rg.get(1)));
      hh = Activations.apply(act, Ops.add(xg.get(2), Ops.multiply(r, rg.get(2))));
    } else {
      List<Tensor> kernels = Ops.split(recurrentKernel, new long[] {2L * units, units}, 1);
      List<Tensor> rg = Ops.split(Ops.matmul(hRec, kernels.get(0)), 2, 1);
      z = Activations.apply(recAct, Ops.add(xg.get(0), rg.get(0)));
      Tensor r = Activations.apply(recAct, Ops.add(xg.get(1), rg.get(1)));
      hh = Activations.apply(act, Ops.add(xg.get(2), Ops.matmul(Ops.multiply(r, hRec), kernels.get(1))));
    }
    // h = z * h_prev + (1 - z) * hh
    Tensor h = Ops.add(Ops.multiply(z, states[0]), Ops.multiply(Ops.subtract(1.0, z), hh));
    return new Tensor[] {h};
  }

  public boolean resetAfter() {
    return resetAfter;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("recurrent_activation", recurrentActivation);
    m.put("reset_after", resetAfter);
    return m;
  }

  public static GRU fromConfig(Map<String, Object> c) {
    return builder().rnnConfig(c).recurrentActivation(Config.getString(c, "recurrent_activation", "sigmoid"))
        .resetAfter(Config.getBool(c, "reset_after", true)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's GRU arguments: the recurrent ones plus recurrentActivation and resetAfter (default true). */
  public static final class Builder extends BaseRNN.Builder<Builder> {
    private String recurrentActivation = "sigmoid";
    private boolean resetAfter = true;

    public Builder recurrentActivation(String a) { this.recurrentActivation = a; return this; }
    public Builder resetAfter(boolean resetAfter) { this.resetAfter = resetAfter; return this; }

    public GRU build() {
      return new GRU(this);
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's Masking: a step (the last axis) whose features all equal {@code maskValue} is masked. The
 * output is the input with masked steps set to 0, and its mask, (batch, steps), is true where a step counts.
 */
public final class Masking extends Layer {
  private final double maskValue;

  public Masking(double maskValue) {
    this(builder().maskValue(maskValue));
  }

  private Masking(Builder b) {
    super(b);
    maskValue = b.maskValue;
  }

  @Override
  public boolean supportsMasking() {
    return true;
  }

  /** True where some feature differs from the mask value (Keras's {@code any(x != mask_value, axis=-1)}). */
  private Tensor keep(Tensor x) {
    Tensor differs = Ops.cast(Ops.notEqual(x, Tensor.scalar(maskValue, x.dtype())), x.dtype());
    return Ops.reduceMax(differs, new int[] {-1}, true);
  }

  @Override
  public Tensor computeMask(Tensor inputs, Tensor mask) {
    Tensor x = castInput(inputs);
    return Ops.greater(Ops.squeeze(keep(Ops.stopGradient(x)), -1), 0.0);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    Tensor x = castInput(inputs);
    return Ops.multiply(x, keep(Ops.stopGradient(x)));
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    return shapes.get(0).clone();
  }

  public double maskValue() {
    return maskValue;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("mask_value", maskValue);
    return m;
  }

  public static Masking fromConfig(Map<String, Object> c) {
    return builder().baseConfig(c).maskValue(Config.getDouble(c, "mask_value", 0.0)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: maskValue (default 0). */
  public static final class Builder extends Layer.Builder<Builder> {
    private double maskValue;

    public Builder maskValue(double maskValue) { this.maskValue = maskValue; return this; }

    public Masking build() {
      return new Masking(this);
    }
  }
}

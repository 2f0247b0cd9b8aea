package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/** Keras's Reshape: reshapes each sample to {@code targetShape} (no batch axis; one -1 allowed). */
public final class Reshape extends Layer {
  private final long[] targetShape;

  public Reshape(long... targetShape) {
    this(builder().targetShape(targetShape));
  }

  private Reshape(Builder b) {
    super(b);
    if (b.targetShape == null) {
      throw new IllegalArgumentException("Reshape: target_shape is required (the shape of each example, e.g. [28, 28, 1])");
    }
    targetShape = b.targetShape.clone();
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return Ops.reshape(inputs, resolve(inputs.shape()));
  }

  private long[] resolve(long[] in) {
    long n = 1;
    for (int i = 1; i < in.length; i++) {
      n *= in[i];
    }
    long known = 1;
    int unknown = -1;
    for (int i = 0; i < targetShape.length; i++) {
      if (targetShape[i] == -1) {
        if (unknown >= 0) {
          throw new IllegalArgumentException("Layer \"" + name() + "\": there must be at most one unknown dimension in targetShape");
        }
        unknown = i;
      } else {
        known *= targetShape[i];
      }
    }
    long[] out = new long[targetShape.length + 1];
    out[0] = in[0];
    for (int i = 0; i < targetShape.length; i++) {
      out[i + 1] = i == unknown ? (known == 0 ? 0 : n / known) : targetShape[i];
    }
    if (in.length > 0 && ((unknown < 0 && known != n) || (unknown >= 0 && (known == 0 || n % known != 0)))) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": the total size of the input " + Config.shapeStr(in)
          + " does not match the target shape " + Config.shapeStr(targetShape));
    }
    return out;
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0).clone();
    long batch = s[0];
    s[0] = 1;
    long[] out = resolve(s);
    out[0] = batch;
    return out;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("target_shape", Config.shapeToList(targetShape));
    return m;
  }

  public static Reshape fromConfig(Map<String, Object> c) {
    return builder().baseConfig(c).targetShape(Config.shapeFromList(c.get("target_shape"), "target_shape")).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: targetShape. */
  public static final class Builder extends Layer.Builder<Builder> {
    private long[] targetShape;

    public Builder targetShape(long... targetShape) {
      this.targetShape = targetShape == null ? null : targetShape.clone();
      return this;
    }

    public Reshape build() {
      return new Reshape(this);
    }
  }
}

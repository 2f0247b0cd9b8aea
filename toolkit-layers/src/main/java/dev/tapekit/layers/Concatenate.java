package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/** Keras's Concatenate: joins inputs along {@code axis} (default -1); other axes must match. */
public final class Concatenate extends Merge {
  private final int axis;

  public Concatenate() {
    this(builder());
  }

  public Concatenate(int axis) {
    this(builder().axis(axis));
  }

  private Concatenate(Builder b) {
    super(b);
    axis = b.axis;
  }

  private int axisFor(int rank) {
    return axis < 0 ? rank + axis : axis;
  }

  @Override
  protected void checkShapes(List<long[]> shapes) {
    long[] first = shapes.get(0);
    int ax = axisFor(first.length);
    for (long[] s : shapes) {
      boolean ok = s.length == first.length && ax >= 0 && ax < s.length;
      for (int i = 1; ok && i < s.length; i++) {
        ok = i == ax || s[i] == first[i] || s[i] < 0 || first[i] < 0;
      }
      if (!ok) {
        throw new IllegalArgumentException("A `Concatenate` layer requires inputs with matching shapes except for the "
            + "concatenation axis. Received: input_shape=" + shapes(shapes));
      }
    }
  }

  @Override
  public Tensor call(List<Tensor> inputs, boolean training) {
    return Ops.concat(inputs, axisFor(inputs.get(0).rank()));
  }

  /**
   * Keras's {@code Concatenate.compute_mask}: each input's mask (all true for an unmasked input) widened
   * to the input's shape, joined along the axis, and "any" over the last axis.
   */
  @Override
  public Tensor computeMask(List<Tensor> inputs, List<Tensor> masks) {
    if (masks.stream().allMatch(java.util.Objects::isNull)) {
      return null;
    }
    List<Tensor> full = new java.util.ArrayList<>();
    for (int i = 0; i < inputs.size(); i++) {
      Tensor x = inputs.get(i);
      Tensor m = masks.get(i);
      Tensor f = m == null ? Tensor.ones(DType.FLOAT32, x.shape())
          : Ops.cast(m.rank() < x.rank() ? Ops.broadcastTo(Ops.expandDims(m, -1), x.shape()) : m, DType.FLOAT32);
      full.add(f);
    }
    Tensor joined = Ops.concat(full, axisFor(inputs.get(0).rank()));
    return Ops.greater(Ops.reduceMax(joined, -1), 0.0);
  }

  @Override
  protected long[] mergedShape(List<long[]> shapes) {
    long[] out = shapes.get(0).clone();
    int ax = axisFor(out.length);
    out[ax] = 0;
    for (long[] s : shapes) {
      out[ax] = s[ax] < 0 || out[ax] < 0 ? -1 : out[ax] + s[ax];
    }
    return out;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("axis", axis);
    return m;
  }

  public static Concatenate fromConfig(Map<String, Object> c) {
    return builder().baseConfig(c).axis(Config.getInt(c, "axis", -1)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: axis. */
  public static final class Builder extends Layer.Builder<Builder> {
    private int axis = -1;

    public Builder axis(int axis) { this.axis = axis; return this; }

    public Concatenate build() {
      return new Concatenate(this);
    }
  }
}

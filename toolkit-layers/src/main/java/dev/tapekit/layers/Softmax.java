package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/** Keras's Softmax layer over one axis (default -1, the last). Several axes are not supported. */
public final class Softmax extends ElementwiseLayer {
  private final int axis;

  public Softmax() {
    this(builder());
  }

  public Softmax(int axis) {
    this(builder().axis(axis));
  }

  private Softmax(Builder b) {
    super(b);
    axis = b.axis;
  }

  @Override
  Tensor activate(Tensor x) {
    int rank = x.shape().length;
    if (axis < -rank || axis >= rank) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": axis " + axis + " is out of range for an input "
          + "of rank " + rank);
    }
    return Ops.softmax(x, axis);
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("axis", axis);
    return m;
  }

  public static Softmax fromConfig(Map<String, Object> c) {
    Object a = c.get("axis");
    if (a instanceof java.util.List<?> l) {
      if (l.size() != 1) {
        throw new IllegalArgumentException("Layer \"" + c.get("name") + "\": Softmax over several axes is not "
            + "supported. Received: axis=" + Config.repr(a));
      }
      a = l.get(0);
    }
    Builder b = builder().baseConfig(c);
    return (a == null ? b : b.axis((int) Config.whole(a, "axis", Integer.MIN_VALUE, Integer.MAX_VALUE))).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: axis. */
  public static final class Builder extends Layer.Builder<Builder> {
    private int axis = -1;

    public Builder axis(int axis) { this.axis = axis; return this; }

    public Softmax build() {
      return new Softmax(this);
    }
  }
}

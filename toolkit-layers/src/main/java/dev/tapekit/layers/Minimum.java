package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import java.util.Map;

/** Keras's Minimum: the element-wise minimum of inputs of one shape. */
public final class Minimum extends ElementwiseMerge {
  public Minimum() {
    this(builder());
  }

  private Minimum(ElementwiseMerge.Builder<Minimum> b) {
    super(b, Ops::minimum);
  }

  public static Minimum fromConfig(Map<String, Object> c) {
    return builder().fromConfig(c);
  }

  public static ElementwiseMerge.Builder<Minimum> builder() {
    return new ElementwiseMerge.Builder<>(Minimum::new);
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import java.util.Map;

/** Keras's Multiply: the element-wise product of inputs of one shape. */
public final class Multiply extends ElementwiseMerge {
  public Multiply() {
    this(builder());
  }

  private Multiply(ElementwiseMerge.Builder<Multiply> b) {
    super(b, Ops::multiply);
  }

  public static Multiply fromConfig(Map<String, Object> c) {
    return builder().fromConfig(c);
  }

  public static ElementwiseMerge.Builder<Multiply> builder() {
    return new ElementwiseMerge.Builder<>(Multiply::new);
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import java.util.Map;

/** Keras's Maximum: the element-wise maximum of inputs of one shape. */
public final class Maximum extends ElementwiseMerge {
  public Maximum() {
    this(builder());
  }

  private Maximum(ElementwiseMerge.Builder<Maximum> b) {
    super(b, Ops::maximum);
  }

  public static Maximum fromConfig(Map<String, Object> c) {
    return builder().fromConfig(c);
  }

  public static ElementwiseMerge.Builder<Maximum> builder() {
    return new ElementwiseMerge.Builder<>(Maximum::new);
  }
}

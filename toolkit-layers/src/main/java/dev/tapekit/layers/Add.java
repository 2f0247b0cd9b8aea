package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import java.util.Map;

/** Keras's Add: the element-wise sum of inputs of one shape. */
public final class Add extends ElementwiseMerge {
  public Add() {
    this(builder());
  }

  private Add(ElementwiseMerge.Builder<Add> b) {
    super(b, Ops::add);
  }

  public static Add fromConfig(Map<String, Object> c) {
    return builder().fromConfig(c);
  }

  public static ElementwiseMerge.Builder<Add> builder() {
    return new ElementwiseMerge.Builder<>(Add::new);
  }
}

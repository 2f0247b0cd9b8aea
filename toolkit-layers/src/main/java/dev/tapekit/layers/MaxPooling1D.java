package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/** Keras's MaxPooling1D: the maximum of each window of steps. */
public final class MaxPooling1D extends Pooling1D {
  /** Windows of 2 steps, stride 2. */
  public MaxPooling1D() {
    this(builder());
  }

  private MaxPooling1D(Builder b) {
    super(b);
  }

  @Override
  protected Tensor pool2d(Tensor x, int[] window, int[] strides, String tfPadding) {
    return Ops.maxPool2d(x, window, strides, tfPadding);
  }

  public static MaxPooling1D fromConfig(Map<String, Object> c) {
    return builder().poolConfig(c).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments: poolSize, strides, padding, dataFormat. */
  public static final class Builder extends Pooling1D.Builder<Builder> {
    public MaxPooling1D build() {
      return new MaxPooling1D(this);
    }
  }
}

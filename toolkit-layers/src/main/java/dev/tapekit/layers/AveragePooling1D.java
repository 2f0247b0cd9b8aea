package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/** Keras's AveragePooling1D: the mean of each window of steps. */
public final class AveragePooling1D extends Pooling1D {
  /** Windows of 2 steps, stride 2. */
  public AveragePooling1D() {
    this(builder());
  }

  private AveragePooling1D(Builder b) {
    super(b);
  }

  @Override
  protected Tensor pool2d(Tensor x, int[] window, int[] strides, String tfPadding) {
    return Ops.avgPool2d(x, window, strides, tfPadding);
  }

  public static AveragePooling1D fromConfig(Map<String, Object> c) {
    return builder().poolConfig(c).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments: poolSize, strides, padding, dataFormat. */
  public static final class Builder extends Pooling1D.Builder<Builder> {
    public AveragePooling1D build() {
      return new AveragePooling1D(this);
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/** Keras's Conv2D on NHWC inputs: kernel [kh, kw, in, filters], strides 1, padding "valid" by default. */
public final class Conv2D extends BaseConv {
  /** {@code filters} outputs with a square kernel. */
  public Conv2D(int filters, int kernelSize) {
    this(builder().filters(filters).kernelSize(kernelSize));
  }

  /** {@code filters} outputs with a square kernel and an activation. */
  public Conv2D(int filters, int kernelSize, String activation) {
    this(builder().filters(filters).kernelSize(kernelSize).activation(activation));
  }

  private Conv2D(Builder b) {
    super(2, b);
  }

  @Override
  protected Tensor convolve(Tensor x) {
    return Ops.conv2d(x, kernel, strides, padding.toUpperCase(java.util.Locale.ROOT), dilationRate);
  }

  /**
   * {@code pool.apply(this.apply(inputs))} as one op ({@code Ops.conv2dBiasReluMaxPool}: the conv-sized
   * activation is never stored), or null when the pair does not fuse: this layer must use relu with a
   * bias, both must be channels-last and of one dtype. The values and gradients are those of the two
   * calls bit for bit; Sequential and functional models use it for a Conv2D feeding only a MaxPooling2D.
   */
  public Tensor applyWithMaxPool(Tensor inputs, MaxPooling2D pool) {
    if (!reluWithBias() || channelsFirst || pool.channelsFirst || pool.dtype() != dtype) {
      return null;
    }
    long[] shape = inputs.shape();
    ensureBuilt(shape);
    if (inputSpec != null) {
      inputSpec.check(name(), 0, shape);
    }
    long[] convShape = computeOutputShape(shape);
    pool.ensureBuilt(convShape);
    if (pool.inputSpec != null) {
      pool.inputSpec.check(pool.name(), 0, convShape);
    }
    return Ops.conv2dBiasReluMaxPool(castInput(inputs), kernel, bias, strides,
        padding.toUpperCase(java.util.Locale.ROOT), dilationRate, pool.poolSize, pool.strides,
        pool.padding.toUpperCase(java.util.Locale.ROOT));
  }

  public static Conv2D fromConfig(Map<String, Object> c) {
    return builder().convConfig(c, 2).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's Conv2D arguments. */
  public static final class Builder extends BaseConv.Builder<Builder> {
    public Conv2D build() {
      return new Conv2D(this);
    }
  }
}

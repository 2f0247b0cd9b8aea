package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/**
 * Keras's Conv1D on (batch, steps, channels): kernel [k, in, filters]; padding "valid", "same" or
 * "causal" (left padding only, so step t sees steps up to t). Runs as a Conv2D over a height-1 image.
 */
public final class Conv1D extends BaseConv {
  public Conv1D(int filters, int kernelSize) {
    this(builder().filters(filters).kernelSize(kernelSize));
  }

  public Conv1D(int filters, int kernelSize, String activation) {
    this(builder().filters(filters).kernelSize(kernelSize).activation(activation));
  }

  private Conv1D(Builder b) {
    super(1, b);
  }

  @Override
  protected Tensor convolve(Tensor x) {
    String pad = padding;
    if (padding.equals("causal")) {
      long left = (long) (kernelSize[0] - 1) * dilationRate[0];
      x = Ops.pad(x, new long[][] {{0, 0}, {left, 0}, {0, 0}});
      pad = "valid";
    }
    Tensor img = Ops.expandDims(x, 1);
    long[] ks = kernel.shape();
    Tensor k = Ops.reshape(kernel, 1, ks[0], ks[1], ks[2]);
    Tensor y = Ops.conv2d(img, k, new int[] {1, strides[0]}, pad.toUpperCase(java.util.Locale.ROOT),
        new int[] {1, dilationRate[0]});
    return Ops.squeeze(y, 1);
  }

  @Override
  protected long[] channelsLastOutputShape(long[] s) {
    long[] out = super.channelsLastOutputShape(s);
    if (padding.equals("causal") && s[1] >= 0) {
      out[1] = (s[1] + strides[0] - 1) / strides[0];
    }
    return out;
  }

  public static Conv1D fromConfig(Map<String, Object> c) {
    return builder().convConfig(c, 1).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's Conv1D arguments. */
  public static final class Builder extends BaseConv.Builder<Builder> {
    public Conv1D build() {
      return new Conv1D(this);
    }
  }
}

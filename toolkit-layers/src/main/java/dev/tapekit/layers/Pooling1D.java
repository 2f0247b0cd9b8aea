package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shared code of MaxPooling1D and AveragePooling1D on (batch, steps, channels) (or channels_first):
 * poolSize 2, strides = poolSize, padding "valid"; runs as the 2-D pooling of a height-1 image.
 */
public abstract class Pooling1D extends Layer {
  protected final int poolSize;
  protected final int strides;
  protected final String padding;
  protected final boolean channelsFirst;

  protected Pooling1D(Builder<?> b) {
    super(b);
    poolSize = b.poolSize;
    strides = b.strides == null ? b.poolSize : b.strides;
    padding = b.padding.toLowerCase(Locale.ROOT);
    channelsFirst = DataFormat.channelsFirst(name(), b.dataFormat);
    if (poolSize <= 0 || strides <= 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": pool_size and strides must be positive, got pool_size="
          + poolSize + ", strides=" + strides);
    }
    if (!padding.equals("valid") && !padding.equals("same")) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": invalid padding '" + b.padding + "'; expected 'valid' or 'same'");
    }
    inputSpec = InputSpec.ndim(3);
  }

  /** The 2-D pooling op on NHWC input with these windows and strides. */
  protected abstract Tensor pool2d(Tensor x, int[] window, int[] strides, String tfPadding);

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    Tensor x = castInput(inputs);
    Tensor img = Ops.expandDims(channelsFirst ? DataFormat.toLast(x) : x, 1);
    Tensor y = Ops.squeeze(pool2d(img, new int[] {1, poolSize}, new int[] {1, strides}, padding.toUpperCase(Locale.ROOT)), 1);
    return channelsFirst ? DataFormat.toFirst(y) : y;
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0).clone();
    int steps = channelsFirst ? 2 : 1;
    s[steps] = BaseConv.outputLength(s[steps], poolSize, padding, strides, 1);
    return s;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("pool_size", List.of(poolSize));
    m.put("padding", padding);
    m.put("strides", List.of(strides));
    m.put("data_format", DataFormat.name(channelsFirst));
    return m;
  }

  /** Keras's 1-D pooling arguments. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<B extends Builder<B>> extends Layer.Builder<B> {
    int poolSize = 2;
    Integer strides;
    String padding = "valid";
    String dataFormat;

    public B poolSize(int poolSize) { this.poolSize = poolSize; return (B) this; }
    /** Defaults to poolSize. */
    public B strides(int strides) { this.strides = strides; return (B) this; }
    public B padding(String padding) { this.padding = padding; return (B) this; }
    /** "channels_last" (default: (batch, steps, channels)) or "channels_first". */
    public B dataFormat(String dataFormat) { this.dataFormat = dataFormat; return (B) this; }

    /** Reads Keras's 1-D pooling config. */
    public B poolConfig(Map<String, Object> c) {
      baseConfig(c);
      poolSize(Config.getInts(c, "pool_size", 1, new int[] {2})[0]);
      int[] s = Config.getInts(c, "strides", 1, null);
      strides = s == null ? null : s[0];
      dataFormat(DataFormat.read(c));
      return padding(Config.getString(c, "padding", "valid"));
    }
  }
}

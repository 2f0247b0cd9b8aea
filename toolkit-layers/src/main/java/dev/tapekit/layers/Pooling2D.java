package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Shared code of MaxPooling2D and AveragePooling2D: poolSize (2, 2), strides = poolSize, padding "valid". */
public abstract class Pooling2D extends Layer {
  protected final int[] poolSize;
  protected final int[] strides;
  protected final String padding;
  /** Keras's data_format: channels_first inputs are (batch, channels, rows, cols). */
  protected final boolean channelsFirst;

  protected Pooling2D(Builder<?> b) {
    super(b);
    poolSize = b.poolSize.length == 1 ? BaseConv.filled(b.poolSize[0], 2) : b.poolSize.clone();
    int[] s = b.strides == null ? poolSize : b.strides;
    strides = s.length == 1 ? BaseConv.filled(s[0], 2) : s.clone();
    padding = b.padding.toLowerCase(Locale.ROOT);
    channelsFirst = DataFormat.channelsFirst(name(), b.dataFormat);
    if (poolSize.length != 2 || strides.length != 2 || poolSize[0] <= 0 || poolSize[1] <= 0
        || strides[0] <= 0 || strides[1] <= 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": poolSize and strides must be 2 positive integers, got "
          + java.util.Arrays.toString(b.poolSize) + " and " + java.util.Arrays.toString(b.strides));
    }
    if (!padding.equals("valid") && !padding.equals("same")) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": invalid padding '" + b.padding + "'; expected 'valid' or 'same'");
    }
    inputSpec = InputSpec.ndim(4);
  }

  /** The pooling op on NHWC input. */
  protected abstract Tensor pool(Tensor x, String tfPadding);

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    Tensor x = castInput(inputs);
    if (channelsFirst) {
      return DataFormat.toFirst(pool(DataFormat.toLast(x), padding.toUpperCase(Locale.ROOT)));
    }
    return pool(x, padding.toUpperCase(Locale.ROOT));
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = channelsFirst ? DataFormat.shapeToLast(shapes.get(0)) : shapes.get(0).clone();
    for (int i = 0; i < 2; i++) {
      s[i + 1] = BaseConv.outputLength(s[i + 1], poolSize[i], padding, strides[i], 1);
    }
    return channelsFirst ? DataFormat.shapeToFirst(s) : s;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("pool_size", Config.list(poolSize));
    m.put("padding", padding);
    m.put("strides", Config.list(strides));
    m.put("data_format", DataFormat.name(channelsFirst));
    return m;
  }

  /** Keras's pooling arguments. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<B extends Builder<B>> extends Layer.Builder<B> {
    int[] poolSize = {2, 2};
    int[] strides;
    String padding = "valid";
    String dataFormat;

    public B poolSize(int... poolSize) { this.poolSize = poolSize.clone(); return (B) this; }
    /** Defaults to poolSize. */
    public B strides(int... strides) { this.strides = strides.clone(); return (B) this; }
    public B padding(String padding) { this.padding = padding; return (B) this; }
    /** "channels_last" (default) or "channels_first". */
    public B dataFormat(String dataFormat) { this.dataFormat = dataFormat; return (B) this; }

    /** Reads Keras's pooling config. */
    public B poolConfig(Map<String, Object> c) {
      baseConfig(c);
      poolSize(Config.getInts(c, "pool_size", 2, new int[] {2, 2}));
      strides = Config.getInts(c, "strides", 2, null);
      dataFormat(DataFormat.read(c));
      return padding(Config.getString(c, "padding", "valid"));
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's GlobalAveragePooling1D and GlobalMaxPooling1D: the mean or maximum over the steps axis. The
 * average honours a mask (masked steps count neither in the sum nor in the divisor), as Keras's does.
 */
public final class GlobalPooling1D extends Layer {
  private final boolean average;
  private final boolean keepdims;
  private final boolean channelsFirst;

  private GlobalPooling1D(Builder b) {
    super(b);
    average = b.average;
    keepdims = b.keepdims;
    channelsFirst = DataFormat.channelsFirst(name(), b.dataFormat);
    inputSpec = InputSpec.ndim(3);
  }

  @Override
  public String className() {
    return average ? "GlobalAveragePooling1D" : "GlobalMaxPooling1D";
  }

  @Override
  public boolean supportsMasking() {
    return average;
  }

  /** The output has no steps axis, so no mask. */
  @Override
  public Tensor computeMask(Tensor inputs, Tensor mask) {
    return null;
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return call(inputs, training, (Tensor) null);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training, Tensor mask) {
    Tensor x = castInput(inputs);
    int[] steps = {channelsFirst ? 2 : 1};
    if (!average) {
      return Ops.reduceMax(x, steps, keepdims);
    }
    if (mask == null) {
      return Ops.reduceMean(x, steps, keepdims);
    }
    Tensor m = Ops.expandDims(Ops.cast(mask, x.dtype()), channelsFirst ? 1 : 2);
    return Ops.divide(Ops.reduceSum(Ops.multiply(x, m), steps, keepdims), Ops.reduceSum(m, steps, keepdims));
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0);
    long channels = channelsFirst ? s[1] : s[2];
    if (!keepdims) {
      return new long[] {s[0], channels};
    }
    return channelsFirst ? new long[] {s[0], channels, 1} : new long[] {s[0], 1, channels};
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("data_format", DataFormat.name(channelsFirst));
    m.put("keepdims", keepdims);
    return m;
  }

  public static GlobalPooling1D averageFromConfig(Map<String, Object> c) {
    return average().baseConfig(c).keepdims(Config.getBool(c, "keepdims", false)).dataFormat(DataFormat.read(c)).build();
  }

  public static GlobalPooling1D maxFromConfig(Map<String, Object> c) {
    return max().baseConfig(c).keepdims(Config.getBool(c, "keepdims", false)).dataFormat(DataFormat.read(c)).build();
  }

  /** Keras's GlobalAveragePooling1D. */
  public static Builder average() {
    return new Builder(true);
  }

  /** Keras's GlobalMaxPooling1D. */
  public static Builder max() {
    return new Builder(false);
  }

  /** Keras's arguments: keepdims, dataFormat. */
  public static final class Builder extends Layer.Builder<Builder> {
    private final boolean average;
    private boolean keepdims;
    private String dataFormat;

    private Builder(boolean average) {
      this.average = average;
    }

    public Builder keepdims(boolean keepdims) { this.keepdims = keepdims; return this; }
    /** "channels_last" (default) or "channels_first". */
    public Builder dataFormat(String dataFormat) { this.dataFormat = dataFormat; return this; }

    public GlobalPooling1D build() {
      if (name == null) {
        // the automatic name comes from the class name, which depends on the kind
        name = Names.uniquify(Names.snakeCase(average ? "GlobalAveragePooling1D" : "GlobalMaxPooling1D"));
      }
      return new GlobalPooling1D(this);
    }
  }
}

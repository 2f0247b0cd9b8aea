package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/** Keras's GlobalAveragePooling2D: the mean over height and width, (b, h, w, c) to (b, c) or (b, 1, 1, c) with keepdims. */
public final class GlobalAveragePooling2D extends Layer {
  private final boolean keepdims;
  /** Keras's data_format: channels_first inputs are (batch, channels, rows, cols). */
  private final boolean channelsFirst;

  public GlobalAveragePooling2D() {
    this(builder());
  }

  private GlobalAveragePooling2D(Builder b) {
    super(b);
    keepdims = b.keepdims;
    channelsFirst = DataFormat.channelsFirst(name(), b.dataFormat);
    inputSpec = InputSpec.ndim(4);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return Ops.reduceMean(castInput(inputs), channelsFirst ? new int[] {2, 3} : new int[] {1, 2}, keepdims);
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0);
    if (channelsFirst) {
      return keepdims ? new long[] {s[0], s[1], 1, 1} : new long[] {s[0], s[1]};
    }
    return keepdims ? new long[] {s[0], 1, 1, s[3]} : new long[] {s[0], s[3]};
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("data_format", DataFormat.name(channelsFirst));
    m.put("keepdims", keepdims);
    return m;
  }

  public static GlobalAveragePooling2D fromConfig(Map<String, Object> c) {
    return builder().baseConfig(c).keepdims(Config.getBool(c, "keepdims", false)).dataFormat(DataFormat.read(c)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: keepdims. */
  public static final class Builder extends Layer.Builder<Builder> {
    private boolean keepdims;
    private String dataFormat;

    public Builder keepdims(boolean keepdims) { this.keepdims = keepdims; return this; }
    /** "channels_last" (default) or "channels_first". */
    public Builder dataFormat(String dataFormat) { this.dataFormat = dataFormat; return this; }

    public GlobalAveragePooling2D build() {
      return new GlobalAveragePooling2D(this);
    }
  }
}

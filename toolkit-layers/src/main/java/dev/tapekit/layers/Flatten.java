package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's Flatten: keeps the batch axis and flattens the rest in channels_last order; with
 * {@code data_format=channels_first} the channel axis is moved last first, as Keras 3 does.
 */
public final class Flatten extends Layer {
  private final boolean channelsFirst;

  public Flatten() {
    this(builder());
  }

  private Flatten(Builder b) {
    super(b);
    channelsFirst = DataFormat.channelsFirst(name(), b.dataFormat);
    inputSpec = InputSpec.minNdim(1);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    if (channelsFirst && inputs.rank() > 2) {
      inputs = DataFormat.toLast(inputs);
    }
    long[] s = inputs.shape();
    if (s.length == 1) {
      return Ops.expandDims(inputs, 1);
    }
    long n = 1;
    for (int i = 1; i < s.length; i++) {
      n *= s[i];
    }
    return s.length == 2 ? inputs : Ops.reshape(inputs, s[0], n);
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0);
    long n = 1;
    for (int i = 1; i < s.length; i++) {
      n = s[i] < 0 || n < 0 ? -1 : n * s[i];
    }
    return new long[] {s[0], n};
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("data_format", DataFormat.name(channelsFirst));
    return m;
  }

  public static Flatten fromConfig(Map<String, Object> c) {
    return builder().baseConfig(c).dataFormat(DataFormat.read(c)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: data_format (channels_last by default). */
  public static final class Builder extends Layer.Builder<Builder> {
    private String dataFormat;

    /** "channels_last" (null: the default) or "channels_first". */
    public Builder dataFormat(String dataFormat) { this.dataFormat = dataFormat; return this; }

    public Flatten build() {
      return new Flatten(this);
    }
  }
}

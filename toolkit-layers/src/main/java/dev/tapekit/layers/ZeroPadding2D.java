package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's ZeroPadding2D: zero rows and columns around NHWC images. {@code padding} is one int (all
 * sides), two (rows, columns) or four (top, bottom, left, right); default 1.
 */
public final class ZeroPadding2D extends Layer {
  private final int[][] padding;
  /** Keras's data_format: channels_first inputs are (batch, channels, rows, cols). */
  private final boolean channelsFirst;

  public ZeroPadding2D(int... padding) {
    this(builder().padding(padding));
  }

  private ZeroPadding2D(Builder b) {
    super(b);
    int[] p = b.padding;
    if (p.length == 1) {
      padding = new int[][] {{p[0], p[0]}, {p[0], p[0]}};
    } else if (p.length == 2) {
      padding = new int[][] {{p[0], p[0]}, {p[1], p[1]}};
    } else if (p.length == 4) {
      padding = new int[][] {{p[0], p[1]}, {p[2], p[3]}};
    } else {
      throw new IllegalArgumentException("Layer \"" + name() + "\": `padding` should have 1, 2 or 4 values. Received: "
          + java.util.Arrays.toString(p));
    }
    for (int[] q : padding) {
      if (q[0] < 0 || q[1] < 0) {
        throw new IllegalArgumentException("Layer \"" + name() + "\": padding must be non-negative, got " + java.util.Arrays.toString(p));
      }
    }
    channelsFirst = DataFormat.channelsFirst(name(), b.dataFormat);
    inputSpec = InputSpec.ndim(4);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    long[] rows = {padding[0][0], padding[0][1]};
    long[] cols = {padding[1][0], padding[1][1]};
    long[] none = {0, 0};
    return Ops.pad(inputs, channelsFirst ? new long[][] {none, none, rows, cols} : new long[][] {none, rows, cols, none});
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0).clone();
    int first = channelsFirst ? 2 : 1;
    for (int i = 0; i < 2; i++) {
      s[i + first] = s[i + first] < 0 ? -1 : s[i + first] + padding[i][0] + padding[i][1];
    }
    return s;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("padding", List.of(List.of(padding[0][0], padding[0][1]), List.of(padding[1][0], padding[1][1])));
    m.put("data_format", DataFormat.name(channelsFirst));
    return m;
  }

  public static ZeroPadding2D fromConfig(Map<String, Object> c) {
    Object p = c.get("padding");
    int[] flat;
    if (p instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof List) {
      if (l.size() != 2 || !(l.get(0) instanceof List<?> rows) || !(l.get(1) instanceof List<?> cols) || rows.size() != 2
          || cols.size() != 2) {
        throw new IllegalArgumentException("Argument `padding` must be an integer, 2 integers or 2 pairs of integers "
            + "((top, bottom), (left, right)). Received: padding=" + Config.repr(p));
      }
      flat = new int[4];
      List<?>[] pairs = {rows, cols};
      for (int i = 0; i < 4; i++) {
        try {
          flat[i] = (int) Config.whole(pairs[i / 2].get(i % 2), "padding", Integer.MIN_VALUE, Integer.MAX_VALUE);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("Argument `padding` must be an integer, 2 integers or 2 pairs of "
              + "integers ((top, bottom), (left, right)). Received: padding=" + Config.repr(p), e);
        }
      }
    } else {
      flat = Config.getInts(c, "padding", 1, new int[] {1});
    }
    return builder().baseConfig(c).padding(flat).dataFormat(DataFormat.read(c)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: padding. */
  public static final class Builder extends Layer.Builder<Builder> {
    private int[] padding = {1};
    private String dataFormat;

    /** "channels_last" (default) or "channels_first". */
    public Builder dataFormat(String dataFormat) { this.dataFormat = dataFormat; return this; }

    public Builder padding(int... padding) { this.padding = padding.length == 0 ? new int[] {1} : padding.clone(); return this; }

    public ZeroPadding2D build() {
      return new ZeroPadding2D(this);
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/**
 * Keras's {@code data_format} of the conv and pooling layers. tapekit's kernels are channels-last, so a
 * channels_first layer moves the channel axis last before the kernel and back after it.
 */
final class DataFormat {
  static final String CHANNELS_LAST = "channels_last";
  static final String CHANNELS_FIRST = "channels_first";

  private DataFormat() {}

  /** Whether {@code value} (null for Keras's default, channels_last) is channels_first; others fail naming the layer. */
  static boolean channelsFirst(String layer, String value) {
    if (value == null || value.equals(CHANNELS_LAST)) {
      return false;
    }
    if (value.equals(CHANNELS_FIRST)) {
      return true;
    }
    throw new IllegalArgumentException("Layer \"" + layer + "\": invalid data_format '" + value
        + "'; expected 'channels_last' or 'channels_first'");
  }

  /** The config's data_format, or null when absent. */
  static String read(Map<String, Object> c) {
    return Config.getString(c, "data_format", null);
  }

  static String name(boolean channelsFirst) {
    return channelsFirst ? CHANNELS_FIRST : CHANNELS_LAST;
  }

  /** (batch, channels, spatial...) to (batch, spatial..., channels). */
  static Tensor toLast(Tensor x) {
    int r = x.rank();
    int[] perm = new int[r];
    perm[r - 1] = 1;
    for (int i = 1; i < r - 1; i++) {
      perm[i] = i + 1;
    }
    return Ops.transpose(x, perm);
  }

  /** (batch, spatial..., channels) to (batch, channels, spatial...). */
  static Tensor toFirst(Tensor x) {
    int r = x.rank();
    int[] perm = new int[r];
    perm[1] = r - 1;
    for (int i = 2; i < r; i++) {
      perm[i] = i - 1;
    }
    return Ops.transpose(x, perm);
  }

  static long[] shapeToLast(long[] s) {
    long[] out = s.clone();
    System.arraycopy(s, 2, out, 1, s.length - 2);
    out[s.length - 1] = s[1];
    return out;
  }

  static long[] shapeToFirst(long[] s) {
    long[] out = s.clone();
    out[1] = s[s.length - 1];
    System.arraycopy(s, 1, out, 2, s.length - 2);
    return out;
  }
}

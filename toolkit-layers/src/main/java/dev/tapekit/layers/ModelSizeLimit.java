package dev.tapekit.layers;

import dev.tapekit.core.DType;
import java.util.Locale;

/**
 * The most bytes of weights one model may hold, checked before a layer allocates a weight (so a config with
 * {@code units: 700000} or a model file describing a huge layer fails with a message naming the layer, not
 * with an {@link OutOfMemoryError}).
 *
 * <p>The limit is the system property {@value #PROPERTY} (bytes, or with a suffix {@code k}, {@code m},
 * {@code g}: {@code -Dtapekit.maxModelBytes=8g}). Without it the limit is an eighth of the memory the JVM may
 * use (max heap plus the off-heap limit JavaCPP enforces for ND4J's arrays), at most 4 GiB: training needs
 * several times the weights (gradients, optimizer slots, activations), and saving copies them to the heap.
 *
 * <p>A model counts the weights of all its layers while it builds them (Sequential stacks and
 * models read from configs); a layer built on its own counts its own weights.
 */
public final class ModelSizeLimit {
  /** The system property that sets the limit. */
  public static final String PROPERTY = "tapekit.maxModelBytes";
  /** The default's ceiling, 4 GiB. */
  public static final long DEFAULT_CEILING = 4L << 30;

  /** Bytes counted by the outermost model build on this thread (null outside any). */
  private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

  private ModelSizeLimit() {}

  /** The limit in bytes: {@value #PROPERTY} when set, else the default described above. */
  public static long maxModelBytes() {
    String v = System.getProperty(PROPERTY);
    if (v == null || v.isBlank()) {
      return defaultLimit();
    }
    return parseBytes(v.strip());
  }

  /** An eighth of max heap plus the off-heap limit, at most {@link #DEFAULT_CEILING}. */
  public static long defaultLimit() {
    long heap = Runtime.getRuntime().maxMemory();
    long offHeap;
    try {
      offHeap = org.bytedeco.javacpp.Pointer.maxBytes();
    } catch (LinkageError e) {
      offHeap = 0;
    }
    if (offHeap <= 0) {
      offHeap = heap;
    }
    long total = heap == Long.MAX_VALUE || offHeap > Long.MAX_VALUE - heap ? Long.MAX_VALUE : heap + offHeap;
    return Math.min(DEFAULT_CEILING, Math.max(1, total / 8));
  }

  /** Parses "123", "64k", "512m", "8g" (case-insensitive, optional "b"/"ib"); bad values name the property. */
  static long parseBytes(String v) {
    String s = v.toLowerCase(Locale.ROOT);
    if (s.endsWith("ib")) {
      s = s.substring(0, s.length() - 2);
    } else if (s.endsWith("b")) {
      s = s.substring(0, s.length() - 1);
    }
    int shift = 0;
    if (!s.isEmpty()) {
      switch (s.charAt(s.length() - 1)) {
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        case 't': shift = 40; break;
        default: break;
      }
    }
    if (shift > 0) {
      s = s.substring(0, s.length() - 1);
    }
    long n;
    try {
      n = Long.parseLong(s.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("system property " + PROPERTY + " must be a positive number of bytes "
          + "(e.g. 4294967296 or 4g), got '" + v + "'");
    }
    if (n <= 0 || n > Long.MAX_VALUE >> shift) {
      throw new IllegalArgumentException("system property " + PROPERTY + " must be a positive number of bytes "
          + "(e.g. 4294967296 or 4g), got '" + v + "'");
    }
    return n << shift;
  }

  /** Bytes of a tensor of {@code shape} and {@code dtype}; {@link Long#MAX_VALUE} when that overflows. */
  public static long bytes(long[] shape, DType dtype) {
    long n = width(dtype);
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension " + d + " in shape " + Config.shapeStr(shape));
      }
      if (d != 0 && n > Long.MAX_VALUE / d) {
        return Long.MAX_VALUE;
      }
      n *= d;
    }
    return n;
  }

  static int width(DType dtype) {
    switch (dtype) {
      case FLOAT64: case INT64: return 8;
      case BOOL: return 1;
      default: return 4;
    }
  }

  /** "2.0 GiB (2195200000 bytes)", or "more than 8 EiB" for an overflowed count. */
  public static String describe(long bytes) {
    if (bytes == Long.MAX_VALUE) {
      return "more than 8 EiB";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s (%d bytes)", v, units[u], bytes);
  }

  /**
   * Counts the weights a model builds on this thread from now until {@link Scope#close}, on top of
   * {@code alreadyBuilt} bytes; nested scopes (a model inside a model) add to the outermost.
   */
  public static Scope open(long alreadyBuilt) {
    Scope outer = CURRENT.get();
    if (outer != null) {
      return new Scope(outer, 0);
    }
    Scope s = new Scope(null, alreadyBuilt);
    CURRENT.set(s);
    return s;
  }

  /**
   * Like {@link #open(long)}, with the limit lowered to {@code maxBytes} for this build: a reader whose file
   * must hold the weights (an HDF5 file, TensorFlow.js shards) passes the bytes present, so a config that
   * claims a larger model fails before allocating it. {@code source} names the bytes in the message.
   */
  public static Scope openWithin(long maxBytes, String source) {
    Scope s = open(0);
    if (s.outer == null) {
      s.cap = maxBytes;
      s.capSource = source;
    }
    return s;
  }

  /**
   * Checks a weight that {@code layer} is about to create against the limit, and counts it in the current
   * model build; {@code layerBytes} are the bytes of the layer's weights so far.
   */
  static void check(Layer layer, String weightName, long[] shape, DType dtype, long layerBytes) {
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Layer \"" + layer.name() + "\" (" + layer.className() + "): weight "
            + weightName + " would have shape " + Config.shapeStr(shape) + ", with a negative dimension (are its "
            + "inputs smaller than its kernel?)");
      }
    }
    long b = bytes(shape, dtype);
    Scope s = CURRENT.get();
    long before = s != null ? s.used : layerBytes;
    long after = b > Long.MAX_VALUE - before ? Long.MAX_VALUE : before + b;
    long limit = maxModelBytes();
    if (s != null && s.cap < limit) {
      if (after > s.cap) {
        throw new ModelTooLargeException("Layer \"" + layer.name() + "\" (" + layer.className() + "): weight "
            + weightName + " of shape " + Config.shapeStr(shape) + " needs " + describe(b)
            + (before > 0 ? ", " + describe(after) + " with the model's other weights" : "")
            + ", more than the " + describe(s.cap) + " of " + s.capSource);
      }
    }
    if (after > limit) {
      throw new ModelTooLargeException("Layer \"" + layer.name() + "\" (" + layer.className() + "): weight "
          + weightName + " of shape " + Config.shapeStr(shape) + " needs " + describe(b)
          + (before > 0 ? ", " + describe(after) + " with the model's other weights" : "")
          + ", over the model size limit of " + describe(limit) + " (set it with -D" + PROPERTY + "=BYTES)");
    }
    if (s != null) {
      s.used = after;
    }
  }

  /** {@code a + b}, or {@link Long#MAX_VALUE} when that overflows. */
  public static long add(long a, long b) {
    return b > Long.MAX_VALUE - a ? Long.MAX_VALUE : a + b;
  }

  /** A model build in progress on this thread; close it when the build ends (try-with-resources). */
  public static final class Scope implements AutoCloseable {
    private final Scope outer;
    private long used;
    private long cap = Long.MAX_VALUE;
    private String capSource;

    private Scope(Scope outer, long used) {
      this.outer = outer;
      this.used = used;
    }

    @Override
    public void close() {
      if (outer == null && CURRENT.get() == this) {
        CURRENT.remove();
      }
    }
  }
}

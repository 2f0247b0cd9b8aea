package dev.tapekit.core.kernels;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * float32 element-wise ops as Java loops over heap chunks of ND4J's off-heap arrays.
 *
 * <p>NOTE: an ND4J op costs 10-25 us per call whatever its size (op objects, shape calculation, JNI), and
 * several of libnd4j's (relu_bp, reductions along leading axes) run scalar std::function lambdas. Here
 * each array is copied chunk by chunk (one JNI memcpy per chunk) into L2-sized heap arrays, where the
 * JIT vectorises the loops, and the result copied back: measured cheaper at every size on the
 * development VM (docs/benchmarks.md). The chunking keeps memory use fixed for any array size.
 */
public final class Elementwise {
  private Elementwise() {}

  /** Elements per chunk (64 KB of floats per array). */
  static final int CHUNK = 1 << 14;
  /** Arrays up to this many elements take the Java path (int indexing). */
  public static final long LIMIT = Integer.MAX_VALUE / 2;

  /**
   * Elements one thread of the kernel pool takes at least (and a reduction's fixed group): 64K floats
   * cost ~30-60 us here (two memcpys and a vector loop), well above a hand-off's few microseconds, so
   * W1/W2-sized activations (up to 32K) stay on the calling thread.
   */
  static final int GRAIN = 1 << 16;

  /** A range of elements [start, end) of one kernel call, all on one thread. */
  private interface Elements {
    void run(long start, long end);
  }

  /**
   * Runs {@code body} over {@code [0, n)} in ranges of whole {@code step}-element chunks, split across
   * the kernel pool when there are at least two {@link #GRAIN}s of work. Bodies open their own views
   * (a view's bulk copies are not thread-safe) and take their own thread's scratch.
   */
  private static void forRanges(long n, int step, Elements body) {
    int chunks = (int) ((n + step - 1) / step);
    KernelPool.parallelFor(chunks, Math.max(1, GRAIN / step),
        (from, to) -> body.run((long) from * step, Math.min(n, (long) to * step)));
  }

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[CHUNK], new float[CHUNK]});
  /** A calling thread's repeated bias ({@link #repeated}); per-step garbage made the heap grow in long fits. */
  private static final ThreadLocal<float[]> REPEATED = ThreadLocal.withInitial(() -> new float[CHUNK]);
  /** Each thread's per-position sums of one reduction group ({@link #columnSumsByGroup}). */
  private static final ThreadLocal<float[]> GROUP_ACC = ThreadLocal.withInitial(() -> new float[CHUNK]);

  /** True when every array given is a dense float32 array these loops handle. */
  public static boolean applies(INDArray... arrays) {
    for (INDArray a : arrays) {
      if (!Buffers.denseFloats(a, LIMIT)) {
        return false;
      }
    }
    return true;
  }

  /**
   * True when {@link #binary} handles the pair: both dense float32, of the same shape or one of them a
   * single element.
   */
  public static boolean appliesToPair(INDArray a, INDArray b) {
    return applies(a, b) && (a.length() == 1 || b.length() == 1 || Arrays.equals(a.shape(), b.shape()));
  }


  /**
   * {@code bias} repeated to fill {@code len} elements (whole rows), so that bias loops run over one long
   * flat range: a loop over a short row (32 channels) never reaches the JIT's vectorised main loop.
   */
  static float[] repeated(float[] bias, int len) {
    // the calling thread's scratch when it fits: pool threads only read it while the caller waits
    float[] p = len <= CHUNK ? REPEATED.get() : new float[len];
    for (int at = 0; at < len; at += bias.length) {
      System.arraycopy(bias, 0, p, at, Math.min(bias.length, len - at));
    }
    return p;
  }

  /** Folds per-position sums of whole rows ({@code len} of them used) into per-column sums in double. */
  private static double[] foldColumns(float[] acc, int len, int cols) {
    double[] sums = new double[cols];
    for (int row = 0; row < len; row += cols) {
      for (int j = 0; j < cols; j++) {
        sums[j] += acc[row + j];
      }
    }
    return sums;
  }

  /** The groups' column sums added in group order (fixed whatever the thread count), as {@code shape}. */
  private static INDArray columnSums(double[][] groups, int cols, long[] shape) {
    float[] out = new float[cols];
    for (int j = 0; j < cols; j++) {
      double sum = 0;
      for (double[] g : groups) {
        sum += g[j];
      }
      out[j] = (float) sum;
    }
    return Buffers.write(out, shape);
  }

  /**
   * Per-column sums of {@code n} elements, in fixed groups of whole chunks of {@code step} elements:
   * each group sums per position in float over its chunks in order, then per column in double, and the
   * groups add up in order. Groups are the pool's unit of work, so the result is the same bits for any
   * thread count; an array of one group (up to {@link #GRAIN} elements) sums exactly as one pass does.
   */
  private static INDArray columnSumsByGroup(long n, int cols, int step, long[] shape, GroupSum group) {
    int groupChunks = Math.max(1, GRAIN / step);
    long groupElements = (long) groupChunks * step;
    int groups = (int) ((n + groupElements - 1) / groupElements);
    double[][] partial = new double[groups][];
    KernelPool.parallelFor(groups, 1, (from, to) -> {
      int len = (int) Math.min(step, n);
      float[] acc = len <= CHUNK ? GROUP_ACC.get() : new float[len];
      for (int k = from; k < to; k++) {
        java.util.Arrays.fill(acc, 0, len, 0f);
        long start = k * groupElements;
        long end = Math.min(n, start + groupElements);
        group.sum(start, end, acc);
        partial[k] = foldColumns(acc, len, cols);
      }
    });
    return columnSums(partial, cols, shape);
  }

  /**
   * {@link #columnSumsByGroup}'s sums of {@code n} elements given one element at a time, on the calling
   * thread: the same groups, per-position float sums and folds, so the bits equal
   * {@link #biasReluGrad}'s bias sums of the same elements (the fused conv block's bias gradient).
   * Elements left out count as +0; elements sharing a slot (their distance a multiple of
   * {@link #slotStride}) must come in increasing index order, as a one-pass sum adds them.
   */
  public static final class ColumnSumSlots {
    private final int cols, step, len, groupElements;
    private final float[] acc;
    private final Cursor own = new Cursor();

    public ColumnSumSlots(long n, int cols) {
      if (n > LIMIT) {
        throw new IllegalArgumentException("ColumnSumSlots: " + n + " elements is above " + LIMIT);
      }
      this.cols = cols;
      this.step = rowChunk(cols);
      this.groupElements = Math.max(1, GRAIN / step) * step;
      this.len = (int) Math.min(step, n);
      this.acc = new float[(int) ((n + groupElements - 1) / groupElements) * len];
    }

    /** Elements closer than this never share a slot. */
    public int slotStride() {
      return step;
    }

    /** Elements per group: elements of different groups never share a slot. */
    public int groupElements() {
      return groupElements;
    }

    /** The number of groups. */
    public int groups() {
      return acc.length / Math.max(1, len);
    }

    /** Adds {@code v} as element {@code index}. */
    public void add(int index, float v) {
      own.add(index, v);
    }

    /**
     * An adder of its own: threads may add at the same time through cursors of their own as long as
     * no two add to the same group.
     */
    public Cursor cursor() {
      return new Cursor();
    }

    /** Remembers the chunk the last element fell in ([chunkFrom, chunkTo)) and its slots' start in acc. */
    public final class Cursor {
      private int chunkFrom, chunkTo, slotBase;

      /** Adds {@code v} as element {@code index}. */
      public void add(int index, float v) {
        if (index < chunkFrom || index >= chunkTo) {
          int group = index / groupElements;
          chunkFrom = group * groupElements + (index - group * groupElements) / step * step;
          chunkTo = chunkFrom + step;
          slotBase = group * len;
        }
        acc[slotBase + index - chunkFrom] += v;
      }
    }

    /** The column sums, as {@code shape}. */
    public INDArray result(long[] shape) {
      int groups = acc.length / Math.max(1, len);
      double[][] partial = new double[groups][];
      float[] one = new float[len];
      for (int k = 0; k < groups; k++) {
        System.arraycopy(acc, k * len, one, 0, len);
        partial[k] = foldColumns(one, len, cols);
      }
      return columnSums(partial, cols, shape);
    }
  }

  /** Adds elements [start, end) chunk by chunk into {@code acc} (one slot per chunk position). */
  private interface GroupSum {
    void sum(long start, long end, float[] acc);
  }

  /** A chunk length holding whole rows of {@code cols} elements. */
  private static int rowChunk(int cols) {
    return cols >= CHUNK ? cols : CHUNK / cols * cols;
  }

  /** {@code value + bias} with {@code bias} repeated along the last axis. */
  public static INDArray addBias(INDArray value, INDArray bias) {
    return addBias(value, bias, false);
  }

  /** {@code max(value + bias, 0)} in one pass (bias repeated along the last axis). */
  public static INDArray addBiasRelu(INDArray value, INDArray bias) {
    return addBias(value, bias, true);
  }

  private static INDArray addBias(INDArray value, INDArray bias, boolean relu) {
    int cols = (int) bias.length();
    INDArray out = ArrayPool.take(value.dataType(), value.shape());
    long n = value.length();
    int step = rowChunk(cols);
    float[] bp = repeated(Buffers.floats(bias), (int) Math.min(step, n));
    forRanges(n, step, (from, to) -> {
      float[] v = cols > CHUNK ? new float[cols] : SCRATCH.get()[0];
      try (NativeView in = NativeView.of(value); NativeView o = NativeView.of(out)) {
        for (long start = from; start < to; start += step) {
          int len = (int) Math.min(step, to - start);
          in.read(start, v, len);
          if (relu) {
            for (int i = 0; i < len; i++) {
              v[i] = Math.max(v[i] + bp[i], 0f);
            }
          } else {
            for (int i = 0; i < len; i++) {
              v[i] += bp[i];
            }
          }
          o.write(start, v, len);
        }
      }
    });
    return out;
  }

  /**
   * The gradients of {@code relu(value + bias)} from its output in one pass: {@code upstream} where
   * {@code output > 0} (for value) and that summed over all axes but the last (for bias).
   */
  public static INDArray[] biasReluGrad(INDArray upstream, INDArray output, long[] biasShape) {
    int cols = (int) upstream.size(upstream.rank() - 1);
    INDArray masked = ArrayPool.take(upstream.dataType(), upstream.shape());
    long n = upstream.length();
    int step = rowChunk(cols);
    INDArray sums = columnSumsByGroup(n, cols, step, biasShape, (from, to, acc) -> {
      int[][] s = BITS.get();
      int[] g = cols > CHUNK ? new int[cols] : s[0];
      int[] f = cols > CHUNK ? new int[cols] : s[1];
      float[] x = cols > CHUNK ? new float[cols] : SCRATCH.get()[0];
      try (NativeView gv = NativeView.of(upstream); NativeView fv = NativeView.of(output);
          NativeView o = NativeView.of(masked)) {
        for (long start = from; start < to; start += step) {
          int len = (int) Math.min(step, to - start);
          gv.readInts(start, g, len);
          fv.readInts(start, f, len);
          keepWherePositive(g, f, len);
          o.writeInts(start, g, len);
          // read the masked chunk back as floats (L1-resident): int-to-float bit casts do not vectorise
          o.read(start, x, len);
          for (int i = 0; i < len; i++) {
            acc[i] += x[i];
          }
        }
      }
    });
    return new INDArray[] {masked, sums};
  }

  /** Sums of {@code g} over all axes but the last (a bias gradient), accumulated per chunk in double. */
  public static INDArray sumToLastAxis(INDArray g, long[] shape) {
    int cols = (int) g.size(g.rank() - 1);
    long n = g.length();
    int step = rowChunk(cols);
    return columnSumsByGroup(n, cols, step, shape, (from, to, acc) -> {
      float[] x = cols > CHUNK ? new float[cols] : SCRATCH.get()[0];
      try (NativeView in = NativeView.of(g)) {
        for (long start = from; start < to; start += step) {
          int len = (int) Math.min(step, to - start);
          in.read(start, x, len);
          for (int i = 0; i < len; i++) {
            acc[i] += x[i];
          }
        }
      }
    });
  }

  /** max(x, 0). */
  public static INDArray relu(INDArray x) {
    INDArray out = ArrayPool.take(x.dataType(), x.shape());
    forRanges(x.length(), CHUNK, (from, to) -> {
      float[] v = SCRATCH.get()[0];
      try (NativeView in = NativeView.of(x); NativeView o = NativeView.of(out)) {
        for (long start = from; start < to; start += CHUNK) {
          int len = (int) Math.min(CHUNK, to - start);
          in.read(start, v, len);
          for (int i = 0; i < len; i++) {
            v[i] = Math.max(v[i], 0f);
          }
          o.write(start, v, len);
        }
      }
    });
    return out;
  }

  /** {@code gradients} where {@code features > 0}, else 0 (TensorFlow's ReluGrad). */
  public static INDArray reluGrad(INDArray gradients, INDArray features) {
    INDArray out = ArrayPool.take(gradients.dataType(), gradients.shape());
    forRanges(gradients.length(), CHUNK, (from, to) -> {
      int[][] s = BITS.get();
      int[] g = s[0], f = s[1];
      try (NativeView gv = NativeView.of(gradients); NativeView fv = NativeView.of(features);
          NativeView o = NativeView.of(out)) {
        for (long start = from; start < to; start += CHUNK) {
          int len = (int) Math.min(CHUNK, to - start);
          gv.readInts(start, g, len);
          fv.readInts(start, f, len);
          keepWherePositive(g, f, len);
          o.writeInts(start, g, len);
        }
      }
    });
    return out;
  }

  /**
   * Zeroes {@code g[i]} unless the float with bits {@code f[i]} is > 0 (ReluGrad on raw bits).
   * NOTE: on the float bits, f > 0 is "bits > 0" (sign clear, not +0); a ternary on floats compiles to a
   * branch per element (~3 ns with random signs), these integer masks to vector code (~0.15 ns).
   */
  private static void keepWherePositive(int[] g, int[] f, int len) {
    for (int i = 0; i < len; i++) {
      int b = f[i];
      g[i] &= ~((b - 1) >> 31) & ~(b >> 31);
    }
  }

  private static final ThreadLocal<int[][]> BITS =
      ThreadLocal.withInitial(() -> new int[][] {new int[CHUNK], new int[CHUNK]});

  /**
   * {@code scale * sum(x)} over every element, accumulated per chunk in double. Serial: one running sum
   * in element order (a loss's mean), whose bits a split would change.
   */
  public static INDArray total(INDArray x, double scale, long[] shape) {
    float[] v = SCRATCH.get()[0];
    long n = x.length();
    double sum = 0;
    try (NativeView in = NativeView.of(x)) {
      for (long start = 0; start < n; start += CHUNK) {
        int len = (int) Math.min(CHUNK, n - start);
        in.read(start, v, len);
        for (int i = 0; i < len; i++) {
          sum += v[i];
        }
      }
    }
    return Buffers.write(new float[] {(float) (sum * scale)}, shape);
  }

  /** {@code a op b} for op one of + - * /, broadcasting a one-element operand (see appliesToPair). */
  public static INDArray binary(char op, INDArray a, INDArray b, long[] shape) {
    INDArray out = ArrayPool.take(a.dataType(), shape);
    long n = out.length();
    if (a.length() == n && b.length() == n) {
      forRanges(n, CHUNK, (from, to) -> {
        float[][] s = SCRATCH.get();
        float[] x = s[0], y = s[1];
        try (NativeView av = NativeView.of(a); NativeView bv = NativeView.of(b); NativeView o = NativeView.of(out)) {
          for (long start = from; start < to; start += CHUNK) {
            int len = (int) Math.min(CHUNK, to - start);
            av.read(start, x, len);
            bv.read(start, y, len);
            pairs(op, x, y, len);
            o.write(start, x, len);
          }
        }
      });
      return out;
    }
    boolean scalarRight = b.length() == 1;
    float c = scalarRight ? b.getFloat(0) : a.getFloat(0);
    INDArray operand = scalarRight ? a : b;
    forRanges(n, CHUNK, (from, to) -> {
      float[] x = SCRATCH.get()[0];
      try (NativeView v = NativeView.of(operand); NativeView o = NativeView.of(out)) {
        for (long start = from; start < to; start += CHUNK) {
          int len = (int) Math.min(CHUNK, to - start);
          v.read(start, x, len);
          if (scalarRight) {
            withRight(op, x, c, len);
          } else {
            withLeft(op, c, x, len);
          }
          o.write(start, x, len);
        }
      }
    });
    return out;
  }

  private static void pairs(char op, float[] x, float[] y, int n) {
    switch (op) {
      case '+' -> { for (int i = 0; i < n; i++) x[i] += y[i]; }
      case '-' -> { for (int i = 0; i < n; i++) x[i] -= y[i]; }
      case '*' -> { for (int i = 0; i < n; i++) x[i] *= y[i]; }
      default -> { for (int i = 0; i < n; i++) x[i] /= y[i]; }
    }
  }

  private static void withRight(char op, float[] x, float c, int n) {
    switch (op) {
      case '+' -> { for (int i = 0; i < n; i++) x[i] += c; }
      case '-' -> { for (int i = 0; i < n; i++) x[i] -= c; }
      case '*' -> { for (int i = 0; i < n; i++) x[i] *= c; }
      default -> { for (int i = 0; i < n; i++) x[i] /= c; }
    }
  }

  private static void withLeft(char op, float c, float[] y, int n) {
    switch (op) {
      case '+' -> { for (int i = 0; i < n; i++) y[i] = c + y[i]; }
      case '-' -> { for (int i = 0; i < n; i++) y[i] = c - y[i]; }
      case '*' -> { for (int i = 0; i < n; i++) y[i] = c * y[i]; }
      default -> { for (int i = 0; i < n; i++) y[i] = c / y[i]; }
    }
  }
}

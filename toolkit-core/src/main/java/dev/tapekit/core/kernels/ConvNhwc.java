package dev.tapekit.core.kernels;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * float32 NHWC convolution and max pooling as im2col plus one GEMM per block of output rows, in
 * TensorFlow's geometry (padding before = total / 2).
 *
 * <p>NOTE: libnd4j's NHWC conv2d/conv2d_bp/maxpool2d_bp (no oneDNN in ND4J's CPU build) spend most of
 * their time in layout copies and std::function lambdas: ~70% of a small CNN's step on the development
 * VM. In NHWC the rows of the im2col matrix are the output pixels in order, so {@code cols x W} is the
 * output itself and {@code cols^T x grad} the filter gradient; only im2col/col2im are loops here.
 */
public final class ConvNhwc {
  private ConvNhwc() {}

  /**
   * Floats of one block's im2col rows and GEMM outputs together (256 KB): both stay in L2 between the
   * GEMM and whatever reads its output, and the scratch is bounded whatever the batch.
   */
  private static final long BLOCK_ELEMENTS = 1 << 16;
  static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  /** Per-thread heap copies, reused across steps (fresh arrays of megabytes cost page faults and zeroing). */
  private static final ThreadLocal<float[][]> HEAP = ThreadLocal.withInitial(() -> new float[4][0]);

  /** Slot {@code slot} of this thread's heap arrays, at least {@code n} long (contents undefined). */
  static float[] heap(int slot, int n) {
    float[][] h = HEAP.get();
    if (h[slot].length < n) {
      h[slot] = new float[n];
    }
    return h[slot];
  }

  /** The elements of a float32 array, row-major, in heap slot {@code slot}. */
  static float[] copy(INDArray a, int slot) {
    return Buffers.read(Buffers.rowMajor(a), heap(slot, (int) a.length()));
  }

  /** The window geometry: sizes, strides, dilations and TensorFlow's padding before. */
  public record Window(int n, int h, int w, int c, int kh, int kw, int sh, int sw, int dh, int dw,
      int padTop, int padLeft, int outH, int outW) {
    int patch() {
      return kh * kw * c;
    }

    int rowsPerImage() {
      return outH * outW;
    }
  }

  /** True when the kernels here take the call: float32 arrays whose sizes fit int indexing. */
  public static boolean applies(INDArray... arrays) {
    for (INDArray a : arrays) {
      if (a.dataType() != DataType.FLOAT || a.length() >= Integer.MAX_VALUE / 2) {
        return false;
      }
    }
    return true;
  }

  /** conv2d: x [n, h, w, c], filters [kh, kw, c, o] -> [n, outH, outW, o]. */
  public static INDArray conv2d(INDArray x, INDArray filters, Window g) {
    int o = (int) filters.size(3);
    float[] xs = copy(x, 0);
    INDArray out = ArrayPool.take(DataType.FLOAT, new long[] {g.n(), g.outH(), g.outW(), o});
    int patch = g.patch();
    try (NativeView w = NativeView.of(Buffers.rowMajor(filters)); NativeView ov = NativeView.of(out)) {
      forEachBlock(g, o, (firstRow, rows) -> {
        FloatPointer cols = SCRATCH.get().im2col(xs, g, firstRow, rows);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
            openblas_nolapack.CblasNoTrans, rows, o, patch, 1f, cols, patch, w.floats(), o, 0f,
            ov.floats().position((long) firstRow * o), o);
      });
    }
    return out;
  }

  /** The filter gradient: sum over output rows of patch^T x grad, [kh, kw, c, o], in {@link FilterSum}'s groups. */
  public static INDArray backpropFilter(INDArray x, INDArray grad, Window g, long[] filterShape) {
    int o = (int) filterShape[3];
    float[] xs = copy(x, 0);
    INDArray dw = ArrayPool.take(DataType.FLOAT, filterShape);
    int patch = g.patch();
    try (NativeView dwv = NativeView.of(dw); NativeView gv = NativeView.of(Buffers.rowMajor(grad))) {
      FilterSum sum = new FilterSum(dwv.floats(), groups(g, o), patch * o);
      forEachBlockGrouped(g, o, true, (group, first, firstRow, rows) -> {
        FloatPointer cols = SCRATCH.get().im2col(xs, g, firstRow, rows);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
            openblas_nolapack.CblasNoTrans, patch, o, rows, 1f, cols, patch, gv.floats().position((long) firstRow * o), o,
            first ? 0f : 1f, sum.target(group), o);
      });
      sum.finish();
    }
    return dw;
  }

  /**
   * The input gradient: grad x filters^T per block, scattered back over the windows (col2im); images on
   * the pool (windows never cross images), the blocks within an image in order.
   */
  public static INDArray backpropInput(INDArray filters, INDArray grad, Window g) {
    int o = (int) filters.size(3);
    int patch = g.patch();
    int size = g.n() * g.h() * g.w() * g.c();
    float[] dx = heap(3, size);
    Arrays.fill(dx, 0, size, 0f);
    try (NativeView w = NativeView.of(Buffers.rowMajor(filters)); NativeView gv = NativeView.of(Buffers.rowMajor(grad))) {
      Block block = (firstRow, rows) -> {
        Scratch s = SCRATCH.get();
        FloatPointer cols = s.cols((long) rows * patch);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
            openblas_nolapack.CblasTrans, rows, patch, o, 1f, gv.floats().position((long) firstRow * o), o, w.floats(), o, 0f,
            cols, patch);
        s.col2im(dx, g, firstRow, rows);
      };
      forEachBlockByImage(g, o, block);
    }
    return Buffers.write(dx, new long[] {g.n(), g.h(), g.w(), g.c()}); // writes the first size elements
  }

  /** Max pooling (windows of kh x kw, channels kept; padding never wins). */
  public static INDArray maxPool(INDArray x, Window g) {
    return maxPool(x, g, null);
  }

  /**
   * Max pooling that also fills {@code argMax} (when not null, one int per pooled element) with the
   * input element holding each window's first maximum, or -1 for a window with no input cell: a pooling
   * op keeps it for its gradient.
   */
  public static INDArray maxPool(INDArray x, Window g, int[] argMax) {
    return tiles(g) ? TiledMaxPool.pool(x, g, argMax) : maxPoolGeneric(x, g, argMax);
  }

  /**
   * True when the windows tile the input: stride equal to the window, no padding, no dilation (Keras's
   * default MaxPooling2D). {@link TiledMaxPool} takes those.
   */
  static boolean tiles(Window g) {
    return g.sh() == g.kh() && g.sw() == g.kw() && g.dh() == 1 && g.dw() == 1 && g.padTop() == 0
        && g.padLeft() == 0 && g.outH() * g.kh() <= g.h() && g.outW() * g.kw() <= g.w();
  }

  /** {@link #maxPool} for any window geometry, through the cached window-offset tables. */
  static INDArray maxPoolGeneric(INDArray x, Window g, int[] argMax) {
    int c = g.c();
    int cells = g.kh() * g.kw();
    int[] out = new int[g.n() * g.rowsPerImage() * c];
    forEachPoolBlock(g, keys(x), (first, pixels, gathered, max, offsets, winner) -> {
      int n = pixels * c;
      for (int t = 0; t < n; t++) {
        int k = max[t];
        out[first * c + t] = k ^ ((k >> 31) & 0x7fffffff); // back to float bits
      }
      if (argMax == null) {
        return;
      }
      Arrays.fill(winner, 0, n, 0);
      // the first cell holding the maximum, as integer masks (vectorised): later cells first, earlier win
      for (int cell = cells - 1; cell >= 0; cell--) {
        int[] gk = gathered[cell];
        for (int t = 0; t < n; t++) {
          int d = gk[t] ^ max[t];
          int eq = ~((d | -d) >> 31);
          winner[t] = (winner[t] & ~eq) | (cell & eq);
        }
      }
      for (int p = 0, t = 0; p < pixels; p++) {
        int row = p * cells;
        for (int ch = 0; ch < c; ch++, t++) {
          int src = offsets[row + winner[t]];
          argMax[first * c + t] = src < 0 ? -1 : src + ch;
        }
      }
    });
    return Buffers.writeBits(out, new long[] {g.n(), g.outH(), g.outW(), c});
  }

  /** MaxPoolGrad: each window's upstream value goes to the window's first maximum. */
  public static INDArray maxPoolGrad(INDArray x, INDArray grad, Window g) {
    int[] argMax = new int[(int) grad.length()];
    maxPool(x, g, argMax);
    return scatter(argMax, grad, x.shape());
  }

  /** Adds each upstream element to the input element {@code argMax} names: MaxPoolGrad from a kept argmax. */
  public static INDArray scatter(int[] argMax, INDArray grad, long[] inputShape) {
    float[] gs = copy(grad, 1);
    int size = 1;
    for (long d : inputShape) {
      size *= (int) d;
    }
    float[] dx = heap(3, size);
    Arrays.fill(dx, 0, size, 0f);
    // an image's upstream elements only reach that image's inputs: images split across the pool
    int images = (int) inputShape[0];
    int perImage = images == 0 ? 0 : argMax.length / images;
    KernelPool.parallelFor(images, imagesPerTask(perImage), (from, to) -> {
      for (int k = from * perImage, end = to * perImage; k < end; k++) {
        int at = argMax[k];
        if (at >= 0) {
          dx[at] += gs[k];
        }
      }
    });
    return Buffers.write(dx, inputShape);
  }

  /** Elements one thread of the kernel pool takes at least (see Elementwise.GRAIN). */
  private static final int GRAIN = Elementwise.GRAIN;

  /** Images per pool task when each image has {@code elements} elements of work. */
  private static int imagesPerTask(long elements) {
    return (int) Math.max(1, GRAIN / Math.max(1, elements));
  }

  /** Elements per pooling block: the gathered keys of all window cells stay in L2. */
  private static final int POOL_BLOCK = 1 << 14;

  private interface PoolBlock {
    /**
     * Output pixels first .. first + pixels - 1; gathered[cell] and max hold pixels * c keys; offsets is
     * the block's table of {@link #cellOffsets}.
     */
    void run(int first, int pixels, int[][] gathered, int[] max, int[] offsets, int[] spare);
  }

  /**
   * Max pooling in the integer domain: each float's bits become an int key with the same order
   * ({@code b ^ ((b >> 31) & 0x7fffffff)}), so gathering, maxima and argmax are plain int loops the JIT
   * vectorises (float max over 32-channel runs and a branch per element were ~30% of a CNN step).
   */
  private static void forEachPoolBlock(Window g, int[] keys, PoolBlock body) {
    int c = g.c();
    int pixels = g.n() * g.rowsPerImage();
    int perBlock = Math.max(1, POOL_BLOCK / c);
    int blocks = (pixels + perBlock - 1) / perBlock;
    // blocks write disjoint outputs: split across the pool, each range with its own scratch
    KernelPool.parallelFor(blocks, Math.max(1, GRAIN / 2 / (perBlock * c)), (from, to) -> {
      int[][] gathered = new int[g.kh() * g.kw()][perBlock * c];
      int[] max = new int[perBlock * c];
      int[] spare = new int[perBlock * c];
      for (int b = from; b < to; b++) {
        poolBlock(g, keys, b * perBlock, Math.min(perBlock, pixels - b * perBlock), gathered, max, spare, body);
      }
    });
  }

  private static void poolBlock(Window g, int[] keys, int first, int count, int[][] gathered, int[] max,
      int[] spare, PoolBlock body) {
    int c = g.c();
    int cells = g.kh() * g.kw();
    int n = count * c;
    int[] offsets = cellOffsets(g, first, count);
    for (int cell = 0; cell < cells; cell++) {
      int[] gk = gathered[cell];
      for (int p = 0; p < count; p++) {
        int src = offsets[p * cells + cell];
        if (src < 0) {
          Arrays.fill(gk, p * c, p * c + c, Integer.MIN_VALUE); // padding: below every key
        } else if (c == 1) {
          gk[p] = keys[src];
        } else {
          System.arraycopy(keys, src, gk, p * c, c);
        }
      }
    }
    System.arraycopy(gathered[0], 0, max, 0, n);
    for (int cell = 1; cell < cells; cell++) {
      maxInto(max, gathered[cell], n);
    }
    body.run(first, count, gathered, max, offsets, spare);
  }

  /**
   * {@code max[t] = max(max[t], keys[t])} for the first {@code n} elements.
   * NOTE: Math.max(int, int) compiled to a branch per element here (~1 ns each on random keys, measured
   * on JDK 17); this overflow-safe signed compare (Hacker's Delight 2-12) is plain vector arithmetic.
   */
  static void maxInto(int[] max, int[] keys, int n) {
    for (int t = 0; t < n; t++) {
      int m = max[t], k = keys[t];
      int d = m - k;
      int less = (d ^ ((m ^ k) & (d ^ m))) >> 31; // all ones where m < k
      max[t] = m ^ ((m ^ k) & less);
    }
  }

  /**
   * Float bits to int keys of the same order, in place, for elements from .. to - 1 (the map is its own
   * inverse: keys back to bits).
   */
  static void toKeys(int[] k, int from, int to) {
    for (int i = from; i < to; i++) {
      int b = k[i];
      k[i] = b ^ ((b >> 31) & 0x7fffffff);
    }
  }

  private static final ThreadLocal<int[]> KEYS = ThreadLocal.withInitial(() -> new int[0]);

  /** The float bits of a float32 array as order-preserving int keys (in a per-thread array). */
  private static int[] keys(INDArray x) {
    int n = (int) x.length();
    if (KEYS.get().length < n) {
      KEYS.set(new int[n]);
    }
    int[] k = Buffers.readBits(Buffers.rowMajor(x), KEYS.get());
    KernelPool.parallelFor(n, GRAIN, (from, to) -> toKeys(k, from, to));
    return k;
  }

  /**
   * The input offset of every window cell of output pixels {@code first .. first + rows - 1}, row-major
   * over (pixel, kernel row, kernel column), or -1 where the cell falls in the padding. The one place the
   * window geometry is spelled out: im2col, col2im and pooling all walk these tables. Cached per thread
   * (a training loop repeats the same geometries and blocks) up to {@link #CACHED_OFFSETS} entries.
   */
  private static int[] cellOffsets(Window g, int first, int rows) {
    OffsetCache cache = OFFSETS.get();
    BlockKey key = new BlockKey(g, first, rows);
    int[] t = cache.tables.get(key);
    if (t == null) {
      t = buildOffsets(g, first, rows);
      if (cache.size + t.length > CACHED_OFFSETS) {
        cache.tables.clear();
        cache.size = 0;
      }
      if (t.length <= CACHED_OFFSETS) {
        cache.tables.put(key, t);
        cache.size += t.length;
      }
    }
    return t;
  }

  /** Ints of offset tables kept per thread (16 MB). */
  private static final long CACHED_OFFSETS = 1 << 22;

  private record BlockKey(Window window, int first, int rows) {}

  private static final class OffsetCache {
    final java.util.HashMap<BlockKey, int[]> tables = new java.util.HashMap<>();
    long size;
  }

  private static final ThreadLocal<OffsetCache> OFFSETS = ThreadLocal.withInitial(OffsetCache::new);

  private static int[] buildOffsets(Window g, int first, int rows) {
    int cells = g.kh() * g.kw();
    int[] t = new int[rows * cells];
    for (int row = 0, k = 0; row < rows; row++) {
      int pixel = first + row;
      int n = pixel / g.rowsPerImage();
      int rem = pixel % g.rowsPerImage();
      int r = rem / g.outW();
      int q = rem % g.outW();
      for (int i = 0; i < g.kh(); i++) {
        int y = r * g.sh() - g.padTop() + i * g.dh();
        for (int j = 0; j < g.kw(); j++, k++) {
          int xw = q * g.sw() - g.padLeft() + j * g.dw();
          t[k] = y < 0 || y >= g.h() || xw < 0 || xw >= g.w() ? -1 : ((n * g.h() + y) * g.w() + xw) * g.c();
        }
      }
    }
    return t;
  }

  interface Block {
    void run(int firstRow, int rows);
  }

  /**
   * Output rows per block for a convolution with {@code o} output channels: whole images while they fit
   * {@link #BLOCK_ELEMENTS}, else a number of one image's output rows that is even (and a multiple of 6
   * from 6 up), so that blocks hold whole 2x2 and 3x3 pooling windows.
   * NOTE: OpenBLAS's result bits for a row depend on the M of the call it is in (measured: most elements
   * of a product differ in their last bit between one call and blocks of rows), so every conv kernel and
   * the fused {@link ConvReluPool} walk this one grid: the fused op's values equal the unfused ones.
   */
  static int blockRows(Window g, int o) {
    int perImage = g.rowsPerImage();
    long perRow = g.patch() + (long) o;
    if (perImage * perRow <= BLOCK_ELEMENTS) {
      return (int) Math.min(g.n(), BLOCK_ELEMENTS / (perImage * perRow)) * perImage;
    }
    int r = (int) Math.max(1, BLOCK_ELEMENTS / (g.outW() * perRow));
    r -= r >= 6 ? r % 6 : r % 2;
    return Math.max(1, r) * g.outW();
  }

  /**
   * The {@link #blockRows} grid as numbered blocks: blocks of whole images, or blocks within one image
   * (an image's last block may be shorter) that never cross an image.
   */
  record Grid(int rows, int perImage, int total, int perImageBlocks, int count) {
    static Grid of(Window g, int o) {
      int perImage = g.rowsPerImage();
      int total = g.n() * perImage;
      int rows = blockRows(g, o);
      if (rows >= perImage) {
        return new Grid(rows, perImage, total, 0, (total + rows - 1) / rows);
      }
      int perImageBlocks = (perImage + rows - 1) / rows;
      return new Grid(rows, perImage, total, perImageBlocks, g.n() * perImageBlocks);
    }

    /** True when every block holds whole images: blocks then touch disjoint input images. */
    boolean wholeImages() {
      return perImageBlocks == 0;
    }

    int first(int block) {
      return wholeImages() ? block * rows : block / perImageBlocks * perImage + block % perImageBlocks * rows;
    }

    int rows(int block) {
      int first = first(block);
      int end = wholeImages() ? total : first - first % perImage + perImage;
      return Math.min(rows, end - first);
    }
  }

  /**
   * Blocks per group of the filter gradient: each group chains its blocks' products into one sum and
   * the groups' sums add in group order, so the bits depend on the grid alone, not on which thread ran
   * which group (and up to {@code count / 4} threads share the work).
   */
  static final int FILTER_GROUP = 4;

  /**
   * Calls {@code body} on every block of the grid; blocks may run at the same time on the kernel pool's
   * threads (bodies write disjoint outputs and take their scratch per thread), each block's GEMMs on the
   * thread running it, BLAS on one thread meanwhile ({@link BlasThreads#single}): a conv block's
   * product is too thin for BLAS's threads, and its bits then do not depend on the thread count.
   */
  static void forEachBlock(Window g, int o, Block body) {
    forEachUnit(Grid.of(g, o), 1, true, (unit, first, firstRow, rows) -> body.run(firstRow, rows));
  }

  /**
   * {@link #forEachBlock} for bodies whose outputs overlap within an image (col2im): the blocks of one
   * image run in order on one thread, images (or blocks of whole images) at the same time.
   */
  static void forEachBlockByImage(Window g, int o, Block body) {
    Grid grid = Grid.of(g, o);
    forEachUnit(grid, grid.wholeImages() ? 1 : grid.perImageBlocks(), true,
        (unit, first, firstRow, rows) -> body.run(firstRow, rows));
  }

  /** A block of a unit of consecutive blocks: {@code first} when it starts its unit (a group's sum). */
  interface GroupedBlock {
    void run(int unit, boolean first, int firstRow, int rows);
  }

  /** Groups of {@link #FILTER_GROUP} consecutive blocks in the grid. */
  static int groups(Window g, int o) {
    return (Grid.of(g, o).count() + FILTER_GROUP - 1) / FILTER_GROUP;
  }

  /**
   * Calls {@code body} on every block, group by group of {@link #FILTER_GROUP} blocks: a group's blocks
   * in order on one thread, groups at the same time on the pool when {@code parallel}.
   */
  static void forEachBlockGrouped(Window g, int o, boolean parallel, GroupedBlock body) {
    forEachUnit(Grid.of(g, o), FILTER_GROUP, parallel, body);
  }

  /**
   * The one block runner: units of {@code per} consecutive blocks, each unit's blocks in order on one
   * thread, units on the pool when {@code parallel} (else in order on the calling thread), always with
   * BLAS on one thread.
   */
  private static void forEachUnit(Grid grid, int per, boolean parallel, GroupedBlock body) {
    int blocks = grid.count();
    int units = (blocks + per - 1) / per;
    KernelPool.Range work = (from, to) -> {
      for (int unit = from; unit < to; unit++) {
        for (int b = unit * per, end = Math.min(blocks, b + per); b < end; b++) {
          body.run(unit, b == unit * per, grid.first(b), grid.rows(b));
        }
      }
    };
    BlasThreads.single(() -> {
      if (parallel && concurrentBlas()) {
        KernelPool.parallelFor(units, 1, work);
      } else if (units > 0) {
        work.run(0, units);
      }
      return null;
    });
  }

  /** True when blocks may call BLAS from several threads at once: each call then runs on one BLAS thread. */
  private static boolean concurrentBlas() {
    return BlasThreads.adjustable() || BlasThreads.configured() <= 1;
  }

  /**
   * The filter gradient's sums per {@link #groups group}: group 0 accumulates into the gradient itself,
   * the others into partial sums off-heap, which {@link #finish} adds to it in group order.
   */
  static final class FilterSum {
    private final FloatPointer dw;
    private final FloatPointer partials;
    private final int len;
    private final int groups;

    FilterSum(FloatPointer dw, int groups, int len) {
      this.dw = dw;
      this.len = len;
      this.groups = groups;
      this.partials = SCRATCH.get().partials((long) (groups - 1) * len);
    }

    /** Where group {@code group}'s products accumulate (a fresh pointer: groups run on several threads). */
    FloatPointer target(int group) {
      return group == 0 ? new FloatPointer(dw) : new FloatPointer(partials).position((long) (group - 1) * len);
    }

    /** dw = sum_0 + sum_1 + ... in group order. */
    void finish() {
      if (groups <= 1) {
        return;
      }
      float[] acc = new float[len];
      float[] part = new float[len];
      new FloatPointer(dw).get(acc, 0, len);
      for (int group = 1; group < groups; group++) {
        partials.position((long) (group - 1) * len).get(part, 0, len);
        for (int i = 0; i < len; i++) {
          acc[i] += part[i];
        }
      }
      new FloatPointer(dw).put(acc, 0, len);
    }
  }

  /** Per-thread im2col block: built on the heap (vectorisable loops), then copied off-heap for BLAS. */
  static final class Scratch {
    private float[] heap = new float[0];
    private FloatPointer off = new FloatPointer(0L);
    private long offCapacity;
    private FloatPointer partials = new FloatPointer(0L);
    private long partialsCapacity;

    /** Off-heap room for a filter gradient's partial sums (contents undefined). */
    FloatPointer partials(long elements) {
      if (partialsCapacity < elements) {
        partials.deallocate();
        partials = new FloatPointer(elements);
        partialsCapacity = elements;
      }
      return partials.position(0);
    }

    FloatPointer cols(long elements) {
      if (offCapacity < elements) {
        off.deallocate();
        off = new FloatPointer(elements);
        offCapacity = elements;
      }
      if (heap.length < elements) {
        heap = new float[(int) elements];
      }
      return off.position(0);
    }

    FloatPointer im2col(float[] xs, Window g, int firstRow, int rows) {
      int patch = g.patch();
      int cells = g.kh() * g.kw();
      int c = g.c();
      FloatPointer p = cols((long) rows * patch);
      float[] col = heap;
      int[] offsets = cellOffsets(g, firstRow, rows);
      // rows of the block are independent: split across the pool
      KernelPool.parallelFor(rows, Math.max(1, GRAIN / patch), (from, to) -> {
        for (int k = from * cells, n = to * cells; k < n; k++) {
          int src = offsets[k];
          int dst = k * c; // row * patch + cell * c
          if (src < 0) {
            Arrays.fill(col, dst, dst + c, 0f);
          } else if (c == 1) { // one channel (images): a call per element would cost more than the copy
            col[dst] = xs[src];
          } else {
            System.arraycopy(xs, src, col, dst, c);
          }
        }
      });
      p.put(col, 0, rows * patch);
      return p;
    }

    /** Adds the block's patch gradients (in the off-heap block) to dx at their input positions. */
    void col2im(float[] dx, Window g, int firstRow, int rows) {
      int patch = g.patch();
      int cells = g.kh() * g.kw();
      int c = g.c();
      float[] col = heap;
      off.position(0).get(col, 0, rows * patch);
      int[] offsets = cellOffsets(g, firstRow, rows);
      // NOTE: one thread per block: a block holds at most BLOCK_ELEMENTS (one GRAIN), too few to split,
      // and its rows' windows overlap; images run at once (forEachBlockByImage)
      for (int k = 0, n = rows * cells; k < n; k++) {
        int dst = offsets[k];
        if (dst >= 0) {
          for (int ch = 0, src = k * c; ch < c; ch++) {
            dx[dst + ch] += col[src + ch];
          }
        }
      }
    }
  }
}

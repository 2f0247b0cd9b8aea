package dev.tapekit.core.kernels;

import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * float32 NHWC conv2d, bias, relu and a tiling max pool as one pass over blocks of output rows, with
 * the values of the four kernels run one after the other bit for bit.
 *
 * <p>NOTE: unfused, a small CNN's step moves each conv activation (5.5 MB at batch 64 in the MNIST
 * tutorial's CNN) through memory about eight times: GEMM output, bias + relu in and out, pooling in,
 * then the scatter, the relu mask and the bias sums backwards; those passes were ~60% of the step. Here
 * each block of output rows ({@link ConvNhwc#blockRows}, about 256 KB) goes GEMM -> bias + relu -> keys
 * -> pooling while it is in L2, and only the pooled output (a quarter of the size) and one int per
 * pooled element leave it. Blocks run at the same time on the kernel pool, each one's GEMM on the
 * thread running it ({@link ConvNhwc#forEachBlock}). Backwards, each block's pre-activation gradient is
 * rebuilt in L2 from the pooled gradient and those ints, and feeds the filter (and input) gradient GEMMs
 * of the same block; the filter gradient sums in {@link ConvNhwc#FILTER_GROUP} groups and the bias sums
 * in their slot groups, so the bits do not depend on which thread ran what.
 */
public final class ConvReluPool {
  private ConvReluPool() {}

  /** Per-thread off-heap GEMM output block and heap/key blocks, reused across steps. */
  private static final ThreadLocal<Blocks> BLOCKS = ThreadLocal.withInitial(Blocks::new);

  /**
   * True when the fused kernels take a convolution {@code conv} with {@code o} outputs followed by a
   * pooling {@code pool} over its output: the pool tiles (stride = window, no padding) and every block of
   * the convolution's grid holds whole pooling windows.
   */
  public static boolean fits(ConvNhwc.Window conv, int o, ConvNhwc.Window pool) {
    if (!ConvNhwc.tiles(pool) || pool.h() != conv.outH() || pool.w() != conv.outW() || pool.c() != o
        || pool.n() != conv.n()) {
      return false;
    }
    int rows = ConvNhwc.blockRows(conv, o);
    return rows >= conv.rowsPerImage() || (rows / conv.outW()) % pool.kh() == 0;
  }

  /**
   * {@code maxPool(relu(conv2d(x, filters) + bias))}: x [n, h, w, c], filters [kh, kw, c, o], bias [o],
   * giving the pooled [n, pool.outH, pool.outW, o]. {@code argMax} (one int per pooled element) receives
   * the convolution output element holding each window's first maximum, or -1 where the pooled value's
   * bits are not above 0 (relu's gradient mask is 0 there).
   */
  public static INDArray forward(INDArray x, INDArray filters, INDArray bias, ConvNhwc.Window conv,
      ConvNhwc.Window pool, int[] argMax) {
    int o = (int) filters.size(3);
    int patch = conv.patch();
    float[] xs = ConvNhwc.copy(x, 0);
    // the bias repeated over a block's rows: one flat loop over the block vectorises, 32-float rows did not
    float[] b = Elementwise.repeated(Buffers.floats(bias), ConvNhwc.blockRows(conv, o) * o);
    int[] out = new int[pool.n() * pool.outH() * pool.outW() * o];
    int[] pattern = TiledMaxPool.pattern(pool);
    int rowOut = pool.outW() * o;
    int cellCount = pool.kh() * pool.kw();
    try (NativeView w = NativeView.of(Buffers.rowMajor(filters))) {
      // blocks write disjoint pooled rows: they run on the pool, each thread with its own blocks
      ConvNhwc.forEachBlock(conv, o, (firstRow, rows) -> {
        int len = rows * o;
        Blocks blocks = BLOCKS.get();
        FloatPointer cols = ConvNhwc.SCRATCH.get().im2col(xs, conv, firstRow, rows);
        FloatPointer zp = blocks.off(len);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
            openblas_nolapack.CblasNoTrans, rows, o, patch, 1f, cols, patch, w.floats(), o, 0f, zp, o);
        float[] z = blocks.floats(len);
        zp.get(z, 0, len);
        for (int i = 0; i < len; i++) {
          z[i] = Math.max(z[i] + b[i], 0f); // Elementwise.addBiasRelu's expression: its bits
        }
        // the floats' bits through the (L2-resident) native block: float-to-int bit casts do not vectorise
        zp.put(z, 0, len);
        int[] keys = blocks.keys(len);
        blocks.offInts().get(keys, 0, len);
        ConvNhwc.toKeys(keys, 0, len);
        blocks.pooling(rowOut, cellCount);
        poolBlock(keys, conv, pool, firstRow, rows, o, pattern, blocks.max, blocks.winOff, blocks.cells, out, argMax);
      });
    }
    return Buffers.writeBits(out, new long[] {pool.n(), pool.outH(), pool.outW(), o});
  }

  /** Pools the block's keys (conv output rows firstRow ..) into its whole pooled rows. */
  private static void poolBlock(int[] keys, ConvNhwc.Window conv, ConvNhwc.Window pool, int firstRow, int rows,
      int o, int[] pattern, int[] max, int[] winOff, int[][] cells, int[] out, int[] argMax) {
    int perImage = conv.rowsPerImage();
    int rowOut = pool.outW() * o;
    int from = pooledRow(conv, pool, firstRow);
    int to = pooledRow(conv, pool, firstRow + rows);
    for (int pr = from; pr < to; pr++) {
      int n = pr / pool.outH(), r = pr % pool.outH();
      int inStart = (n * perImage + r * pool.kh() * conv.outW()) * o; // in the conv output
      TiledMaxPool.poolRow(keys, inStart - firstRow * o, pool, cells, max, winOff);
      int outStart = pr * rowOut;
      for (int t = 0; t < rowOut; t++) {
        int k = max[t];
        int bits = k ^ ((k >> 31) & 0x7fffffff);
        out[outStart + t] = bits;
        argMax[outStart + t] = bits > 0 ? inStart + pattern[t] + winOff[t] : -1;
      }
    }
  }

  /** The first pooled row (over images and rows) whose windows start at or after conv output row {@code row}. */
  private static int pooledRow(ConvNhwc.Window conv, ConvNhwc.Window pool, int row) {
    int perImage = conv.rowsPerImage();
    int n = row / perImage;
    int y = (row % perImage) / conv.outW();
    return n * pool.outH() + Math.min(pool.outH(), (y + pool.kh() - 1) / pool.kh());
  }

  /**
   * The first-order gradients of {@link #forward} for the pooled upstream {@code grad}: {dx (null unless
   * {@code needInput}), dFilters, dBias}, from the {@code argMax} the forward pass filled; the bits of
   * MaxPoolGrad -> ReluGrad -> the conv backprops and the bias sums run one after the other.
   */
  public static INDArray[] backward(INDArray x, INDArray filters, int[] argMax, INDArray grad,
      ConvNhwc.Window conv, ConvNhwc.Window pool, boolean needInput) {
    long[] filterShape = filters.shape();
    int o = (int) filterShape[3];
    int patch = conv.patch();
    float[] xs = ConvNhwc.copy(x, 0);
    float[] gs = ConvNhwc.copy(grad, 1);
    int size = conv.n() * conv.h() * conv.w() * conv.c();
    float[] dx = needInput ? ConvNhwc.heap(3, size) : null;
    if (needInput) {
      Arrays.fill(dx, 0, size, 0f);
    }
    // the bias gradient summed as biasReluGrad sums the unfused activation's gradient: the same bits
    Elementwise.ColumnSumSlots db = new Elementwise.ColumnSumSlots((long) conv.n() * conv.rowsPerImage() * o, o);
    // in pooled order the maxima sharing a slot come in index order when a pooled row's windows span
    // less than the slot stride; else the block's elements go in one by one, in block order
    boolean pooledOrder = (long) pool.kh() * conv.outW() * o <= db.slotStride();
    // blocks run at once when the bias sums are a pass of their own and col2im's images are whole
    boolean parallel = pooledOrder && (!needInput || ConvNhwc.Grid.of(conv, o).wholeImages());
    INDArray dw = ArrayPool.take(DataType.FLOAT, filterShape);
    int rowOut = pool.outW() * o;
    try (NativeView dwv = NativeView.of(dw); NativeView w = NativeView.of(Buffers.rowMajor(filters))) {
      ConvNhwc.FilterSum sum = new ConvNhwc.FilterSum(dwv.floats(), ConvNhwc.groups(conv, o), patch * o);
      ConvNhwc.forEachBlockGrouped(conv, o, parallel, (group, first, firstRow, rows) -> {
        int len = rows * o;
        int base = firstRow * o;
        Blocks blocks = BLOCKS.get();
        ConvNhwc.Scratch s = ConvNhwc.SCRATCH.get();
        float[] dz = blocks.floats(len);
        Arrays.fill(dz, 0, len, 0f);
        // each pooled gradient goes to its window's maximum when relu passed it (tiling windows: one each)
        for (int t = pooledRow(conv, pool, firstRow) * rowOut, end = pooledRow(conv, pool, firstRow + rows) * rowOut;
            t < end; t++) {
          int at = argMax[t];
          if (at >= 0) {
            dz[at - base] += gs[t]; // as MaxPoolGrad's scatter adds to zero (a -0 upstream gives +0)
          }
        }
        if (!pooledOrder) {
          for (int i = 0; i < len; i++) {
            db.add(base + i, dz[i]);
          }
        }
        FloatPointer dzp = blocks.off(len);
        dzp.put(dz, 0, len);
        FloatPointer cols = s.im2col(xs, conv, firstRow, rows);
        openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
            openblas_nolapack.CblasNoTrans, patch, o, rows, 1f, cols, patch, dzp, o, first ? 0f : 1f,
            sum.target(group), o);
        if (needInput) {
          openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
              openblas_nolapack.CblasTrans, rows, patch, o, 1f, dzp, o, w.floats(), o, 0f, s.cols((long) rows * patch), patch);
          s.col2im(dx, conv, firstRow, rows);
        }
      });
      sum.finish();
    }
    if (pooledOrder) {
      biasSums(db, argMax, gs, conv, pool, o);
    }
    return new INDArray[] {
        needInput ? Buffers.write(dx, new long[] {conv.n(), conv.h(), conv.w(), conv.c()}) : null,
        dw, db.result(new long[] {o})};
  }

  /**
   * Adds each pooled gradient whose maximum relu passed to the bias sums, as element {@code argMax}:
   * group by group of the sums (groups never share slots), in pooled order within a group, which is
   * the order of the unfused sums' elements within each slot.
   */
  private static void biasSums(Elementwise.ColumnSumSlots db, int[] argMax, float[] gs, ConvNhwc.Window conv,
      ConvNhwc.Window pool, int o) {
    int span = pool.kh() * conv.outW(); // output pixels a pooled row's windows start within
    int pixels = conv.n() * conv.rowsPerImage();
    int rowOut = pool.outW() * o;
    int groupElements = db.groupElements();
    long total = (long) pixels * o;
    KernelPool.parallelFor(db.groups(), Math.max(1, Elementwise.GRAIN / groupElements), (from, to) -> {
      Elementwise.ColumnSumSlots.Cursor cursor = db.cursor();
      for (int group = from; group < to; group++) {
        int lo = group * groupElements;
        int hi = (int) Math.min(total, (long) lo + groupElements);
        // the pooled rows whose windows may hold elements lo .. hi - 1 (a superset: filtered below):
        // pooledRow works in whole image rows, so the bounds are a pooling row before the first pixel and
        // one image row after the last
        int t = pooledRow(conv, pool, Math.max(0, lo / o - span + 1)) * rowOut;
        int end = pooledRow(conv, pool, Math.min(pixels, (hi - 1) / o + conv.outW())) * rowOut;
        for (; t < end; t++) {
          int at = argMax[t];
          if (at >= lo && at < hi) {
            cursor.add(at, gs[t]);
          }
        }
      }
    });
  }

  /** One thread's block buffers: the off-heap GEMM block and heap float and key blocks. */
  private static final class Blocks {
    private FloatPointer off = new FloatPointer(0L);
    private org.bytedeco.javacpp.IntPointer offInts = new org.bytedeco.javacpp.IntPointer(off);
    private long offCapacity;
    private float[] floats = new float[0];
    private int[] keys = new int[0];
    /** One pooled row's maxima, winning offsets and gathered window cells ({@link #pooling}). */
    int[] max = new int[0], winOff = new int[0];
    int[][] cells = new int[0][];

    /** Sizes the pooling scratch for pooled rows of {@code rowOut} elements and {@code cellCount} cells. */
    void pooling(int rowOut, int cellCount) {
      if (max.length < rowOut || cells.length < cellCount) {
        max = new int[rowOut];
        winOff = new int[rowOut];
        cells = new int[cellCount][rowOut];
      }
    }

    FloatPointer off(long elements) {
      if (offCapacity < elements) {
        off.deallocate();
        off = new FloatPointer(elements);
        offInts = new org.bytedeco.javacpp.IntPointer(off);
        offCapacity = elements;
      }
      return off.position(0);
    }

    /** The off-heap block as ints (the float elements' bits), from its start. */
    org.bytedeco.javacpp.IntPointer offInts() {
      return offInts.position(0);
    }

    float[] floats(int n) {
      if (floats.length < n) {
        floats = new float[n];
      }
      return floats;
    }

    int[] keys(int n) {
      if (keys.length < n) {
        keys = new int[n];
      }
      return keys;
    }
  }
}

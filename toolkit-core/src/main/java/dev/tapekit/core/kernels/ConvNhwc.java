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

  /** Elements of one im2col block; bounds the scratch memory whatever the batch. */
  private static final long BLOCK_ELEMENTS = 1 << 20;
  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
  /** Per-thread heap copies, reused across steps (fresh arrays of megabytes cost page faults and zeroing). */
  private static final ThreadLocal<float[][]> HEAP = ThreadLocal.withInitial(() -> new float[4][0]);
  private static final ThreadLocal<int[]> ARGS = ThreadLocal.withInitial(() -> new int[0]);

  /** Slot {@code slot} of this thread's heap arrays, at least {@code n} long (contents undefined). */
  private static float[] heap(int slot, int n) {
    float[][] h = HEAP.get();
    if (h[slot].length < n) {
      h[slot] = new float[n];
    }
    return h[slot];
  }

  /** The elements of a float32 array, row-major, in heap slot {@code slot}. */
  private static float[] copy(INDArray a, int slot) {
    return Buffers.read(dense(a), heap(slot, (int) a.length()));
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
    FloatPointer wp = pointer(dense(filters));
    FloatPointer op = pointer(out);
    Scratch s = SCRATCH.get();
    int patch = g.patch();
    forEachBlock(g, (firstRow, rows) -> {
      FloatPointer cols = s.im2col(xs, g, firstRow, rows);
      openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasNoTrans, rows, o, patch, 1f, cols, patch, wp, o, 0f,
          op.position((long) firstRow * o), o);
    });
    return out;
  }

  /** The filter gradient: sum over output rows of patch^T x grad, [kh, kw, c, o]. */
  public static INDArray backpropFilter(INDArray x, INDArray grad, Window g, long[] filterShape) {
    int o = (int) filterShape[3];
    float[] xs = copy(x, 0);
    INDArray dw = ArrayPool.take(DataType.FLOAT, filterShape);
    FloatPointer dwp = pointer(dw);
    FloatPointer gp = pointer(dense(grad));
    Scratch s = SCRATCH.get();
    int patch = g.patch();
    float[] beta = {0f};
    forEachBlock(g, (firstRow, rows) -> {
      FloatPointer cols = s.im2col(xs, g, firstRow, rows);
      openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasTrans,
          openblas_nolapack.CblasNoTrans, patch, o, rows, 1f, cols, patch, gp.position((long) firstRow * o), o,
          beta[0], dwp, o);
      beta[0] = 1f;
    });
    return dw;
  }

  /** The input gradient: grad x filters^T per block, scattered back over the windows (col2im). */
  public static INDArray backpropInput(INDArray filters, INDArray grad, Window g) {
    int o = (int) filters.size(3);
    int patch = g.patch();
    int size = g.n() * g.h() * g.w() * g.c();
    float[] dx = heap(3, size);
    Arrays.fill(dx, 0, size, 0f);
    FloatPointer wp = pointer(dense(filters));
    FloatPointer gp = pointer(dense(grad));
    Scratch s = SCRATCH.get();
    forEachBlock(g, (firstRow, rows) -> {
      FloatPointer cols = s.cols((long) rows * patch);
      openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, openblas_nolapack.CblasNoTrans,
          openblas_nolapack.CblasTrans, rows, patch, o, 1f, gp.position((long) firstRow * o), o, wp, o, 0f,
          cols, patch);
      s.col2im(dx, g, firstRow, rows);
    });
    return Buffers.write(dx, new long[] {g.n(), g.h(), g.w(), g.c()}); // writes the first size elements
  }

  /** Max pooling (windows of kh x kw, channels kept; padding never wins). */
  public static INDArray maxPool(INDArray x, Window g) {
    float[] out = heap(2, g.n() * g.outH() * g.outW() * g.c());
    pool(copy(x, 0), g, out, null);
    return Buffers.write(out, new long[] {g.n(), g.outH(), g.outW(), g.c()});
  }

  /** MaxPoolGrad: each window's upstream value goes to the window's first maximum. */
  public static INDArray maxPoolGrad(INDArray x, INDArray grad, Window g) {
    float[] xs = copy(x, 0);
    float[] gs = copy(grad, 1);
    int pooled = (int) grad.length();
    int[] arg = ARGS.get().length >= pooled ? ARGS.get() : new int[pooled];
    ARGS.set(arg);
    pool(xs, g, heap(2, pooled), arg);
    float[] dx = heap(3, (int) x.length());
    Arrays.fill(dx, 0, (int) x.length(), 0f);
    for (int k = 0; k < pooled; k++) {
      if (arg[k] >= 0) {
        dx[arg[k]] += gs[k];
      }
    }
    return Buffers.write(dx, x.shape());
  }

  /**
   * Window maxima into {@code out}, and when {@code arg} is given the input index of each window's first
   * maximum (-1 for a window with no input cell).
   */
  private static void pool(float[] xs, Window g, float[] out, int[] arg) {
    int c = g.c();
    int pixels = g.n() * g.rowsPerImage();
    int cells = g.kh() * g.kw();
    Arrays.fill(out, 0, pixels * c, Float.NEGATIVE_INFINITY);
    if (arg != null) {
      Arrays.fill(arg, 0, pixels * c, -1);
    }
    int[] offsets = cellOffsets(g, 0, pixels, null);
    for (int pixel = 0, k = 0; pixel < pixels; pixel++, k += c) {
      for (int cell = 0; cell < cells; cell++) {
        int src = offsets[pixel * cells + cell];
        if (src < 0) {
          continue;
        }
        if (arg == null) {
          maxInto(out, k, xs, src, c);
        } else {
          argMaxInto(out, arg, k, xs, src, c);
        }
      }
    }
  }

  private static void maxInto(float[] out, int k, float[] xs, int src, int c) {
    for (int ch = 0; ch < c; ch++) {
      out[k + ch] = Math.max(out[k + ch], xs[src + ch]);
    }
  }

  private static void argMaxInto(float[] out, int[] arg, int k, float[] xs, int src, int c) {
    for (int ch = 0; ch < c; ch++) {
      float v = xs[src + ch];
      if (v > out[k + ch] || arg[k + ch] < 0) { // strict: ties keep the first maximum
        out[k + ch] = v;
        arg[k + ch] = src + ch;
      }
    }
  }

  /**
   * The input offset of every window cell of output pixels {@code first .. first + rows - 1}, row-major
   * over (pixel, kernel row, kernel column), or -1 where the cell falls in the padding. The one place the
   * window geometry is spelled out; im2col, col2im and pooling all walk this table.
   */
  private static int[] cellOffsets(Window g, int first, int rows, int[] into) {
    int cells = g.kh() * g.kw();
    int[] t = into != null && into.length >= rows * cells ? into : new int[rows * cells];
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

  private interface Block {
    void run(int firstRow, int rows);
  }

  /** Calls {@code body} on consecutive ranges of output rows whose im2col block fits the scratch. */
  private static void forEachBlock(Window g, Block body) {
    int total = g.n() * g.rowsPerImage();
    int rows = (int) Math.max(1, Math.min(total, BLOCK_ELEMENTS / Math.max(1, g.patch())));
    for (int first = 0; first < total; first += rows) {
      body.run(first, Math.min(rows, total - first));
    }
  }

  private static INDArray dense(INDArray a) {
    return Buffers.dense(a) ? a : a.dup('c');
  }

  private static FloatPointer pointer(INDArray a) {
    return new FloatPointer(a.data().addressPointer());
  }

  /** Per-thread im2col block: built on the heap (vectorisable loops), then copied off-heap for BLAS. */
  private static final class Scratch {
    private float[] heap = new float[0];
    private FloatPointer off = new FloatPointer(0L);
    private long offCapacity;

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

    private int[] offsets;

    FloatPointer im2col(float[] xs, Window g, int firstRow, int rows) {
      int patch = g.patch();
      int cells = g.kh() * g.kw();
      int c = g.c();
      FloatPointer p = cols((long) rows * patch);
      float[] col = heap;
      offsets = cellOffsets(g, firstRow, rows, offsets);
      for (int k = 0, n = rows * cells; k < n; k++) {
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
      offsets = cellOffsets(g, firstRow, rows, offsets);
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

package dev.tapekit.core.kernels;

import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2-D matrix products straight through CBLAS on ND4J's buffers.
 *
 * <p>NOTE: {@code Nd4j.gemm} costs ~12 us per call above the BLAS routine (argument checks, op objects,
 * JNI hops); for the small products of a training step that is more than the arithmetic. This calls
 * {@code cblas_?gemm} of the BLAS ND4J itself loaded (JavaCPP's OpenBLAS binding; MKL when JavaCPP was
 * told to load it instead), so results are those of ND4J's own GEMM. Inputs that are not row-major
 * with unit column stride are copied to that layout first.
 */
public final class Gemm {
  private Gemm() {}

  /**
   * {@code op(a) x op(b)} into a new row-major array, where op transposes when its flag is set.
   *
   * @param a a float32 or float64 matrix
   * @param b a matrix of the same dtype; shapes must already be checked by the caller
   */
  public static INDArray multiply(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
    DataType dt = a.dataType();
    long m = transposeA ? a.size(1) : a.size(0);
    long k = transposeA ? a.size(0) : a.size(1);
    long n = transposeB ? b.size(0) : b.size(1);
    if (m == 0 || n == 0 || k == 0 || (dt != DataType.FLOAT && dt != DataType.DOUBLE)
        || Math.max(Math.max(m, n), k) > Integer.MAX_VALUE / 2) {
      return Nd4j.gemm(a, b, transposeA, transposeB);
    }
    INDArray x = leadingDimension(a) > 0 ? a : a.dup('c');
    INDArray y = leadingDimension(b) > 0 ? b : b.dup('c');
    INDArray c = ArrayPool.take(dt, new long[] {m, n});
    int ta = transposeA ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    int tb = transposeB ? openblas_nolapack.CblasTrans : openblas_nolapack.CblasNoTrans;
    int lda = (int) leadingDimension(x);
    int ldb = (int) leadingDimension(y);
    try (NativeView xv = NativeView.of(x); NativeView yv = NativeView.of(y); NativeView cv = NativeView.of(c)) {
      // with BLAS's configured threads, not while conv blocks hold it at one (BlasThreads)
      boolean held = BlasThreads.enterProduct(m, n, k);
      try {
        if (dt == DataType.FLOAT) {
          openblas_nolapack.cblas_sgemm(openblas_nolapack.CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, 1f,
              xv.floats(), lda, yv.floats(), ldb, 0f, cv.floats(), (int) n);
        } else {
          openblas_nolapack.cblas_dgemm(openblas_nolapack.CblasRowMajor, ta, tb, (int) m, (int) n, (int) k, 1.0,
              xv.doubles(), lda, yv.doubles(), ldb, 0.0, cv.doubles(), (int) n);
        }
      } finally {
        BlasThreads.release(held);
      }
    }
    return c;
  }

  /**
   * The distance between rows when the rows are contiguous runs (BLAS's lda), else -1.
   * NOTE: ND4J gives a [1, n] row the strides [1, 1]; one row may take any lda >= n.
   */
  static long leadingDimension(INDArray a) {
    long rows = a.size(0);
    long cols = a.size(1);
    if (cols != 1 && a.stride(1) != 1) {
      return -1;
    }
    long ld = rows == 1 ? Math.max(cols, 1) : a.stride(0);
    return ld >= Math.max(cols, 1) && ld <= Integer.MAX_VALUE ? ld : -1;
  }
}

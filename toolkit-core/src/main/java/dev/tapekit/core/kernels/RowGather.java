package dev.tapekit.core.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Rows of a dense array picked by Java indices (a shuffled batch of a data set): one bulk copy per row
 * into a pooled array. NOTE: ND4J's gather needed an index array, two reductions to range-check it and
 * a fresh output per batch, and those buffers' deallocator references outlived young collections: over a
 * long fit() that made G1 grow the heap (docs/benchmarks.md, "200k steps of fit()").
 */
public final class RowGather {
  private RowGather() {}

  private static final ThreadLocal<int[][]> ROW = ThreadLocal.withInitial(() -> new int[][] {new int[0]});

  /** True when {@link #rows} handles the array: dense, of rank >= 1, 32- or 64-bit elements. */
  public static boolean applies(INDArray a) {
    int width = a.dataType().width();
    return a.rank() >= 1 && (width == 4 || width == 8) && a.length() > 0
        && a.length() * (width / 4) <= Elementwise.LIMIT && Buffers.dense(a);
  }

  /** Rows {@code idx} of {@code src} (each index already checked to be in range), in that order. */
  public static INDArray rows(INDArray src, int[] idx) {
    long[] shape = src.shape().clone();
    shape[0] = idx.length;
    INDArray out = ArrayPool.take(src.dataType(), shape);
    // a row in raw 32-bit words (64-bit elements are two words each)
    int row = (int) (src.length() / src.size(0)) * (src.dataType().width() / 4);
    int[][] scratch = ROW.get();
    if (scratch[0].length < row) {
      scratch[0] = new int[row];
    }
    int[] buf = scratch[0];
    // raw 32-bit copies: the bits of floats, ints and longs move unchanged
    try (NativeView in = NativeView.of(src); NativeView o = NativeView.of(out)) {
      for (int k = 0; k < idx.length; k++) {
        in.readInts((long) idx[k] * row, buf, row);
        o.writeInts((long) k * row, buf, row);
      }
    }
    return out;
  }
}

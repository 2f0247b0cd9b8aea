package dev.tapekit.core.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Max pooling when the windows tile the input (stride = window, no padding: Keras's default
 * MaxPooling2D), one output row at a time, with the same results as {@link ConvNhwc#maxPool}'s generic
 * path bit for bit (the maximum's float bits, the first maximum in row-major window order).
 *
 * <p>NOTE: the generic path copies the whole input into a heap key array, then gathers every window
 * cell through offset tables and looks the argmax up per element: ~20% of a small CNN's training step.
 * Here the kh input rows of one output row are read (one JNI copy, L1-sized), turned into keys, and
 * each window cell is a strided run of the row, so the maximum and the argmax offset are vectorised
 * int loops over the row; the argmax is the row's start plus a per-row pattern plus the winning cell's
 * offset. Ranges of output rows run on the kernel pool's threads.
 */
final class TiledMaxPool {
  private TiledMaxPool() {}

  static INDArray pool(INDArray x, ConvNhwc.Window g, int[] argMax) {
    int c = g.c(), outW = g.outW();
    int rowOut = outW * c;
    int[] out = new int[g.n() * g.outH() * rowOut];
    int[] pattern = pattern(g);
    INDArray xr = Buffers.rowMajor(x);
    int rows = g.n() * g.outH();
    int rowIn = g.kh() * g.w() * c;
    // output rows write disjoint outputs: ranges of them split across the pool, each with its own view
    // (a view's bulk copies position a shared pointer) and scratch
    try (NativeView owner = NativeView.of(xr)) {
      KernelPool.parallelFor(rows, Math.max(1, Elementwise.GRAIN / rowIn), (from, to) -> {
        try (NativeView xv = NativeView.of(xr)) {
          poolRows(xv, g, from, to, pattern, out, argMax);
        }
      });
    }
    return Buffers.writeBits(out, new long[] {g.n(), g.outH(), outW, c});
  }

  /** Where each element of an output row's windows starts in its kh input rows: {@code q * kw * c + ch}. */
  static int[] pattern(ConvNhwc.Window g) {
    int c = g.c(), kw = g.kw();
    int[] pattern = new int[g.outW() * c];
    for (int q = 0, t = 0; q < g.outW(); q++) {
      for (int ch = 0; ch < c; ch++, t++) {
        pattern[t] = q * kw * c + ch;
      }
    }
    return pattern;
  }

  /** Output rows from .. to - 1 (over images and rows) into {@code out} and {@code argMax}. */
  private static void poolRows(NativeView xv, ConvNhwc.Window g, int from, int to, int[] pattern, int[] out,
      int[] argMax) {
    int c = g.c(), kh = g.kh(), kw = g.kw(), w = g.w();
    int rowIn = kh * w * c;
    int rowOut = g.outW() * c;
    int[] in = new int[rowIn];
    int[] max = new int[rowOut];
    int[][] cells = new int[kh * kw][rowOut];
    int[] winOff = argMax == null ? null : new int[rowOut];
    for (int row = from; row < to; row++) {
      int n = row / g.outH(), r = row % g.outH();
      int inStart = (n * g.h() + r * kh) * w * c;
      int outStart = row * rowOut;
      xv.readInts(inStart, in, rowIn);
      ConvNhwc.toKeys(in, 0, rowIn);
      poolRow(in, 0, g, cells, max, winOff);
      for (int t = 0; t < rowOut; t++) {
        int k = max[t];
        out[outStart + t] = k ^ ((k >> 31) & 0x7fffffff); // back to float bits
      }
      if (argMax != null) {
        for (int t = 0; t < rowOut; t++) {
          argMax[outStart + t] = inStart + pattern[t] + winOff[t];
        }
      }
    }
  }

  /**
   * The window maxima of one output row's keys {@code in} (kh input rows from {@code base}) into {@code max}, and (when
   * {@code winOff} is not null) each maximum's offset from its window's first element. The cells are
   * gathered first, so that the maximum and the winner are separate loops over one output array each
   * (vectorised); the winner loop runs from the last cell to the first, so the first maximum wins.
   */
  static void poolRow(int[] in, int base, ConvNhwc.Window g, int[][] cells, int[] max, int[] winOff) {
    int c = g.c(), kw = g.kw(), w = g.w();
    int rowOut = g.outW() * c;
    int count = g.kh() * kw;
    for (int k = 0; k < count; k++) {
      gather(in, base + (k / kw * w + k % kw) * c, g, cells[k]);
    }
    System.arraycopy(cells[0], 0, max, 0, rowOut);
    for (int k = 1; k < count; k++) {
      ConvNhwc.maxInto(max, cells[k], rowOut);
    }
    if (winOff == null) {
      return;
    }
    java.util.Arrays.fill(winOff, 0, rowOut, 0);
    for (int k = count - 1; k >= 0; k--) {
      int[] ck = cells[k];
      int off = (k / kw * w + k % kw) * c;
      for (int t = 0; t < rowOut; t++) {
        int d = ck[t] ^ max[t];
        int eq = ~((d | -d) >> 31); // all ones where this cell holds the maximum
        winOff[t] = (winOff[t] & ~eq) | (off & eq);
      }
    }
  }

  /** The window cell at {@code off} of every output pixel of the row: {@code into[q * c + ch]}. */
  private static void gather(int[] in, int off, ConvNhwc.Window g, int[] into) {
    int c = g.c(), kw = g.kw(), outW = g.outW();
    if (kw == 1) {
      System.arraycopy(in, off, into, 0, outW * c);
    } else if (c == 1) {
      for (int q = 0; q < outW; q++) {
        into[q] = in[off + q * kw];
      }
    } else {
      for (int q = 0; q < outW; q++) {
        System.arraycopy(in, off + q * kw * c, into, q * c, c);
      }
    }
  }
}

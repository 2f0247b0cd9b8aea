package dev.tapekit.optimizers;

import dev.tapekit.core.kernels.KernelPool;
import dev.tapekit.core.kernels.NativeView;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element-wise update loops run by the JIT on heap copies of ND4J's off-heap arrays.
 *
 * <p>NOTE: the JIT vectorises loops over {@code float[]} (AVX-512 here) but not over direct buffers, and a
 * bulk copy between the two is a memcpy. Measured on the 2-core development VM (thread CPU time per Adam
 * update, float32): libnd4j's fused {@code adam_updater} costs ~110 us for 320 floats (fixed per-call
 * overhead), ~600 us for 25k and ~1.9 ms for 200k; the old loop on direct buffers 23 us, 700 us, 5.4 ms;
 * this copy-and-vectorise loop is cheaper than both at every size (see docs/optimizers.md), so every
 * dense float32 array goes through it.
 */
final class JavaKernels {
  private JavaKernels() {}

  /**
   * Elements per chunk: the four heap chunks (32 KB) stay in L1/L2 while the off-heap arrays stream through,
   * so each element costs one read of g, w, m, v and one write of w, m, v.
   */
  private static final int CHUNK = 2048;

  /** Per-thread heap chunks: g, w. */
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][CHUNK]);

  /** True when the array is one contiguous float32 block this class can walk. */
  static boolean walkable(INDArray a) {
    return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView() && a.length() > 0
        && a.length() < Integer.MAX_VALUE && a.data().length() == a.length();
  }

  /**
   * Keras's Adam in place, in float32 as Keras computes it: m += (g - m)(1 - b1); v += (g^2 - v)(1 - b2);
   * w -= alpha m / (sqrt(v) + eps). The moments m and v are heap arrays kept by the optimizer.
   */
  static void adam(INDArray w, INDArray g, float[] m, float[] v, double alpha, double beta1, double beta2,
      double epsilon) {
    int n = (int) w.length();
    float a = (float) alpha, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2), eps = (float) epsilon;
    // elements are independent: chunk ranges split across tapekit's kernel pool when large
    KernelPool.parallelFor((n + CHUNK - 1) / CHUNK, GRAIN_CHUNKS, (from, to) -> {
      float[][] s = SCRATCH.get();
      float[] gs = s[0], ws = s[1];
      try (NativeView gv = NativeView.of(g); NativeView wv = NativeView.of(w)) {
        for (int start = from * CHUNK, end = Math.min(n, to * CHUNK); start < end; start += CHUNK) {
          int len = Math.min(CHUNK, end - start);
          gv.read(start, gs, len);
          wv.read(start, ws, len);
          adamLoop(len, gs, ws, m, v, start, a, c1, c2, eps);
          wv.write(start, ws, len);
        }
      }
    });
  }

  /**
   * Chunks one thread of the kernel pool takes at least: 32 x 2048 = 64K elements (~60-100 us of
   * Adam), so small layers' updates stay on the calling thread.
   */
  private static final int GRAIN_CHUNKS = 32;

  // Kept a plain counted loop over arrays so that C2's superword pass vectorises it.
  private static void adamLoop(int n, float[] g, float[] w, float[] m, float[] v, int at, float alpha, float c1,
      float c2, float eps) {
    for (int i = 0; i < n; i++) {
      float gi = g[i];
      float mi = m[at + i] + (gi - m[at + i]) * c1;
      float vi = v[at + i] + (gi * gi - v[at + i]) * c2;
      m[at + i] = mi;
      v[at + i] = vi;
      w[i] = w[i] - alpha * mi / ((float) Math.sqrt(vi) + eps);
    }
  }
}

package dev.tapekit.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The tiled max-pooling path gives the generic path's bits: maxima, first-maximum argmax, ties, NaN, -0. */
class TiledMaxPoolTest {
  /** n, h, w, c, kh, kw: tiling windows, with leftover rows/columns, one channel and several. */
  private static final int[][] GEOMETRIES = {{8, 26, 26, 32, 2, 2}, {2, 10, 11, 1, 3, 3}, {2, 7, 9, 3, 1, 2},
      {1, 9, 5, 5, 2, 1}, {2, 6, 6, 4, 3, 2}, {1, 4, 4, 2, 1, 1}};

  @Test
  void tiledPoolingEqualsTheGenericPathBitForBit() {
    for (int[] s : GEOMETRIES) {
      int n = s[0], h = s[1], w = s[2], c = s[3], kh = s[4], kw = s[5];
      ConvNhwc.Window g = new ConvNhwc.Window(n, h, w, c, kh, kw, kh, kw, 1, 1, 0, 0, h / kh, w / kw);
      assertTrue(ConvNhwc.tiles(g), java.util.Arrays.toString(s));
      for (int kind = 0; kind < 3; kind++) {
        INDArray x = values(kind, n, h, w, c);
        int size = n * (h / kh) * (w / kw) * c;
        int[] fast = new int[size];
        int[] generic = new int[size];
        int[] fastBits = Buffers.readBits(TiledMaxPool.pool(x, g, fast), new int[size]);
        int[] genericBits = Buffers.readBits(ConvNhwc.maxPoolGeneric(x, g, generic), new int[size]);
        String where = java.util.Arrays.toString(s) + " kind " + kind;
        assertArrayEquals(genericBits, fastBits, where);
        assertArrayEquals(generic, fast, where);
        // split over two threads of the kernel pool (the first geometry has enough rows for two ranges)
        int[] split = new int[size];
        long jobs = KernelPool.jobsRun();
        int[] splitBits = KernelPool.withThreads(2, () -> Buffers.readBits(TiledMaxPool.pool(x, g, split), new int[size]));
        assertArrayEquals(genericBits, splitBits, where);
        assertArrayEquals(generic, split, where);
        if (s == GEOMETRIES[0]) {
          assertTrue(KernelPool.jobsRun() > jobs, "the first geometry ran on the pool");
        }
        // and through the public entry point, without an argmax
        assertArrayEquals(genericBits, Buffers.readBits(ConvNhwc.maxPool(x, g), new int[size]), where);
      }
    }
  }

  @Test
  void overlappingOrPaddedWindowsKeepTheGenericPath() {
    assertFalse(ConvNhwc.tiles(new ConvNhwc.Window(1, 8, 8, 1, 3, 3, 2, 2, 1, 1, 0, 0, 3, 3)));
    assertFalse(ConvNhwc.tiles(new ConvNhwc.Window(1, 7, 7, 1, 2, 2, 2, 2, 1, 1, 0, 0, 4, 4)));
    assertFalse(ConvNhwc.tiles(new ConvNhwc.Window(1, 7, 7, 1, 2, 2, 2, 2, 1, 1, 1, 1, 4, 4)));
  }

  /** kind 0: normals; 1: small integers (many ties) with -0 and +0; 2: ties plus NaN and infinities. */
  private static INDArray values(int kind, int n, int h, int w, int c) {
    Random r = new Random(kind * 31L + n * h * w * c);
    float[] v = new float[n * h * w * c];
    for (int i = 0; i < v.length; i++) {
      v[i] = kind == 0 ? (float) r.nextGaussian() : r.nextInt(3) - 1;
      if (kind >= 1 && v[i] == 0 && r.nextBoolean()) {
        v[i] = -0f;
      }
      if (kind == 2) {
        int p = r.nextInt(20);
        v[i] = p == 0 ? Float.NaN : p == 1 ? Float.intBitsToFloat(0xffc00000) : p == 2 ? Float.NEGATIVE_INFINITY
            : p == 3 ? Float.POSITIVE_INFINITY : v[i];
      }
    }
    return Nd4j.create(v, new long[] {n, h, w, c}, 'c');
  }
}

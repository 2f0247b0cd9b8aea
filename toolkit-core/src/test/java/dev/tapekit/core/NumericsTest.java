package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * TensorFlow's values where tapekit's differed: reduce_prod's gradient at zeros and matmul's batch
 * broadcasting, checked against values worked out by hand. The float32 accuracy of the elementwise ops is
 * in {@link OpTableTest}'s float32 rows.
 */
class NumericsTest {
  // ---------------------------------------------------------------- reduceProd at zeros

  @Test
  void reduceProdGradientIsTheProductOfTheOtherElementsAtZeros() {
    double[] x = {0, 2, 3, 0, 0, 4, 1.5, 2, 2.5};
    // one zero: only the zero gets a gradient (6); two zeros: all 0; no zero: prod / x
    double[] expected = {6, 0, 0, 0, 0, 0, 5, 3.75, 3};
    for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
      Tensor t = Ops.cast(Tensor.of(x, 3, 3), dtype);
      Tensor g;
      try (GradientTape tape = new GradientTape()) {
        tape.watch(t);
        g = tape.gradient(Ops.reduceSum(Ops.reduceProd(t, 1)), t);
      }
      assertArrayEquals(expected, g.toDoubleArray(), 0, dtype.toString());
    }
  }

  @Test
  void reduceProdGradientOverEveryAxisWithZeros() {
    Tensor t = Tensor.of(new double[] {0, 2, -3, 0.5}, 2, 2);
    Tensor g;
    try (GradientTape tape = new GradientTape()) {
      tape.watch(t);
      g = tape.gradient(Ops.reduceProd(t), t);
    }
    assertArrayEquals(new double[] {-3, 0, 0, 0}, g.toDoubleArray(), 0);
  }

  @Test
  void reduceProdSecondDerivativeAtZeros() {
    // p = x0 x1 x2; sum of its gradient = x1 x2 + x0 x2 + x0 x1, whose gradient is (x1 + x2, x0 + x2, x0 + x1)
    Tensor t = Tensor.of(new double[] {0, 0, 4}, 3);
    Tensor h;
    try (GradientTape outer = new GradientTape()) {
      outer.watch(t);
      Tensor g;
      try (GradientTape inner = new GradientTape()) {
        inner.watch(t);
        g = inner.gradient(Ops.reduceProd(t), t);
      }
      h = outer.gradient(Ops.reduceSum(g), t);
    }
    assertArrayEquals(new double[] {4, 4, 0}, h.toDoubleArray(), 0);
  }

  // ---------------------------------------------------------------- matmul batch broadcasting

  /** Row-major [batch, m, k] x [batch or 1, k, n] with plain loops. */
  static double[] batchProduct(double[] a, double[] b, int batch, int m, int k, int n, boolean bShared) {
    double[] c = new double[batch * m * n];
    for (int p = 0; p < batch; p++) {
      int bo = bShared ? 0 : p * k * n;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          double s = 0;
          for (int q = 0; q < k; q++) {
            s += a[p * m * k + i * k + q] * b[bo + q * n + j];
          }
          c[p * m * n + i * n + j] = s;
        }
      }
    }
    return c;
  }

  static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] v = new double[n];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextDouble() * 2 - 1;
    }
    return v;
  }

  @Test
  void matmulBroadcastsAMatrixOverTheBatch() {
    double[] a = random(24, 1), b = random(20, 2);
    double[] expected = batchProduct(a, b, 2, 3, 4, 5, true);
    for (long[] bShape : List.of(new long[] {4, 5}, new long[] {1, 4, 5}, new long[] {1, 1, 4, 5})) {
      for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
        Tensor c = Ops.matmul(Ops.cast(Tensor.of(a, 2, 3, 4), dtype), Ops.cast(Tensor.of(b, bShape), dtype));
        long[] shape = bShape.length == 4 ? new long[] {1, 2, 3, 5} : new long[] {2, 3, 5};
        assertArrayEquals(shape, c.shape());
        assertArrayEquals(expected, c.toDoubleArray(), dtype == DType.FLOAT32 ? 1e-6 : 1e-14);
      }
    }
  }

  @Test
  void matmulBroadcastsTheLeftOperandToo() {
    double[] a = random(12, 3), b = random(40, 4);
    // [3, 4] x [2, 4, 5]: the same a for both batches
    double[] a2 = new double[24];
    System.arraycopy(a, 0, a2, 0, 12);
    System.arraycopy(a, 0, a2, 12, 12);
    Tensor c = Ops.matmul(Tensor.of(a, 3, 4), Tensor.of(b, 2, 4, 5));
    assertArrayEquals(new long[] {2, 3, 5}, c.shape());
    assertArrayEquals(batchProduct(a2, b, 2, 3, 4, 5, false), c.toDoubleArray(), 1e-14);
  }

  @Test
  void broadcastMatmulGradientsSumOverTheBroadcastAxes() {
    double[] a = random(24, 5), b = random(20, 6), g = random(30, 7);
    for (DType dtype : List.of(DType.FLOAT32, DType.FLOAT64)) {
      Tensor x = Ops.cast(Tensor.of(a, 2, 3, 4), dtype);
      Tensor w = Ops.cast(Tensor.of(b, 1, 4, 5), dtype);
      Tensor up = Ops.cast(Tensor.of(g, 2, 3, 5), dtype);
      List<Tensor> grads;
      try (GradientTape tape = new GradientTape()) {
        tape.watch(x, w);
        grads = tape.gradient(Ops.reduceSum(Ops.multiply(Ops.matmul(x, w), up)), List.of(x, w));
      }
      // dx[p] = g[p] w^T, dw = sum_p x[p]^T g[p]
      double[] dx = new double[24];
      double[] dw = new double[20];
      for (int p = 0; p < 2; p++) {
        for (int i = 0; i < 3; i++) {
          for (int q = 0; q < 4; q++) {
            for (int j = 0; j < 5; j++) {
              dx[p * 12 + i * 4 + q] += g[p * 15 + i * 5 + j] * b[q * 5 + j];
              dw[q * 5 + j] += a[p * 12 + i * 4 + q] * g[p * 15 + i * 5 + j];
            }
          }
        }
      }
      double tol = dtype == DType.FLOAT32 ? 1e-6 : 1e-14;
      assertArrayEquals(new long[] {2, 3, 4}, grads.get(0).shape());
      assertArrayEquals(new long[] {1, 4, 5}, grads.get(1).shape());
      assertArrayEquals(dx, grads.get(0).toDoubleArray(), tol, dtype + " dx");
      assertArrayEquals(dw, grads.get(1).toDoubleArray(), tol, dtype + " dw");
    }
  }

  @Test
  void matmulOfEmptyBatchesHasTheBroadcastShape() {
    assertArrayEquals(new long[] {0, 3, 5}, Ops.matmul(Tensor.zeros(0, 3, 4), Tensor.zeros(4, 5)).shape());
    Tensor c = Ops.matmul(Tensor.zeros(2, 3, 0), Tensor.zeros(0, 5));
    assertArrayEquals(new long[] {2, 3, 5}, c.shape());
    assertArrayEquals(new double[30], c.toDoubleArray(), 0);
  }

  @Test
  void matmulRejectsIncompatibleBatches() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.matmul(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 4, 5)));
    assertEquals("MatMul: cannot multiply shapes (2, 3, 4) and (3, 4, 5)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Ops.matmul(Tensor.zeros(2, 3, 4), Tensor.zeros(5, 5)));
    assertThrows(IllegalArgumentException.class, () -> Ops.matmul(Tensor.zeros(4), Tensor.zeros(4, 5)));
  }
}

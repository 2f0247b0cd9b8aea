package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The small API a TensorFlow user reaches for: eye, linspace, sort/argsort, scalar accessors, variables. */
class CoreApiTest {
  @Test
  void eyeIsTfEye() {
    Tensor i3 = Tensor.eye(3);
    assertEquals(DType.FLOAT32, i3.dtype());
    assertArrayEquals(new long[] {3, 3}, i3.shape());
    assertArrayEquals(new double[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, i3.toDoubleArray(), 0);
    Tensor wide = Tensor.eye(2, 3, DType.INT32);
    assertEquals(DType.INT32, wide.dtype());
    assertArrayEquals(new long[] {1, 0, 0, 0, 1, 0}, wide.toLongArray());
    Tensor tall = Tensor.eye(3, 2, DType.FLOAT64);
    assertArrayEquals(new double[] {1, 0, 0, 1, 0, 0}, tall.toDoubleArray(), 0);
    assertArrayEquals(new long[] {0, 0}, Tensor.eye(0).shape());
    assertThrows(IllegalArgumentException.class, () -> Tensor.eye(-1));
  }

  @Test
  void linspaceIsTfLinspaceWithExactEndpoints() {
    Tensor l = Ops.linspace(10.0, 12.0, 3);
    assertEquals(DType.FLOAT32, l.dtype());
    assertArrayEquals(new float[] {10, 11, 12}, l.toFloatArray(), 0);
    assertArrayEquals(new float[] {0f, 0.25f, 0.5f, 0.75f, 1f}, Ops.linspace(0, 1, 5).toFloatArray(), 0);
    float[] f = Ops.linspace(0.3, 1.0, 10).toFloatArray();
    assertEquals(0.3f, f[0], 0);
    assertEquals(1f, f[9], 0); // start + 9 * delta is 0.99999994 in float32
    assertEquals(0.3f + (1f - 0.3f) / 9 * 4, f[4], 0); // the inner values in float32 arithmetic, as TF
    double[] d = Ops.linspace(0.1, 0.7, 38, DType.FLOAT64).toDoubleArray();
    assertEquals(DType.FLOAT64, Ops.linspace(0.1, 0.7, 38, DType.FLOAT64).dtype());
    assertEquals(0.1, d[0], 0);
    assertEquals(0.7, d[37], 0); // start + 37 * delta is 0.7000000000000001
    assertArrayEquals(new float[] {3}, Ops.linspace(3, 7, 1).toFloatArray(), 0);
    assertArrayEquals(new long[] {0}, Ops.linspace(3, 7, 0).shape());
    assertArrayEquals(new float[] {1, 0.5f, 0}, Ops.linspace(1, 0, 3).toFloatArray(), 0);
    assertThrows(IllegalArgumentException.class, () -> Ops.linspace(0, 1, -1));
    assertThrows(IllegalArgumentException.class, () -> Ops.linspace(0, 1, 3, DType.INT32));
  }

  @Test
  void argsortAndSortAreStableAlongTheLastAxisByDefault() {
    Tensor x = Tensor.of(new float[] {3, 1, 2, 1});
    Tensor idx = Ops.argsort(x);
    assertEquals(DType.INT32, idx.dtype());
    assertArrayEquals(new long[] {1, 3, 2, 0}, idx.toLongArray());
    assertArrayEquals(new long[] {0, 2, 1, 3}, Ops.argsort(x, -1, false).toLongArray());
    assertArrayEquals(new float[] {1, 1, 2, 3}, Ops.sort(x).toFloatArray(), 0);
    assertArrayEquals(new float[] {3, 2, 1, 1}, Ops.sort(x, -1, false).toFloatArray(), 0);
    Tensor m = Tensor.of(new float[][] {{3, 1}, {1, 2}, {2, 0}});
    assertArrayEquals(new long[] {1, 2, 2, 0, 0, 1}, Ops.argsort(m, 0, true).toLongArray());
    assertArrayEquals(new float[] {1, 0, 2, 1, 3, 2}, Ops.sort(m, 0, true).toFloatArray(), 0);
    assertArrayEquals(new float[] {1, 3, 1, 2, 0, 2}, Ops.sort(m).toFloatArray(), 0);
    assertArrayEquals(new long[] {3, 2}, Ops.sort(m, 0, false).shape());
    Tensor big = Tensor.ofLongs(new long[] {Long.MAX_VALUE, Long.MAX_VALUE - 1, -5});
    Tensor sortedBig = Ops.sort(big);
    assertEquals(DType.INT64, sortedBig.dtype());
    assertArrayEquals(new long[] {-5, Long.MAX_VALUE - 1, Long.MAX_VALUE}, sortedBig.toLongArray());
    Tensor withNaN = Tensor.of(new double[] {2, Double.NaN, -1});
    assertArrayEquals(new long[] {2, 0, 1}, Ops.argsort(withNaN).toLongArray());
    assertArrayEquals(new long[] {0}, Ops.sort(Tensor.zeros(0)).shape());
    assertArrayEquals(new long[] {0, 3}, Ops.argsort(Tensor.zeros(0, 3)).shape());
    assertThrows(IllegalArgumentException.class, () -> Ops.sort(Tensor.scalar(1.0)));
  }

  @Test
  void sortsGradientSendsEachUpstreamValueBackToWhereItCameFrom() {
    Tensor x = Tensor.of(new float[] {3, 1, 2});
    try (GradientTape tape = new GradientTape()) {
      tape.watch(x);
      Tensor y = Ops.sort(x); // [1, 2, 3] from positions [1, 2, 0]
      assertArrayEquals(new double[] {30, 10, 20}, tape.gradient(y, x, Tensor.of(new float[] {10, 20, 30}))
          .toDoubleArray(), 0);
    }
  }

  @Test
  void scalarAccessors() {
    assertEquals(Long.MAX_VALUE - 1, Tensor.ofLongs(new long[] {Long.MAX_VALUE - 1}, new long[0]).longValue());
    assertEquals(-3L, Tensor.of(new int[] {-3}, new long[0]).longValue());
    assertEquals(2L, Tensor.scalar(2.75).longValue()); // truncates, as int(tf.constant(2.75)) and Java casts
    assertEquals(2.5f, Tensor.scalar(2.5).floatValue(), 0);
    assertEquals(0.1f, Tensor.scalar(0.1, DType.FLOAT64).floatValue(), 0);
    assertThrows(IllegalStateException.class, () -> Tensor.zeros(2).longValue());
    assertThrows(IllegalStateException.class, () -> Tensor.zeros(0).floatValue());
  }

  @Test
  void variableWithTrainabilityIsNamedVariable() {
    Variable frozen = new Variable(Tensor.of(new float[] {1, 2}), false);
    assertEquals("Variable", frozen.name());
    assertFalse(frozen.trainable());
    Variable trained = new Variable(Tensor.scalar(1.0), true);
    assertEquals("Variable", trained.name());
    assertTrue(trained.trainable());
    try (GradientTape tape = new GradientTape()) {
      Tensor y = Ops.add(Ops.multiply(frozen, 2.0), trained);
      assertEquals(java.util.List.of(trained), tape.watchedVariables());
      assertTrue(tape.gradient(y, frozen) == null, "a non-trainable variable is not watched automatically");
    }
  }

  @Test
  void variablesHaveTheFluentOpsOfTensorsAndTapesRecordTheRead() {
    Variable v = new Variable(Tensor.of(new float[] {1, 2, 3}));
    try (GradientTape tape = new GradientTape()) {
      Tensor y = v.square().add(v.mul(2.0)).reduceSum(); // sum(v^2 + 2v)
      assertEquals(1 + 4 + 9 + 2 * 6, y.doubleValue(), 1e-5);
      assertArrayEquals(new double[] {4, 6, 8}, tape.gradient(y, v).toDoubleArray(), 1e-5);
    }
    assertArrayEquals(new long[] {3, 1}, v.reshape(3, 1).shape());
    assertArrayEquals(new float[] {2, 3, 4}, v.add(1.0).toFloatArray(), 0);
    TensorLike like = v;
    assertArrayEquals(new float[] {1, 4, 9}, like.square().toFloatArray(), 0);
  }
}

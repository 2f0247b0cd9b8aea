package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Zero-element tensors reduce to TensorFlow's identities: sum 0, mean NaN, max -inf, min +inf, prod 1. */
class EmptyTensorTest {
  @Test
  void fullReductionsOfAnEmptyTensorGiveTensorFlowsIdentities() {
    for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
      Tensor e = Tensor.zeros(dtype, 0, 4);
      assertEquals(0.0, Ops.reduceSum(e).doubleValue(), 0, dtype + " sum");
      assertTrue(Double.isNaN(Ops.reduceMean(e).doubleValue()), dtype + " mean: " + Ops.reduceMean(e));
      assertEquals(Double.NEGATIVE_INFINITY, Ops.reduceMax(e).doubleValue(), 0, dtype + " max");
      assertEquals(Double.POSITIVE_INFINITY, Ops.reduceMin(e).doubleValue(), 0, dtype + " min");
      assertEquals(1.0, Ops.reduceProd(e).doubleValue(), 0, dtype + " prod");
      assertArrayEquals(new long[0], Ops.reduceMean(e).shape());
    }
  }

  @Test
  void reducingTheEmptyAxisFillsTheResultWithTheIdentity() {
    Tensor e = Tensor.zeros(0, 3);
    assertArrayEquals(new double[] {0, 0, 0}, Ops.reduceSum(e, 0).toDoubleArray(), 0);
    assertArrayEquals(new long[] {3}, Ops.reduceMean(e, 0).shape());
    for (double m : Ops.reduceMean(e, 0).toDoubleArray()) {
      assertTrue(Double.isNaN(m), "mean over an empty axis is NaN");
    }
    assertArrayEquals(new double[] {Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY},
        Ops.reduceMax(e, 0).toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 1, 1}, Ops.reduceProd(e, 0).toDoubleArray(), 0);
    assertArrayEquals(new long[] {1, 3}, Ops.reduceSum(e, new int[] {0}, true).shape());
    // reducing the other axis leaves an empty result
    assertArrayEquals(new long[] {0}, Ops.reduceMean(e, 1).shape());
    assertArrayEquals(new long[] {0}, Ops.reduceMax(e, 1).shape());
  }

  @Test
  void gradientsThroughEmptyReductionsHaveTheInputsShape() {
    Tensor e = Tensor.zeros(0, 3);
    try (GradientTape tape = new GradientTape(true)) {
      tape.watch(e);
      assertArrayEquals(new long[] {0, 3}, tape.gradient(Ops.reduceSum(e), e).shape());
      assertArrayEquals(new long[] {0, 3}, tape.gradient(Ops.reduceMean(e), e).shape());
      assertArrayEquals(new long[] {0, 3}, tape.gradient(Ops.reduceMean(e, 0), e).shape());
    }
  }

  @Test
  void matmulWithAnEmptyOperandIsEmptyOrZeros() {
    Tensor rows0 = Ops.matmul(Tensor.zeros(0, 2), Tensor.ones(2, 3));
    assertArrayEquals(new long[] {0, 3}, rows0.shape());
    Tensor inner0 = Ops.matmul(Tensor.ones(2, 0), Tensor.ones(0, 3)); // TensorFlow: zeros
    assertArrayEquals(new long[] {2, 3}, inner0.shape());
    assertArrayEquals(new double[6], inner0.toDoubleArray(), 0);
    assertArrayEquals(new long[] {3, 0}, Ops.matmul(Tensor.ones(2, 3), Tensor.zeros(0, 2), true, true).shape());
    Tensor w = Tensor.ones(2, 3);
    Tensor x = Tensor.zeros(0, 2);
    try (GradientTape tape = new GradientTape()) {
      tape.watch(w);
      Tensor gw = tape.gradient(Ops.reduceSum(Ops.matmul(x, w)), w); // no rows: no contribution
      assertArrayEquals(new double[6], gw.toDoubleArray(), 0);
    }
  }
}

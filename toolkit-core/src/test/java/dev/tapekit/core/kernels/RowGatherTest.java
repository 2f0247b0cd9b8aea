package dev.tapekit.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import org.junit.jupiter.api.Test;

/** {@code Ops.gather(params, int[])}: the same rows, bits and gradient as a gather with an index tensor. */
class RowGatherTest {
  static final int[] IDX = {4, 0, 4, 2, 1};

  @Test
  void floatAndIntRowsEqualTheIndexTensorGatherBitForBit() {
    Tensor x = Ops.randomUniform(new long[] {5, 3, 2}, -1, 1, DType.FLOAT32, 7);
    Tensor viaTensor = Ops.gather(x, Tensor.of(IDX), 0);
    Tensor viaArray = Ops.gather(x, IDX);
    assertArrayEquals(viaTensor.shape(), viaArray.shape());
    assertArrayEquals(viaTensor.toFloatArray(), viaArray.toFloatArray());
    Tensor labels = Tensor.of(new int[] {10, 11, 12, 13, 14});
    assertArrayEquals(new long[] {14, 10, 14, 12, 11}, Ops.gather(labels, IDX).toLongArray());
    Tensor longs = Ops.cast(labels, DType.INT64);
    assertArrayEquals(new long[] {14, 10, 14, 12, 11}, Ops.gather(longs, IDX).toLongArray());
    Tensor doubles = Ops.randomUniform(new long[] {5, 3}, -1, 1, DType.FLOAT64, 8);
    assertArrayEquals(Ops.gather(doubles, Tensor.of(IDX), 0).toDoubleArray(), Ops.gather(doubles, IDX).toDoubleArray());
  }

  @Test
  void kernelsOffGiveTheSameRows() {
    Tensor x = Ops.randomUniform(new long[] {5, 4}, -1, 1, DType.FLOAT32, 8);
    float[] on = Ops.gather(x, IDX).toFloatArray();
    try (FastKernels.Restore off = FastKernels.disable()) {
      assertArrayEquals(on, Ops.gather(x, IDX).toFloatArray());
    }
  }

  @Test
  void theGradientScattersBackLikeGather() {
    Variable v = new Variable(Ops.randomUniform(new long[] {5, 2}, -1, 1, DType.FLOAT32, 9));
    Tensor g;
    try (GradientTape tape = new GradientTape()) {
      g = tape.gradient(Ops.reduceSum(Ops.square(Ops.gather(v, IDX))), v);
    }
    Tensor expected;
    try (GradientTape tape = new GradientTape()) {
      expected = tape.gradient(Ops.reduceSum(Ops.square(Ops.gather(v, Tensor.of(IDX), 0))), v);
    }
    assertArrayEquals(expected.toFloatArray(), g.toFloatArray());
    // the caller's array may change after the call: the recorded rule keeps the indices it was given
    int[] reused = IDX.clone();
    Tensor g2;
    try (GradientTape tape = new GradientTape()) {
      Tensor loss = Ops.reduceSum(Ops.square(Ops.gather(v, reused)));
      java.util.Arrays.fill(reused, 0);
      g2 = tape.gradient(loss, v);
    }
    assertArrayEquals(expected.toFloatArray(), g2.toFloatArray());
  }

  @Test
  void outOfRangeIndicesAreRefusedNamingTheValue() {
    Tensor x = Tensor.zeros(3, 2);
    String msg = assertThrows(IllegalArgumentException.class, () -> Ops.gather(x, new int[] {0, 3}))
        .getMessage();
    assertTrue(msg.contains("[0, 3)") && msg.contains("got 3"), msg);
  }
}

package dev.tapekit.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;

class JavaKernelsTest {
  @Test
  void javaAdamLoopMatchesTheFusedNd4jOp() {
    Nd4j.getRandom().setSeed(7);
    INDArray g = Nd4j.rand(DataType.FLOAT, 37, 11).subi(0.5);
    INDArray w1 = Nd4j.rand(DataType.FLOAT, 37, 11);
    INDArray w2 = w1.dup();
    float[] m1 = new float[37 * 11], v1 = new float[37 * 11];
    INDArray m2 = Nd4j.zeros(DataType.FLOAT, 37, 11), v2 = Nd4j.zeros(DataType.FLOAT, 37, 11);
    INDArray u = Nd4j.zeros(DataType.FLOAT, 37, 11);
    assertTrue(JavaKernels.walkable(w1));
    for (int step = 1; step <= 5; step++) {
      double alpha = 0.01 * Math.sqrt(1 - Math.pow(0.999, step)) / (1 - Math.pow(0.9, step));
      JavaKernels.adam(w1, g, m1, v1, alpha, 0.9, 0.999, 1e-7);
      Nd4j.exec(new AdamUpdater(g, v2, m2, u, v2, m2, 0.01, 0.9, 0.999, 1e-7, step - 1));
      w2.subi(u);
    }
    assertArrayEquals(w2.data().asFloat(), w1.data().asFloat(), 1e-6f);
    assertArrayEquals(m2.data().asFloat(), m1, 1e-6f);
    assertArrayEquals(v2.data().asFloat(), v1, 1e-7f);
  }

  @Test
  void viewsAndDoublesAreNotWalked() {
    INDArray a = Nd4j.rand(DataType.FLOAT, 4, 4);
    assertFalse(JavaKernels.walkable(a.getRow(1)));
    assertFalse(JavaKernels.walkable(Nd4j.rand(DataType.DOUBLE, 3)));
  }
}

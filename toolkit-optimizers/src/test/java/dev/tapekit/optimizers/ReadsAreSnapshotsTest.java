package dev.tapekit.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Optimizer steps never change tensors read before them (TensorFlow: a read is a snapshot). */
class ReadsAreSnapshotsTest {
  @Test
  void persistentTapeGradientAfterAnSgdStepIsTensorFlows() {
    // tf: w = tf.Variable(3.); with tf.GradientTape(persistent=True) as t: l1 = w**2; l2 = 2 * w**2
    //     opt.apply_gradients([(t.gradient(l1, w), w)]); t.gradient(l2, w) -> 12.0
    Variable w = new Variable(3.0);
    Tensor loss1;
    Tensor loss2;
    GradientTape tape = new GradientTape(true);
    try (tape) {
      loss1 = Ops.square(w);
      loss2 = Ops.multiply(Ops.square(w), 2.0);
    }
    Tensor g1 = tape.gradient(loss1, w);
    new SGD(0.1).applyGradients(List.of(g1), List.of(w));
    assertEquals(2.4, w.peek().doubleValue(), 1e-6);
    assertEquals(12.0, tape.gradient(loss2, w).doubleValue(), 0);
    assertEquals(9.0, loss1.doubleValue(), 0);
  }

  @Test
  void everyOptimizerLeavesEarlierReadsAlone() {
    for (BaseOptimizer opt : List.<BaseOptimizer>of(new SGD(0.1), SGD.builder().learningRate(0.1).momentum(0.9).build(),
        new Adam(), new RMSprop(), new Adagrad(), Ftrl.builder().build(), new Nadam(), new Adamax(), new Lion())) {
      Variable w = new Variable(Tensor.of(new float[] {1, -2, 3}));
      Tensor before = w.read();
      Tensor peeked = w.peek();
      for (int i = 0; i < 3; i++) {
        opt.applyGradients(List.of(Tensor.of(new float[] {0.5f, 0.5f, -0.5f})), List.of(w));
      }
      String name = opt.getClass().getSimpleName();
      assertArrayEquals(new double[] {1, -2, 3}, before.toDoubleArray(), 0, name);
      assertArrayEquals(new double[] {1, -2, 3}, peeked.toDoubleArray(), 0, name);
      assertEquals(false, java.util.Arrays.equals(new double[] {1, -2, 3}, w.peek().toDoubleArray()), name + " moved");
    }
  }
}

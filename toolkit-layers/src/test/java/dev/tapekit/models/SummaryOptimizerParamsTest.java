package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.optimizers.Adam;
import dev.tapekit.optimizers.SGD;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Keras 3's summary() adds "Optimizer params" once the optimizer is built: the size of
 * {@code optimizer.variables}, i.e. iterations (int64), learning_rate (float32) and the slots (Adam: m and v
 * per weight). For Dense(3) on 4 inputs (15 params): Adam 1 + 1 + 2 * 15 = 32 (8 + 4 + 120 = 132 bytes).
 */
class SummaryOptimizerParamsTest {
  private static Sequential trainedOnce(dev.tapekit.core.Optimizer opt) {
    Sequential m = new Sequential(new Input(4), new Dense(3));
    m.compile(opt, "mse", List.of());
    assertFalse(m.summaryString().contains("Optimizer params"), "not before the optimizer is built");
    m.trainOnBatch(Tensor.of(new float[8], 2, 4), Tensor.of(new float[6], 2, 3));
    return m;
  }

  @Test
  void adamCountsIterationsLearningRateAndTwoSlotsPerWeight() {
    String s = trainedOnce(Adam.builder().build()).summaryString();
    assertTrue(s.contains(" Optimizer params: 32 (132.00 B)\n"), s);
  }

  @Test
  void plainSgdHasOnlyIterationsAndLearningRate() {
    String s = trainedOnce(SGD.builder().build()).summaryString();
    assertTrue(s.contains(" Optimizer params: 2 (12.00 B)\n"), s);
  }

  @Test
  void anUncompiledModelHasNoOptimizerLine() {
    assertFalse(new Sequential(new Input(4), new Dense(3)).summaryString().contains("Optimizer params"));
  }
}

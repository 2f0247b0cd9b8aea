package dev.tapekit.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keras's LambdaCallback: each function runs at its hook during fit() with Keras's arguments. */
class LambdaCallbackTest {
  private static Sequential model() {
    RandomSeeds.setRandomSeed(3);
    Sequential m = new Sequential(new Input(3), new Dense(2));
    m.compile(SGD.builder().learningRate(0.1).build(), dev.tapekit.losses.Losses.get("mse"), List.of());
    return m;
  }

  @Test
  void hooksRunThroughFit() {
    List<String> seen = new ArrayList<>();
    LambdaCallback cb = LambdaCallback.builder()
        .onTrainBegin(logs -> seen.add("train_begin"))
        .onEpochBegin((epoch, logs) -> seen.add("epoch_begin " + epoch))
        .onBatchBegin((batch, logs) -> seen.add("batch_begin " + batch))
        .onTrainBatchEnd((batch, logs) -> seen.add("batch_end " + batch + " " + logs.containsKey("loss")))
        .onTestBegin(logs -> seen.add("test_begin"))
        .onTestBatchEnd((batch, logs) -> seen.add("test_batch_end " + batch))
        .onTestEnd(logs -> seen.add("test_end " + logs.keySet()))
        .onEpochEnd((epoch, logs) -> seen.add("epoch_end " + epoch + " " + logs.keySet()))
        .onTrainEnd(logs -> seen.add("train_end"))
        .build();
    Tensor x = Tensor.randomUniform(new long[] {8, 3}, -1, 1, 1);
    Tensor y = Tensor.randomUniform(new long[] {8, 2}, -1, 1, 2);
    model().fit(x, y, FitOptions.builder().epochs(2).batchSize(4).validationData(x, y).verbose(0).callbacks(cb).build());
    List<String> epoch0 = List.of("epoch_begin 0", "batch_begin 0", "batch_end 0 true", "batch_begin 1", "batch_end 1 true",
        "test_begin", "test_batch_end 0", "test_batch_end 1", "test_end [loss]", "epoch_end 0 [loss, val_loss]");
    List<String> epoch1 = List.of("epoch_begin 1", "batch_begin 0", "batch_end 0 true", "batch_begin 1", "batch_end 1 true",
        "test_begin", "test_batch_end 0", "test_batch_end 1", "test_end [loss]", "epoch_end 1 [loss, val_loss]");
    List<String> all = new ArrayList<>(List.of("train_begin"));
    all.addAll(epoch0);
    all.addAll(epoch1);
    all.add("train_end");
    assertEquals(all, seen);
  }

  @Test
  void aHookSetTwiceOrNullFailsNamingIt() {
    LambdaCallback.Builder b = LambdaCallback.builder().onBatchEnd((batch, logs) -> {});
    assertEquals("LambdaCallback: on_train_batch_end is already set",
        assertThrows(IllegalStateException.class, () -> b.onTrainBatchEnd((batch, logs) -> {})).getMessage());
    assertEquals("LambdaCallback: on_epoch_end must not be null",
        assertThrows(IllegalArgumentException.class, () -> LambdaCallback.builder().onEpochEnd(null)).getMessage());
  }

  @Test
  void theBuiltCallbackKeepsItsHooksWhenTheBuilderGoesOn() {
    List<String> seen = new ArrayList<>();
    LambdaCallback.Builder b = LambdaCallback.builder().onTrainBegin(logs -> seen.add("first"));
    LambdaCallback first = b.build();
    b.onTrainEnd(logs -> seen.add("later"));
    first.onTrainEnd(java.util.Map.of());
    first.onTrainBegin(java.util.Map.of());
    assertEquals(List.of("first"), seen);
  }
}

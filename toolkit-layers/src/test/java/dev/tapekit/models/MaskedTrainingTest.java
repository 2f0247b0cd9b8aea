package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Bidirectional;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Embedding;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.LSTM;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.layers.TimeDistributed;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fit/evaluate with masks: an Embedding(mask_zero) sequence model trains, ignores padded targets, saves and loads. */
class MaskedTrainingTest {
  @TempDir
  Path dir;

  private static Sequential model() {
    return new Sequential(new Input(5), Embedding.builder().inputDim(8).outputDim(4).maskZero(true).build(),
        new Bidirectional(LSTM.builder().units(3).returnSequences(true).build()), new TimeDistributed(new Dense(1)));
  }

  @Test
  void paddedTargetsDoNotCountAndTheModelTrainsSavesAndLoads() {
    RandomSeeds.setRandomSeed(3);
    Sequential m = model();
    m.compile("adam", "mse", "mae");
    Tensor x = Tensor.of(new int[] {1, 2, 3, 0, 0, 4, 5, 6, 7, 0, 2, 2, 0, 0, 0, 7, 1, 3, 5, 6}, 4, 5);
    float[] target = {1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1};
    float[] otherPadding = target.clone();
    for (int i : new int[] {3, 4, 9, 12, 13, 14}) {
      otherPadding[i] = 50;
    }
    Tensor y = Tensor.of(target, 4, 5, 1);
    Map<String, Double> a = m.testOnBatch(x, y);
    Map<String, Double> b = m.testOnBatch(x, Tensor.of(otherPadding, 4, 5, 1));
    assertEquals(a.get("loss"), b.get("loss"), 1e-6);
    assertEquals(a.get("mae"), b.get("mae"), 1e-6);
    History h = m.fit(x, y, FitOptions.builder().epochs(30).batchSize(4).verbose(0).build());
    List<Double> loss = h.history().get("loss");
    assertTrue(loss.get(loss.size() - 1) < loss.get(0), "loss " + loss);
    Path file = dir.resolve("masked.tapekit");
    m.save(file);
    Model back = Models.load(file);
    assertArrayEquals(m.predict(x).toDoubleArray(), back.predict(x).toDoubleArray(), 0.0);
    assertEquals(m.evaluate(x, y).get("loss"), back.evaluate(x, y).get("loss"), 0.0);
  }
}

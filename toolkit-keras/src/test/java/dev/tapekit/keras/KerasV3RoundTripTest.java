package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Add;
import dev.tapekit.layers.BatchNormalization;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Dropout;
import dev.tapekit.layers.Embedding;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.GRU;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.LSTM;
import dev.tapekit.layers.MaxPooling2D;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.models.Sequential;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tapekit -> .keras / .weights.h5 -> tapekit gives bit-identical predictions, compiled as it was. */
class KerasV3RoundTripTest {
  @TempDir Path dir;

  /** A CNN whose BatchNormalization statistics moved away from their initial values (one fit epoch). */
  static Sequential cnn() {
    Sequential m = new Sequential(new Input(6, 6, 1), new Conv2D(3, 3, "relu"), new MaxPooling2D(),
        new BatchNormalization(), new Flatten(), new Dropout(0.25), new Dense(4, "softmax"));
    m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    m.fit(images(), Tensor.of(new int[] {0, 1, 2, 3, 0, 1, 2, 3}, 8), 1, 4);
    return m;
  }

  static Tensor images() {
    return Tensor.randomUniform(new long[] {8, 6, 6, 1}, -1, 1, 7);
  }

  /** Embedding -> LSTM -> GRU -> two Dense branches added -> Dense: recurrent cells and a two-input layer. */
  static Model recurrent() {
    KerasTensor in = Input.of(DType.INT32, 5);
    KerasTensor h = new Embedding(12, 4).apply(in);
    h = LSTM.builder().units(6).returnSequences(true).build().apply(h);
    h = new GRU(5).apply(h);
    KerasTensor sum = new Add().apply(new Dense(3).apply(h), new Dense(3, "tanh").apply(h));
    return new Model(in, new Dense(2).apply(sum));
  }

  static Tensor tokens() {
    return Tensor.of(new int[] {1, 4, 7, 2, 0, 11, 3, 3, 9, 5, 6, 8, 10, 1, 2}, 3, 5);
  }

  @Test
  void sequentialCnnRoundTripsBitIdentically() {
    Sequential m = cnn();
    Path p = dir.resolve("cnn.keras");
    m.save(p);
    Model back = Models.load(p);
    assertArrayEquals(m.predict(images()).toFloatArray(), back.predict(images()).toFloatArray());
    assertEquals(m.weights().size(), back.weights().size());
    assertTrue(back.compiled());
    assertEquals("Adam", back.optimizer().className());
    assertEquals(m.loss().getClass(), back.loss().getClass());
    assertEquals(List.of("accuracy"), back.metrics().stream().map(x -> x.name()).toList());
  }

  @Test
  void functionalRecurrentModelRoundTripsBitIdentically() {
    Model m = recurrent();
    Path p = dir.resolve("rnn.keras");
    m.save(p);
    Model back = Models.load(p);
    assertArrayEquals(m.predict(tokens()).toFloatArray(), back.predict(tokens()).toFloatArray());
    assertFalse(back.compiled());
    assertEquals(m.layers().stream().map(l -> l.name()).toList(), back.layers().stream().map(l -> l.name()).toList());
  }

  @Test
  void weightsFileRoundTripsIntoAFreshModel() {
    Model m = recurrent();
    Path p = dir.resolve("rnn.weights.h5");
    m.saveWeights(p);
    assertTrue(KerasV3Files.isV3WeightsFile(p));
    Model fresh = recurrent();
    assertFalse(java.util.Arrays.equals(m.predict(tokens()).toFloatArray(), fresh.predict(tokens()).toFloatArray()));
    fresh.loadWeights(p);
    assertArrayEquals(m.predict(tokens()).toFloatArray(), fresh.predict(tokens()).toFloatArray());
  }

  @Test
  void weightsOfAKerasFileLoadIntoAModel() {
    Sequential m = cnn();
    Path p = dir.resolve("cnn.keras");
    m.save(p);
    Sequential fresh = cnn();
    fresh.loadWeights(p);
    assertArrayEquals(m.predict(images()).toFloatArray(), fresh.predict(images()).toFloatArray());
  }
}

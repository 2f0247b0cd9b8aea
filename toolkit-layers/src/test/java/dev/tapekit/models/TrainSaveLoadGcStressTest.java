package dev.tapekit.models;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.GcStress;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.MaxPooling2D;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.optimizers.Adam;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end under GC stress: a CNN (its first kernel [3, 3, 1, 32], the shape ND4J does not call
 * dense) and an MLP are trained, saved, loaded, evaluated and run on new data; every number (the
 * history, evaluate's loss and accuracy, the predictions) must have the bits of a quiet run.
 */
class TrainSaveLoadGcStressTest {
  @TempDir
  Path dir;

  private static Tensor images(long seed, int n) {
    Random r = new Random(seed);
    float[] v = new float[n * 28 * 28];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextFloat();
    }
    return Tensor.of(v, n, 28, 28, 1);
  }

  private static Tensor labels(long seed, int n) {
    Random r = new Random(seed);
    int[] v = new int[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextInt(10);
    }
    return Tensor.of(v);
  }

  private float[] run(String name, Supplier<Sequential> make) {
    RandomSeeds.setRandomSeed(7);
    Sequential model = make.get();
    model.compile(new Adam(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(), List.of("accuracy"));
    History h = model.fit(images(1, 192), labels(2, 192),
        FitOptions.builder().epochs(2).batchSize(32).seed(3).verbose(0).build());
    Path file = dir.resolve(name + ".tapekit");
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    model.save(file);
    Model loaded = Models.load(file);
    Map<String, Double> eval = loaded.evaluate(images(4, 512), labels(5, 512), null, 256, 0, List.of());
    float[] predictions = loaded.predict(images(6, 256), 128).toFloatArray();
    List<Double> numbers = new ArrayList<>(h.history().get("loss"));
    numbers.addAll(h.history().get("accuracy"));
    numbers.add(eval.get("loss"));
    numbers.add(eval.get("accuracy"));
    float[] out = new float[numbers.size() + predictions.length];
    for (int i = 0; i < numbers.size(); i++) {
      out[i] = numbers.get(i).floatValue();
    }
    System.arraycopy(predictions, 0, out, numbers.size(), predictions.length);
    return out;
  }

  @Test
  void cnnTrainsSavesLoadsAndEvaluatesToTheSameBits() {
    GcStress.assertStable("CNN", () -> run("cnn", () -> new Sequential(new Input(28, 28, 1),
        new Conv2D(32, 3, "relu"), new MaxPooling2D(), new Conv2D(16, 3, "relu"), new Flatten(), new Dense(10))), 3);
  }

  @Test
  void mlpTrainsSavesLoadsAndEvaluatesToTheSameBits() {
    GcStress.assertStable("MLP", () -> run("mlp", () -> new Sequential(new Input(28, 28, 1), new Flatten(),
        new Dense(64, "relu"), new Dense(10))), 3);
  }
}

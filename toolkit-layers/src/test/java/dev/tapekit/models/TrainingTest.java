package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.optimizers.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fit/evaluate/predict on a synthetic task, Keras's History keys, trainOnBatch, model files. */
class TrainingTest {
  @TempDir
  Path tmp;

  /** Two Gaussian blobs per class in 2-D: class = quadrant sign pattern, learnable by a small MLP. */
  static Tensor[] blobs(int n, long seed) {
    Tensor x = Ops.randomUniform(new long[] {n, 2}, -1, 1, DType.FLOAT32, seed);
    float[] xv = x.toFloatArray();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = (xv[2 * i] > 0 ? 1 : 0) + (xv[2 * i + 1] > 0 ? 2 : 0);
    }
    return new Tensor[] {x, Tensor.of(y)};
  }

  static Sequential mlp() {
    RandomSeeds.setRandomSeed(7);
    Sequential m = new Sequential(new Input(2), new Dense(32, "relu"), new Dense(4));
    m.compile(Adam.builder().learningRate(0.01).build(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        List.of("accuracy"));
    return m;
  }

  @Test
  void getWeightsAreCopiesThatSetWeightsRestoresAfterFit() {
    // Keras: w = m.get_weights(); m.fit(...); m.set_weights(w) restores the model exactly
    Tensor[] d = blobs(200, 5);
    Sequential m = mlp();
    m.fit(d[0], d[1], FitOptions.builder().epochs(1).batchSize(32).seed(1).verbose(0).build());
    List<Tensor> saved = m.getWeights();
    float[] kernelBefore = saved.get(0).toFloatArray();
    float[] predictionsBefore = m.predict(d[0]).toFloatArray();
    m.fit(d[0], d[1], FitOptions.builder().epochs(2).batchSize(32).seed(2).verbose(0).build());
    assertArrayEquals(kernelBefore, saved.get(0).toFloatArray(), "training changed a tensor from getWeights()");
    assertFalse(java.util.Arrays.equals(predictionsBefore, m.predict(d[0]).toFloatArray()), "training moved");
    m.setWeights(saved);
    assertArrayEquals(predictionsBefore, m.predict(d[0]).toFloatArray());
    Tensor read = m.trainableVariables().get(0).read();
    m.fit(d[0], d[1], FitOptions.builder().epochs(1).batchSize(32).seed(3).verbose(0).build());
    assertArrayEquals(kernelBefore, read.toFloatArray(), "a read before fit() is a snapshot");
  }

  @Test
  void fitUpdatesTheWeightsInPlaceOnceNothingElseHoldsThem() {
    // the speed side of copy-on-write: fit() releases each step's reads before the optimizer runs
    Tensor[] d = blobs(200, 6);
    Sequential m = mlp();
    m.fit(d[0], d[1], FitOptions.builder().epochs(1).batchSize(32).seed(1).verbose(0).build());
    List<Object> before = new java.util.ArrayList<>();
    for (dev.tapekit.core.Variable v : m.trainableVariables()) {
      before.add(v.withStorage(a -> a));
    }
    m.fit(d[0], d[1], FitOptions.builder().epochs(2).batchSize(32).seed(2).verbose(0).build());
    for (int i = 0; i < before.size(); i++) {
      Object storage = m.trainableVariables().get(i).withStorage(a -> a);
      assertTrue(before.get(i) == storage, "variable " + i + " was copied instead of updated in place");
    }
  }

  @Test
  void dataOfAnotherShapeThanTheDeclaredInputIsRejectedAsKerasDoes() {
    // Keras 3: "Input 0 of layer ... is incompatible with the layer: expected shape=(None, 28, 28), found
    // shape=(20, 784)", even though a Reshape behind the input could take 784 values per example
    Sequential m = new Sequential(new Input(28, 28), new dev.tapekit.layers.Reshape(28, 28, 1),
        new dev.tapekit.layers.Flatten(), new Dense(3));
    Exception e = assertThrows(IllegalArgumentException.class, () -> m.predict(Tensor.zeros(20, 784)));
    assertTrue(e.getMessage().contains("incompatible") && e.getMessage().contains("(20, 784)"), e.getMessage());
    assertArrayEquals(new long[] {5, 3}, m.predict(Tensor.zeros(5, 28, 28)).shape());
  }

  @Test
  void learnsSyntheticTaskWithKerasHistoryKeys() {
    Tensor[] d = blobs(1000, 1);
    Sequential m = mlp();
    History h = m.fit(d[0], d[1], FitOptions.builder().epochs(15).batchSize(32).validationSplit(0.2).seed(3).verbose(0).build());
    assertEquals(List.of("accuracy", "loss", "val_accuracy", "val_loss"), List.copyOf(h.history().keySet()));
    assertEquals(15, h.get("loss").size());
    assertTrue(h.get("loss").get(14) < h.get("loss").get(0));
    Tensor[] test = blobs(500, 2);
    Map<String, Double> r = m.evaluate(test[0], test[1]);
    assertTrue(r.get("accuracy") >= 0.95, "accuracy " + r);
    assertArrayEquals(new long[] {500, 4}, m.predict(test[0]).shape());
  }

  @Test
  void predictOnZeroRowsGivesZeroRowsOfOutputs() {
    Sequential m = mlp();
    Tensor none = Tensor.zeros(0, 2);
    assertArrayEquals(new long[] {0, 4}, m.predict(none).shape());
    assertArrayEquals(new long[] {0, 4}, m.predict(none, 1).shape());
    dev.tapekit.layers.KerasTensor in = Input.of(2);
    Model functional = new Model(in, new Dense(3).apply(in));
    assertArrayEquals(new long[] {0, 3}, functional.predict(none).shape());
  }

  @Test
  void compileByKerasNames() {
    Tensor[] d = blobs(256, 4);
    RandomSeeds.setRandomSeed(1);
    Sequential m = new Sequential(new Dense(16, "relu"), new Dense(4, "softmax"));
    m.compile("adam", "sparse_categorical_crossentropy", "accuracy");
    History h = m.fit(d[0], d[1], FitOptions.builder().epochs(3).verbose(0).build());
    assertEquals(List.of("accuracy", "loss"), List.copyOf(h.history().keySet()));
    assertEquals(16 * 2 + 16 + 16 * 4 + 4, m.countParams());
    assertEquals(4, m.trainableVariables().size());
  }

  @Test
  void sameSeedSameRun() {
    Tensor[] d = blobs(200, 5);
    Sequential a = mlp();
    Sequential b = mlp();
    History ha = a.fit(d[0], d[1], FitOptions.builder().epochs(2).seed(9).verbose(0).build());
    History hb = b.fit(d[0], d[1], FitOptions.builder().epochs(2).seed(9).verbose(0).build());
    assertEquals(ha.history(), hb.history());
  }

  @Test
  void trainAndTestOnBatch() {
    Tensor[] d = blobs(64, 6);
    Sequential m = mlp();
    double before = m.testOnBatch(d[0], d[1]).get("loss");
    for (int i = 0; i < 30; i++) {
      m.trainOnBatch(d[0], d[1]);
    }
    assertTrue(m.testOnBatch(d[0], d[1]).get("loss") < before);
    assertEquals(30, m.optimizer().iterations());
  }

  @Test
  void classWeightScalesTheLoss() {
    Tensor[] d = blobs(64, 8);
    Sequential m = mlp();
    double plain = m.evaluate(d[0], d[1], null, 64, 0, List.of()).get("loss");
    double doubled = m.evaluate(d[0], d[1], Tensor.fill(DType.FLOAT32, 2.0, 64), 64, 0, List.of()).get("loss");
    assertEquals(2 * plain, doubled, 1e-5);
    Tensor w = Trainer.sampleWeights(d[1], null, Map.of(0, 3.0));
    long[] labels = d[1].toLongArray();
    double[] wv = w.toDoubleArray();
    for (int i = 0; i < labels.length; i++) {
      assertEquals(labels[i] == 0 ? 3.0 : 1.0, wv[i]);
    }
  }

  @Test
  void saveLoadPredictIsBitIdenticalAndResumeEqualsUninterrupted() throws Exception {
    Tensor[] d = blobs(300, 10);
    FitOptions two = FitOptions.builder().epochs(2).shuffle(false).verbose(0).build();
    Sequential ref = mlp();
    ref.fit(d[0], d[1], FitOptions.builder().epochs(4).shuffle(false).verbose(0).build());

    Sequential m = mlp();
    m.fit(d[0], d[1], two);
    Path file = tmp.resolve("m.tapekit");
    m.save(file);
    Model loaded = Models.load(file);
    assertArrayEquals(m.predict(d[0]).toFloatArray(), loaded.predict(d[0]).toFloatArray());
    assertEquals(m.history().history(), loaded.history().history());
    loaded.fit(d[0], d[1], two);
    assertArrayEquals(ref.predict(d[0]).toFloatArray(), loaded.predict(d[0]).toFloatArray());
  }

  @Test
  void functionalModelRoundTrips() {
    dev.tapekit.layers.KerasTensor in = Input.of(2);
    dev.tapekit.layers.KerasTensor h = new Dense(8, "relu").apply(in);
    dev.tapekit.layers.KerasTensor out = new Dense(4).apply(new dev.tapekit.layers.Add().apply(h, new Dense(8).apply(in)));
    Model m = new Model(in, out);
    m.compile("sgd", "mse");
    Path file = tmp.resolve("f.tapekit");
    m.save(file);
    Model back = Models.load(file);
    Tensor x = Tensor.ones(3, 2);
    assertArrayEquals(m.predict(x).toFloatArray(), back.predict(x).toFloatArray());
    assertEquals(m.layers().size(), back.layers().size());
  }

  @Test
  void corruptTruncatedAndForeignFilesFailClearly() throws Exception {
    Sequential m = mlp();
    Path good = tmp.resolve("g.tapekit");
    m.save(good);
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = tmp.resolve("t.tapekit");
    Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    Exception e1 = assertThrows(RuntimeException.class, () -> Models.load(truncated));
    assertTrue(e1.getMessage().contains("not a tapekit model file") || e1.getMessage().contains("corrupt"), e1.getMessage());
    Path foreign = tmp.resolve("f.txt");
    Files.writeString(foreign, "hello");
    Exception e2 = assertThrows(RuntimeException.class, () -> Models.load(foreign));
    assertTrue(e2.getMessage().contains("not a tapekit model file"), e2.getMessage());
    Path otherZip = tmp.resolve("o.zip");
    try (var z = new java.util.zip.ZipOutputStream(Files.newOutputStream(otherZip))) {
      z.putNextEntry(new java.util.zip.ZipEntry("x.txt"));
      z.write(1);
    }
    Exception e3 = assertThrows(RuntimeException.class, () -> Models.load(otherZip));
    assertTrue(e3.getMessage().contains("no metadata.json"), e3.getMessage());
    assertTrue(Files.list(tmp).noneMatch(p -> p.toString().endsWith(".tmp")), "temporary files left behind");
  }

  @Test
  void badDataFailsClearly() {
    Sequential m = mlp();
    Exception e = assertThrows(IllegalArgumentException.class, () -> m.fit(Tensor.zeros(10, 2), Tensor.zeros(9), 1, 4));
    assertTrue(e.getMessage().contains("Data cardinality is ambiguous"), e.getMessage());
    Sequential unc = new Sequential(new Dense(2));
    Exception e2 = assertThrows(IllegalStateException.class, () -> unc.fit(Tensor.zeros(4, 2), Tensor.zeros(4), 1, 4));
    assertTrue(e2.getMessage().contains("compile()"));
    assertNotEquals(null, m.optimizer());
  }
}

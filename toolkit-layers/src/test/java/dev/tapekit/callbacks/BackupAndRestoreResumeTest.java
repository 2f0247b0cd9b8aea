package dev.tapekit.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.data.Pipeline;
import dev.tapekit.layers.BatchNormalization;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Dropout;
import dev.tapekit.layers.LSTM;
import dev.tapekit.layers.Reshape;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * BackupAndRestore with shuffling on: a run interrupted after any epoch and resumed ends bit-identical to the
 * uninterrupted run (weights and every epoch's logs), because the shuffle generator's state is backed up.
 */
class BackupAndRestoreResumeTest {
  @TempDir
  Path tmp;

  private static final Tensor X = Ops.randomUniform(new long[] {120, 4}, -1, 1, DType.FLOAT32, 31);
  private static final Tensor Y;

  static {
    float[] xs = X.toFloatArray();
    int[] y = new int[120];
    for (int i = 0; i < y.length; i++) {
      y[i] = (xs[4 * i] > 0 ? 1 : 0) + (xs[4 * i + 1] * xs[4 * i + 2] > 0 ? 1 : 0);
    }
    Y = Tensor.of(y);
  }

  private static Sequential model() {
    RandomSeeds.setRandomSeed(17);
    Sequential m = new Sequential(new Input(4), new Dense(16, "relu"), new BatchNormalization(), new Dense(3));
    m.compile(Adam.builder().learningRate(0.01).build(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        List.of("accuracy"));
    return m;
  }

  private static FitOptions.Builder options(Long seed, Callback... callbacks) {
    FitOptions.Builder b = FitOptions.builder().epochs(5).batchSize(16).validationSplit(0.2).verbose(0)
        .callbacks(callbacks);
    return seed == null ? b : b.seed(seed);
  }

  /** A callback that fails at the end of one epoch, after the backup of that epoch (callbacks run in order). */
  private static Callback crashAfter(int epoch) {
    return new Callback() {
      @Override
      public void onEpochEnd(int e, Map<String, Double> logs) {
        if (e == epoch) {
          throw new IllegalStateException("simulated crash after epoch " + e);
        }
      }
    };
  }

  private static void assertSameWeights(Sequential want, Sequential got) {
    for (int i = 0; i < want.weights().size(); i++) {
      assertArrayEquals(want.weights().get(i).peek().toFloatArray(), got.weights().get(i).peek().toFloatArray(),
          want.weights().get(i).name());
    }
  }

  @Test
  void aResumedRunWithShufflingEndsAsTheUninterruptedOne() {
    Sequential ref = model();
    History full = ref.fit(X, Y, options(5L).build());

    for (int crashAt : new int[] {0, 2}) {
      Path dir = tmp.resolve("backup-" + crashAt);
      assertThrows(IllegalStateException.class,
          () -> model().fit(X, Y, options(5L, new BackupAndRestore(dir), crashAfter(crashAt)).build()));
      assertTrue(Files.exists(dir.resolve("training_metadata.json")));
      Sequential b = model();
      BackupAndRestore backup = new BackupAndRestore(dir);
      History resumed = b.fit(X, Y, options(5L, backup).build());
      // Keras: fit's History holds the epochs this fit ran, numbered as the run counts them
      assertEquals(crashAt == 0 ? List.of(1, 2, 3, 4) : List.of(3, 4), resumed.epoch());
      assertSameWeights(ref, b);
      // every epoch, bit for bit: the earlier ones from the backup, the later ones trained again
      assertEquals(full.epoch(), backup.history().epoch());
      assertEquals(full.history(), backup.history().history(), "crash after epoch " + crashAt);
      assertFalse(Files.exists(dir.resolve("training_metadata.json")), "the backup is deleted after a completed run");
    }
  }

  /** Dropout and an LSTM's dropout/recurrent dropout, unseeded: their masks come from RandomSeeds' stream. */
  private static Sequential dropoutModel(long randomSeed) {
    RandomSeeds.setRandomSeed(randomSeed);
    Sequential m = new Sequential(new Input(4), new Dense(16, "relu"), new Dropout(0.4),
        new Reshape(4, 4), LSTM.builder().units(6).dropout(0.3).recurrentDropout(0.3).build(), new Dense(3));
    m.compile(Adam.builder().learningRate(0.01).build(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        List.of("accuracy"));
    return m;
  }

  @Test
  void aResumedRunWithDropoutEndsAsTheUninterruptedOne() {
    // Keras 3 draws dropout masks from each layer's SeedGenerator; an exact resume must continue those
    // generators where the interrupted run left them, not restart them (which would reuse epoch 0's masks)
    Sequential ref = dropoutModel(17);
    History full = ref.fit(X, Y, options(5L).build());
    Path dir = tmp.resolve("dropout");
    assertThrows(IllegalStateException.class,
        () -> dropoutModel(17).fit(X, Y, options(5L, new BackupAndRestore(dir), crashAfter(1)).build()));
    Sequential b = dropoutModel(4242); // another seed stream: the backup's generator states win
    BackupAndRestore backup = new BackupAndRestore(dir);
    b.fit(X, Y, options(5L, backup).build());
    assertSameWeights(ref, b);
    assertEquals(full.history(), backup.history().history());
  }

  @Test
  void fitOnAStreamingSourceRefusesBackupAndRestore() {
    // a Pipeline's shuffle buffer and position are not backed up: rather than resume with another order (or,
    // as before, silently train from epoch 0 again over the restored weights), fit refuses at once
    Path dir = tmp.resolve("stream");
    Sequential m = model();
    Pipeline source = Pipeline.fromTensorSlices(X, Y).shuffle(64, 3L, true).batch(16);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> m.fit(source, FitOptions.builder().epochs(3).verbose(0).callbacks(new BackupAndRestore(dir)).build()));
    assertTrue(e.getMessage().contains("BackupAndRestore") && e.getMessage().contains("streaming source"), e.getMessage());
    assertFalse(Files.exists(dir), "nothing is backed up");
  }

  @Test
  void withoutASeedTheBackedUpSeedIsUsed() {
    // fit draws a seed from RandomSeeds when none is given; the resumed run must continue with that one
    Path dir = tmp.resolve("unseeded");
    RandomSeeds.setRandomSeed(99);
    Sequential ref = model();
    RandomSeeds.setRandomSeed(123);
    ref.fit(X, Y, options(null).build());

    RandomSeeds.setRandomSeed(99);
    Sequential a = model();
    RandomSeeds.setRandomSeed(123);
    assertThrows(IllegalStateException.class, () -> a.fit(X, Y, options(null, new BackupAndRestore(dir), crashAfter(1)).build()));
    Sequential b = model();
    RandomSeeds.setRandomSeed(4567); // another seed stream: the backup's seed wins
    b.fit(X, Y, options(null, new BackupAndRestore(dir)).build());
    assertSameWeights(ref, b);
  }

  @Test
  void aKillBetweenTheModelFileAndTheMetadataResumesFromTheLastCompletePair() throws Exception {
    Sequential ref = model();
    ref.fit(X, Y, options(6L).build());
    Path dir = tmp.resolve("torn");
    assertThrows(IllegalStateException.class, () -> model().fit(X, Y, options(6L, new BackupAndRestore(dir), crashAfter(1)).build()));
    // what a kill right after the next epoch's model file was written leaves: a newer model, the old metadata
    Files.copy(dir.resolve("latest-1.tapekit"), dir.resolve("latest-2.tapekit"));
    Sequential b = model();
    b.fit(X, Y, options(6L, new BackupAndRestore(dir)).build());
    assertSameWeights(ref, b);
  }

  @Test
  void aBackupOfAnEarlierVersionStillRestores() throws Exception {
    // latest.tapekit + epoch.txt: weights and epoch restored (the shuffle state was not backed up then)
    Path dir = tmp.resolve("legacy");
    Files.createDirectories(dir);
    Sequential a = model();
    a.fit(X, Y, options(7L).epochs(2).build());
    a.save(dir.resolve("latest.tapekit"));
    Files.writeString(dir.resolve("epoch.txt"), "1");
    Sequential b = model();
    History h = b.fit(X, Y, options(7L, new BackupAndRestore(dir)).epochs(3).build());
    assertEquals(List.of(2), h.epoch());
    assertFalse(Files.exists(dir.resolve("latest.tapekit")));
    assertFalse(Files.exists(dir.resolve("epoch.txt")));
  }
}

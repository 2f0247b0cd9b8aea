package dev.tapekit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.models.Model;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The strategies in Spark local mode: exactness, convergence, retried tasks, checkpoint and resume. */
class SparkTrainerTest {
  static final AtomicInteger INJECTED = new AtomicInteger();

  @TempDir
  Path tmp;

  private final JavaSparkContext sc = LocalSpark.get();

  private SparkTrainer.Builder trainer(ModelFactory f, TrainingStrategy s) {
    return SparkTrainer.builder(sc).modelFactory(f).strategy(s).batchSize(8).seed(11);
  }

  @Test
  void syncGradientsEqualsOneProcessWithTheGlobalBatch() {
    List<Sample> data = Data.quadrants(48, 1);
    JavaRDD<Sample> rdd = sc.parallelize(data, 2); // partitions: rows 0-23 and 24-47
    TrainingResult r = trainer(Data::adamMlp, TrainingStrategy.syncGradients()).shuffle(false).build().fit(rdd, 2);

    RandomSeeds.setRandomSeed(Seeds.mix(11, -1));
    Model single = Data.adamMlp();
    double[] initial = Data.weights(single);
    for (int epoch = 0; epoch < 2; epoch++) {
      for (int step = 0; step < 3; step++) {
        List<Sample> batch = new ArrayList<>(data.subList(step * 8, step * 8 + 8));
        batch.addAll(data.subList(24 + step * 8, 24 + step * 8 + 8));
        single.trainOnBatch(Data.features(batch), Data.labels(batch));
      }
    }
    assertEquals(6, r.rounds(), "one job per step");
    assertEquals(6, r.model().optimizer().iterations());
    assertTrue(Data.maxDiff(initial, Data.weights(single)) > 1e-2, "training must move the weights");
    double diff = Data.maxDiff(Data.weights(single), Data.weights(r.model()));
    assertTrue(diff < 1e-5, "sync differs from one process by " + diff);
  }

  @Test
  void synchronousBarrierEqualsOneProcessAndSyncGradients() {
    List<Sample> data = Data.quadrants(48, 1);
    JavaRDD<Sample> rdd = sc.parallelize(data, 2);
    TrainingResult barrier = trainer(Data::adamMlp, TrainingStrategy.synchronousBarrier()).shuffle(false).build()
        .fit(rdd, 2);
    assertEquals(1, barrier.rounds(), "one barrier stage for both epochs (no checkpoints, no validation)");
    assertEquals(6, barrier.model().optimizer().iterations());
    double diff = Data.maxDiff(oneProcessOnGlobalBatches(data, 2), Data.weights(barrier.model()));
    assertTrue(diff < 1e-5, "barrier differs from one process by " + diff);

    // the same sums in the same order as syncGradients: the same bits, shuffled, uneven partitions included
    JavaRDD<Sample> uneven = sc.parallelize(Data.quadrants(44, 3), 2); // 22 + 22 rows: 3 steps, the last of 6
    TrainingResult sync = trainer(Data::adamMlp, TrainingStrategy.syncGradients()).build().fit(uneven, 2);
    TrainingResult bar = trainer(Data::adamMlp, TrainingStrategy.synchronousBarrier()).build().fit(uneven, 2);
    assertArrayEquals(Data.weights(sync.model()), Data.weights(bar.model()));
    assertEquals(sync.history().get("loss"), bar.history().get("loss"));
    assertArrayEquals(OptState.of(sync.model().optimizer(), sync.model().trainableVariables()).slots().get(0).values(),
        OptState.of(bar.model().optimizer(), bar.model().trainableVariables()).slots().get(0).values());
  }

  /** {@code epochs} of one process on each step's concatenated partition batches (24 + 24 rows, batch 8 each). */
  private static double[] oneProcessOnGlobalBatches(List<Sample> data, int epochs) {
    RandomSeeds.setRandomSeed(Seeds.mix(11, -1));
    Model single = Data.adamMlp();
    double[] initial = Data.weights(single);
    for (int epoch = 0; epoch < epochs; epoch++) {
      for (int step = 0; step < 3; step++) {
        List<Sample> batch = new ArrayList<>(data.subList(step * 8, step * 8 + 8));
        batch.addAll(data.subList(24 + step * 8, 24 + step * 8 + 8));
        single.trainOnBatch(Data.features(batch), Data.labels(batch));
      }
    }
    assertTrue(Data.maxDiff(initial, Data.weights(single)) > 1e-2, "training must move the weights");
    return Data.weights(single);
  }

  @Test
  void aBarrierTaskFailingMidEpochRerunsTheStageAndEndsBitIdentical() {
    JavaRDD<Sample> rdd = sc.parallelize(Data.quadrants(48, 5), 2);
    TrainingResult clean = trainer(Data::adamMlp, TrainingStrategy.synchronousBarrier()).build().fit(rdd, 2);
    INJECTED.set(0);
    TrainingResult retried = trainer(Data::adamMlp, TrainingStrategy.synchronousBarrier())
        .taskHook((round, partition, attempt) -> {
          // epoch 2, its second of 3 steps: the peer is blocked in the all-reduce when this task dies
          if (round == 4 && partition == 1 && attempt == 0) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException("injected failure");
          }
        }).build().fit(rdd, 2);
    assertEquals(1, INJECTED.get(), "the failure was injected once");
    assertArrayEquals(Data.weights(clean.model()), Data.weights(retried.model()));
    assertEquals(clean.history().get("loss"), retried.history().get("loss"));
    assertEquals(clean.model().optimizer().iterations(), retried.model().optimizer().iterations());
  }

  @Test
  void synchronousBarrierResumesFromItsCheckpointAndNamesMissingSlots() {
    JavaRDD<Sample> rdd = sc.parallelize(Data.quadrants(48, 6), 2);
    TrainingResult straight = trainer(Data::adamMlp, TrainingStrategy.synchronousBarrier()).build().fit(rdd, 3);
    Path dir = tmp.resolve("barrier-ckpt");
    trainer(Data::adamMlp, TrainingStrategy.synchronousBarrier()).checkpointDir(dir).build().fit(rdd, 2);
    TrainingResult resumed = trainer(Data::adamMlp,
        TrainingStrategy.synchronousBarrier(java.time.Duration.ofSeconds(30))).checkpointDir(dir).build().fit(rdd, 3);
    assertEquals(1, resumed.rounds(), "only the third epoch runs after resuming (another timeout is no change)");
    assertArrayEquals(Data.weights(straight.model()), Data.weights(resumed.model()));
    assertEquals(straight.history().get("loss"), resumed.history().get("loss"));

    // local[2,3] has 2 task slots: a barrier stage of 3 tasks cannot start
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> trainer(Data::adamMlp, TrainingStrategy.synchronousBarrier()).build()
            .fit(sc.parallelize(Data.quadrants(48, 6), 3), 1));
    assertTrue(e.getMessage().startsWith("SparkTrainer: synchronousBarrier runs all 3 partitions' tasks at once"),
        e.getMessage());
  }

  @Test
  void barrierModeRefusesDynamicAllocation() {
    org.apache.spark.SparkConf conf = new org.apache.spark.SparkConf().setMaster("spark://127.0.0.1:7077")
        .set("spark.dynamicAllocation.enabled", "true");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> TrainingStrategy.SyncBarrier.requireSupported(conf));
    assertTrue(e.getMessage().contains("spark.dynamicAllocation.enabled=true"), e.getMessage());
    TrainingStrategy.SyncBarrier.requireSupported(conf.set("spark.dynamicAllocation.enabled", "false"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> TrainingStrategy.synchronousBarrier(java.time.Duration.ZERO)).getMessage()
        .contains("peerTimeout must be between 1 ms"));
  }

  @Test
  void averagingEveryStepWithPlainSgdEqualsSync() {
    JavaRDD<Sample> rdd = sc.parallelize(Data.quadrants(40, 2), 2); // 20 + 20 rows: last step has 4 each
    TrainingResult avg = trainer(Data::sgdMlp, TrainingStrategy.averaging(1)).build().fit(rdd, 2);
    TrainingResult sync = trainer(Data::sgdMlp, TrainingStrategy.syncGradients()).build().fit(rdd, 2);
    double diff = Data.maxDiff(Data.weights(avg.model()), Data.weights(sync.model()));
    assertTrue(diff < 1e-5, "averaging(1) differs from sync by " + diff);
    assertEquals(sync.history().get("loss").get(1), avg.history().get("loss").get(1), 1e-5);
  }

  @Test
  void averagingConvergesOnTheQuadrantTask() {
    List<Sample> val = Data.quadrants(200, 4);
    TrainingResult r = trainer(Data::adamMlp, TrainingStrategy.averaging(4)).batchSize(16)
        .validationData(Data.features(val), Data.labels(val)).build()
        .fit(sc.parallelize(Data.quadrants(256, 3), 2), 8);
    List<Double> loss = r.history().get("loss");
    assertEquals(8, loss.size());
    assertTrue(loss.get(7) < 0.5 * loss.get(0), "loss " + loss);
    assertTrue(r.history().get("val_accuracy").get(7) > 0.9, "val " + r.history().history());
  }

  @Test
  void aTaskFailingOnItsFirstAttemptLeavesTheParametersIdentical() {
    JavaRDD<Sample> rdd = sc.parallelize(Data.quadrants(48, 5), 2);
    TrainingResult clean = trainer(Data::adamMlp, TrainingStrategy.averaging(2)).build().fit(rdd, 1);
    INJECTED.set(0);
    TrainingResult retried = trainer(Data::adamMlp, TrainingStrategy.averaging(2))
        .taskHook((round, partition, attempt) -> {
          if (round == 1 && partition == 1 && attempt == 0) {
            INJECTED.incrementAndGet();
            throw new IllegalStateException("injected failure");
          }
        }).build().fit(rdd, 1);
    assertEquals(1, INJECTED.get(), "the failure was injected once");
    assertArrayEquals(Data.weights(clean.model()), Data.weights(retried.model()));
    assertEquals(clean.history().get("loss"), retried.history().get("loss"));

    TrainingResult syncClean = trainer(Data::adamMlp, TrainingStrategy.syncGradients()).build().fit(rdd, 1);
    TrainingResult syncRetried = trainer(Data::adamMlp, TrainingStrategy.syncGradients())
        .taskHook((round, partition, attempt) -> {
          if (round == 2 && partition == 0 && attempt == 0) {
            throw new IllegalStateException("injected failure");
          }
        }).build().fit(rdd, 1);
    assertArrayEquals(Data.weights(syncClean.model()), Data.weights(syncRetried.model()));
  }

  @Test
  void checkpointAndResumeGiveIdenticalParameters() {
    JavaRDD<Sample> rdd = sc.parallelize(Data.quadrants(48, 6), 2);
    TrainingResult straight = trainer(Data::adamMlp, TrainingStrategy.averaging(2)).build().fit(rdd, 3);
    Path dir = tmp.resolve("ckpt");
    TrainingResult firstTwo = trainer(Data::adamMlp, TrainingStrategy.averaging(2)).checkpointDir(dir).build().fit(rdd, 2);
    assertEquals(2, firstTwo.history().get("loss").size());
    TrainingResult resumed = trainer(Data::adamMlp, TrainingStrategy.averaging(2)).checkpointDir(dir).build().fit(rdd, 3);
    assertEquals(2, resumed.rounds(), "only the third epoch's 2 rounds run after resuming");
    assertArrayEquals(Data.weights(straight.model()), Data.weights(resumed.model()));
    assertEquals(straight.history().get("loss"), resumed.history().get("loss"));
    assertEquals(straight.model().optimizer().iterations(), resumed.model().optimizer().iterations());

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> trainer(Data::adamMlp, TrainingStrategy.syncGradients()).checkpointDir(dir).build().fit(rdd, 4));
    assertTrue(e.getMessage().contains("SyncGradients"), e.getMessage());
    // another partition count is another global batch: refused like a batch-size change
    JavaRDD<Sample> three = sc.parallelize(Data.quadrants(48, 6), 3);
    IllegalStateException p = assertThrows(IllegalStateException.class,
        () -> trainer(Data::adamMlp, TrainingStrategy.averaging(2)).checkpointDir(dir).build().fit(three, 4));
    assertTrue(p.getMessage().contains("partitions=2") && p.getMessage().contains("partitions=3"), p.getMessage());
  }

  @Test
  void aNonFiniteLossStopsTheRunAsTerminateOnNanDoes() {
    java.util.List<Sample> data = new java.util.ArrayList<>(Data.quadrants(48, 6));
    data.set(5, Sample.of(new float[] {Float.NaN, 0.5f}, 1));
    JavaRDD<Sample> rdd = sc.parallelize(data, 2);
    Path dir = tmp.resolve("nan-ckpt");
    TrainingResult r = trainer(Data::adamMlp, TrainingStrategy.syncGradients()).checkpointDir(dir).build().fit(rdd, 5);
    assertEquals(1, r.history().get("loss").size(), "stopped after the first epoch");
    assertTrue(Double.isNaN(r.history().get("loss").get(0)));
    assertTrue(!java.nio.file.Files.exists(dir.resolve(Checkpoint.FILE)), "no checkpoint of NaN weights");
    // one barrier stage for all 5 epochs: every task stops after the first, as the driver does
    TrainingResult b = trainer(Data::adamMlp, TrainingStrategy.synchronousBarrier()).build().fit(rdd, 5);
    assertEquals(1, b.history().get("loss").size(), "stopped after the first epoch");
    assertTrue(Double.isNaN(b.history().get("loss").get(0)));
    assertEquals(3, b.model().optimizer().iterations(), "3 steps of one epoch");
  }

  @Test
  void tasksReleaseTheCachedBlockTheyRead() {
    // Spark logs "N block locks were not released by task ..." for each task that leaves its cached block's
    // iterator unfinished; with exceptionOnPinLeak (set by LocalSpark) such a task fails instead
    assertEquals("true", sc.getConf().get("spark.storage.exceptionOnPinLeak"));
    JavaRDD<Sample> rdd = sc.parallelize(Data.quadrants(48, 8), 2);
    for (TrainingStrategy s : List.of(TrainingStrategy.syncGradients(), TrainingStrategy.averaging(2),
        TrainingStrategy.synchronousBarrier())) {
      TrainingResult r = trainer(Data::adamMlp, s).build().fit(rdd, 1);
      assertEquals(1, r.history().get("loss").size(), s.toString());
    }
  }

  @Test
  void badOptionsGetClearErrors() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkTrainer.builder(sc).build()).getMessage()
        .contains("modelFactory is required"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> trainer(Data::adamMlp, TrainingStrategy.syncGradients()).batchSize(0).build()).getMessage()
        .contains("batchSize must be > 0, got 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TrainingStrategy.averaging(0)).getMessage()
        .contains("everySteps must be >= 1, got 0"));
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> trainer(Data::adamMlp, TrainingStrategy.syncGradients()).build().fit(sc.emptyRDD(), 1)).getMessage()
        .contains("no samples"));
  }
}

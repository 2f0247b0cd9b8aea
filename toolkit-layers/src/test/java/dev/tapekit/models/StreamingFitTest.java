package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.History;
import dev.tapekit.core.Tensor;
import dev.tapekit.data.Batch;
import dev.tapekit.data.Pipeline;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Keras's fit/evaluate/predict on a tf.data.Dataset: steps_per_epoch, validation_steps, prefetch. */
class StreamingFitTest {
  private static FitOptions.Builder quiet() {
    return FitOptions.builder().verbose(0);
  }

  /** Counts the training batches of each epoch. */
  static final class StepCounter extends Callback {
    final List<Integer> perEpoch = new ArrayList<>();
    int current;

    @Override
    public void onEpochBegin(int epoch, Map<String, Double> logs) {
      current = 0;
    }

    @Override
    public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
      current++;
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
      perEpoch.add(current);
    }
  }

  @Test
  void aPipelineBatchedLikeFitsArraysTrainsTheSame() {
    // Keras: fit(x, y, batch_size=32, shuffle=False) and fit(Dataset.from_tensor_slices((x, y)).batch(32))
    // see the same batches in the same order, so they reach the same weights
    Tensor[] d = TrainingTest.blobs(100, 3);
    Sequential arrays = TrainingTest.mlp();
    History ha = arrays.fit(d[0], d[1], FitOptions.builder().epochs(2).batchSize(32).shuffle(false).verbose(0).build());
    Sequential streamed = TrainingTest.mlp();
    History hs = streamed.fit(Pipeline.fromTensorSlices(d[0], d[1]).batch(32).prefetch(2),
        quiet().epochs(2).build());
    assertEquals(ha.history().get("loss"), hs.history().get("loss"));
    assertArrayEquals(arrays.getWeights().get(0).toFloatArray(), streamed.getWeights().get(0).toFloatArray());
    // evaluate and predict over a source are those over the arrays
    Pipeline test = Pipeline.fromTensorSlices(d[0], d[1]).batch(16);
    assertEquals(arrays.evaluate(d[0], d[1]).get("loss"), streamed.evaluate(test).get("loss"), 1e-6);
    assertArrayEquals(arrays.predict(d[0]).toFloatArray(), streamed.predict(test).toFloatArray(), 1e-6f);
  }

  /** Counts the calls of the overridable steps (Keras's train_step, test_step, predict_step). */
  static final class CountingModel extends Sequential {
    int train;
    int test;
    int predict;

    CountingModel() {
      super(new dev.tapekit.layers.Input(2), new dev.tapekit.layers.Dense(4));
    }

    @Override
    public Map<String, Double> trainStep(Tensor x, Tensor y, Tensor sampleWeight) {
      train++;
      return super.trainStep(x, y, sampleWeight);
    }

    @Override
    public Map<String, Double> testStep(Tensor x, Tensor y, Tensor sampleWeight) {
      test++;
      return super.testStep(x, y, sampleWeight);
    }

    @Override
    public Tensor predictStep(Tensor x) {
      predict++;
      return super.predictStep(x);
    }
  }

  @Test
  void aSourceRunsTheModelsOverridableSteps() {
    // Keras's fit/evaluate/predict call train_step/test_step/predict_step whatever the data is
    Tensor[] d = TrainingTest.blobs(100, 3);
    CountingModel m = new CountingModel();
    m.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
    Pipeline data = Pipeline.fromTensorSlices(d[0], d[1]).batch(25);
    m.fit(data, quiet().epochs(2).validationData(data).build());
    assertEquals(8, m.train);
    assertEquals(8, m.test, "validation after each epoch");
    m.evaluate(data);
    m.predict(data);
    assertEquals(12, m.test);
    assertEquals(4, m.predict);
  }

  @Test
  void stepsPerEpochOnARepeatedSourceContinuesOnePassAcrossEpochs() {
    // Keras: with steps_per_epoch, the iterator is not reset at each epoch; the next epoch starts where
    // the last one stopped
    List<Long> seen = new ArrayList<>();
    Tensor[] d = TrainingTest.blobs(40, 4);
    Pipeline source = Pipeline.fromTensorSlices(d[0], Tensor.of(new int[40])).batch(10).repeat()
        .map(b -> {
          seen.add((long) b.x().toFloatArray()[0] * 0 + seen.size());
          return new Batch(b.x(), Tensor.of(new int[(int) b.x().shape()[0]]));
        });
    StepCounter counter = new StepCounter();
    Sequential m = TrainingTest.mlp();
    History h = m.fit(source, quiet().epochs(3).stepsPerEpoch(3).callbacks(counter).build());
    assertEquals(List.of(3, 3, 3), counter.perEpoch);
    assertEquals(3, h.history().get("loss").size());
    assertEquals(9, seen.size(), "each batch read once: the pass continued across epochs");
  }

  @Test
  void withoutStepsPerEpochEachEpochIsAFullNewPass() {
    int[] passes = {0};
    Tensor[] d = TrainingTest.blobs(50, 5);
    Pipeline data = Pipeline.fromTensorSlices(d[0], d[1]);
    Pipeline source = Pipeline.fromGenerator(() -> {
      passes[0]++;
      return data.iterator();
    }).batch(20);
    StepCounter counter = new StepCounter();
    TrainingTest.mlp().fit(source, quiet().epochs(3).callbacks(counter).build());
    assertEquals(List.of(3, 3, 3), counter.perEpoch);
    // the first batch is read once to build the model, then used as the first step: one pass per epoch
    assertEquals(3, passes[0]);
  }

  @Test
  void aFiniteSourceThatRunsOutBeforeStepsPerEpochWarnsAndEndsTheEpoch() {
    // Keras: "Your input ran out of data; interrupting training..." and the epoch ends early
    Logger log = (Logger) LoggerFactory.getLogger(EpochSteps.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    log.addAppender(events);
    try {
      Tensor[] d = TrainingTest.blobs(50, 6);
      StepCounter counter = new StepCounter();
      // 5 batches, 2 epochs of 4: epoch 1 takes 4, epoch 2 gets the 5th and runs out
      TrainingTest.mlp().fit(Pipeline.fromTensorSlices(d[0], d[1]).batch(10),
          quiet().epochs(2).stepsPerEpoch(4).callbacks(counter).build());
      assertEquals(List.of(4, 1), counter.perEpoch);
      assertTrue(events.list.stream().anyMatch(e -> e.getFormattedMessage().startsWith(
          "Your input ran out of data; interrupting training.")), "no warning");
    } finally {
      log.detachAppender(events);
    }
  }

  @Test
  void anInfiniteSourceNeedsStepsPerEpoch() {
    Tensor[] d = TrainingTest.blobs(20, 7);
    Pipeline forever = Pipeline.fromTensorSlices(d[0], d[1]).batch(10).repeat();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> TrainingTest.mlp().fit(forever, quiet().epochs(1).build()));
    assertTrue(e.getMessage().contains("please specify a `steps_per_epoch` value"), e.getMessage());
    IllegalArgumentException v = assertThrows(IllegalArgumentException.class, () -> TrainingTest.mlp()
        .fit(forever, quiet().epochs(1).stepsPerEpoch(2).validationData(forever).build()));
    assertTrue(v.getMessage().contains("`validation_steps`"), v.getMessage());
    IllegalArgumentException split = assertThrows(IllegalArgumentException.class, () -> TrainingTest.mlp()
        .fit(forever, quiet().stepsPerEpoch(2).validationSplit(0.2).build()));
    assertTrue(split.getMessage().contains("`validation_split` is only supported for Tensors"), split.getMessage());
  }

  @Test
  void validationStepsCountsValidationBatchesAndKeepsThePassAcrossEpochs() {
    Tensor[] d = TrainingTest.blobs(60, 8);
    Tensor[] v = TrainingTest.blobs(40, 9);
    List<Integer> validationBatches = new ArrayList<>();
    Callback counter = new Callback() {
      int n;

      @Override
      public void onTestBegin(Map<String, Double> logs) {
        n = 0;
      }

      @Override
      public void onTestBatchEnd(int batch, Map<String, Double> logs) {
        n++;
      }

      @Override
      public void onTestEnd(Map<String, Double> logs) {
        validationBatches.add(n);
      }
    };
    Sequential m = TrainingTest.mlp();
    History h = m.fit(Pipeline.fromTensorSlices(d[0], d[1]).batch(20),
        quiet().epochs(2).validationData(Pipeline.fromTensorSlices(v[0], v[1]).batch(10).repeat()).validationSteps(3)
            .callbacks(counter).build());
    assertEquals(List.of(3, 3), validationBatches);
    assertEquals(2, h.history().get("val_loss").size());
    // the last validation saw batches 4, 5, 6 of the repeated 4-batch pass: v's last batch, then its first two
    Tensor vx = Tensor.fromINDArray(org.nd4j.linalg.factory.Nd4j.concat(0,
        v[0].array().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(30, 40)),
        v[0].array().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20))));
    Tensor vy = Tensor.fromINDArray(org.nd4j.linalg.factory.Nd4j.concat(0,
        v[1].array().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(30, 40)),
        v[1].array().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20))));
    assertEquals(m.evaluate(vx, vy).get("loss"), h.history().get("val_loss").get(1), 1e-5);
  }

  @Test
  void prefetchReadsTheNextBatchWhileTheStepRuns() throws Exception {
    // the reader produces batch b + 1 while step b has not finished: the training thread waits, inside
    // step b, for the reader's signal that batch b + 1 is read (without prefetch this would never come)
    Tensor[] d = TrainingTest.blobs(60, 10);
    List<CountDownLatch> read = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      read.add(new CountDownLatch(1));
    }
    Pipeline batches = Pipeline.fromTensorSlices(d[0], d[1]).batch(10);
    Pipeline source = Pipeline.fromGenerator(() -> {
      Iterator<Batch> it = batches.iterator();
      return new Iterator<>() {
        int produced;

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Batch next() {
          Batch b = it.next();
          read.get(produced++).countDown();
          return b;
        }
      };
    }).prefetch(1);
    List<Boolean> overlapped = new ArrayList<>();
    Callback waitsInStep = new Callback() {
      @Override
      public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        try {
          if (batch < 5) {
            overlapped.add(read.get(batch + 1).await(60, TimeUnit.SECONDS));
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
    };
    TrainingTest.mlp().fit(source, quiet().epochs(1).callbacks(waitsInStep).build());
    assertEquals(List.of(true, true, true, true, true), overlapped);
  }

  @Test
  void anErrorWhileReadingAheadSurfacesFromFitAndTheReaderEnds() throws Exception {
    Tensor[] d = TrainingTest.blobs(60, 11);
    Pipeline batches = Pipeline.fromTensorSlices(d[0], d[1]).batch(10);
    AtomicReference<Thread> reader = new AtomicReference<>();
    RuntimeException corrupt = new java.io.UncheckedIOException(new java.io.IOException("record 3 is corrupt"));
    Pipeline source = Pipeline.fromGenerator(() -> {
      Iterator<Batch> it = batches.iterator();
      return new Iterator<>() {
        int produced;

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Batch next() {
          reader.set(Thread.currentThread());
          if (produced++ == 3) {
            throw corrupt;
          }
          return it.next();
        }
      };
    }).prefetch(2);
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> TrainingTest.mlp().fit(source, quiet().epochs(1).build()));
    assertSame(corrupt, e);
    assertNotEquals(Thread.currentThread(), reader.get());
    reader.get().join(30_000);
    assertFalse(reader.get().isAlive(), "the prefetch thread outlived the failed fit");
  }

  @Test
  void stoppingEarlyWithStepsPerEpochEndsThePrefetchThread() throws Exception {
    Tensor[] d = TrainingTest.blobs(40, 12);
    AtomicReference<Thread> reader = new AtomicReference<>();
    Pipeline source = Pipeline.fromTensorSlices(d[0], d[1]).batch(10).repeat()
        .map(b -> {
          reader.set(Thread.currentThread());
          return b;
        }).prefetch(2);
    TrainingTest.mlp().fit(source, quiet().epochs(2).stepsPerEpoch(2).build());
    reader.get().join(30_000);
    assertFalse(reader.get().isAlive(), "fit returned but the prefetch thread of its infinite source still runs");
  }

  /** A source over fixed batches that records what it yields and says whether they are fresh. */
  private static dev.tapekit.data.BatchSource recording(List<Batch> given, List<Batch> yielded, boolean fresh) {
    return new dev.tapekit.data.BatchSource() {
      @Override
      public Iterator<Batch> iterator() {
        List<Batch> copy = new ArrayList<>();
        for (Batch b : given) {
          Batch c = new Batch(Tensor.fromINDArray(b.x().array().dup()), Tensor.fromINDArray(b.y().array().dup()));
          copy.add(fresh ? c : b);
        }
        yielded.addAll(copy);
        return copy.iterator();
      }

      @Override
      public boolean freshBatches() {
        return fresh;
      }
    };
  }

  @Test
  void freshBatchesAreFreedAfterTheirStepAndTheUsersTensorsAreNot() {
    // off-heap memory stays flat: a pipeline's own batches are released once used, not when the GC runs;
    // tensors the caller still holds (a source that is not fresh) stay valid values
    Tensor[] d = TrainingTest.blobs(30, 13);
    List<Batch> given = new ArrayList<>();
    Pipeline.fromTensorSlices(d[0], d[1]).batch(10).forEach(given::add);
    List<Batch> fresh = new ArrayList<>();
    TrainingTest.mlp().fit(recording(given, fresh, true), quiet().epochs(2).build());
    assertEquals(6, fresh.size());
    assertTrue(fresh.stream().allMatch(b -> b.x().array().wasClosed() && b.y().array().wasClosed()),
        "a fresh batch was left to the garbage collector");
    List<Batch> held = new ArrayList<>();
    TrainingTest.mlp().fit(recording(given, held, false), quiet().epochs(2).build());
    assertTrue(held.stream().noneMatch(b -> b.x().array().wasClosed()), "fit freed the caller's tensors");
    assertEquals(30, given.stream().mapToLong(b -> b.x().toFloatArray().length / 2).sum());
  }
}

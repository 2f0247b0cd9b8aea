package dev.tapekit.spark;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.Tensor;
import dev.tapekit.models.Model;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * Data-parallel training on Apache Spark. Each RDD partition is one worker; the driver owns the model,
 * the optimizer, the history and the checkpoints, and only flat parameter, gradient and optimizer-state
 * arrays travel (as broadcasts and task results).
 *
 * <pre>{@code
 * TrainingResult r = SparkTrainer.builder(sc)
 *     .modelFactory(() -> { Sequential m = ...; m.compile(...); return m; })
 *     .strategy(TrainingStrategy.averaging(4))   // or syncGradients(), synchronousBarrier()
 *     .batchSize(32)                               // per partition
 *     .build()
 *     .fit(samples, 5);
 * }</pre>
 *
 * <p>Tasks are pure functions of (broadcast, partition, round seed), so Spark may retry them freely;
 * results are combined in partition order, so runs are reproducible bit for bit.
 */
public final class SparkTrainer {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SparkTrainer.class);

  private final JavaSparkContext sc;
  private final Plan plan;
  private final TrainingStrategy strategy;
  private final Path checkpointDir;
  private final Tensor valX;
  private final Tensor valY;

  private SparkTrainer(Builder b) {
    sc = b.sc;
    plan = new Plan(b.factory, b.featureShape, b.batchSize, b.shuffle, b.seed, b.hook);
    strategy = b.strategy;
    checkpointDir = b.checkpointDir;
    valX = b.valX;
    valY = b.valY;
  }

  /** A builder for training on {@code sc}. */
  public static Builder builder(JavaSparkContext sc) {
    return new Builder(sc);
  }

  /**
   * Trains for {@code epochs} epochs (counting epochs restored from a checkpoint) and returns the
   * driver's model. An epoch is as many steps as the largest partition needs at the per-partition
   * batch size; a partition that runs out of rows sits the remaining steps out.
   */
  public TrainingResult fit(JavaRDD<Sample> samples, int epochs) {
    if (samples == null) {
      throw new IllegalArgumentException("SparkTrainer.fit: samples is null");
    }
    if (epochs < 0) {
      throw new IllegalArgumentException("SparkTrainer.fit: epochs must be >= 0, got " + epochs);
    }
    long t0 = System.nanoTime();
    JavaRDD<Block> blocks = samples
        .mapPartitionsWithIndex((i, it) -> List.of(Block.pack(i, it)).iterator(), true)
        .persist(StorageLevel.MEMORY_ONLY());
    try {
      List<Integer> sizes = ExecutorErrors.translate(() -> blocks.map(Block::rows).collect(), plan);
      int[] partitionSizes = sizes.stream().mapToInt(Integer::intValue).toArray();
      int largest = java.util.Arrays.stream(partitionSizes).max().orElse(0);
      if (largest == 0) {
        throw new IllegalArgumentException("SparkTrainer.fit: the RDD has no samples");
      }
      if (strategy instanceof TrainingStrategy.SyncBarrier) {
        TrainingStrategy.SyncBarrier.requireSupported(sc.getConf());
      }
      Model model = Worker.newModel(plan.factory(), Seeds.mix(plan.seed(), -1));
      History history = new History();
      int first = resume(model, history, sizes.size());
      int stepsPerEpoch = (largest + plan.batchSize() - 1) / plan.batchSize();
      long rounds = 0;
      for (int epoch = first; epoch < epochs; ) {
        double[][] losses; // per epoch trained: {loss x rows, rows}
        if (strategy instanceof TrainingStrategy.SyncBarrier b) {
          // a barrier stage costs Spark's allGather about a second: without per-epoch work on the driver
          // (checkpoints, validation), one stage trains all the epochs
          int span = checkpointDir == null && valX == null ? epochs - epoch : 1;
          losses = barrierEpochs(blocks, model, partitionSizes, epoch, span, stepsPerEpoch, b);
          rounds++;
        } else {
          double[] loss = {0, 0};
          rounds += strategy instanceof TrainingStrategy.Averaging a
              ? averagingEpoch(blocks, model, epoch, stepsPerEpoch, a.everySteps(), loss)
              : syncEpoch(blocks, model, partitionSizes, epoch, stepsPerEpoch, loss);
          losses = new double[][] {loss};
        }
        boolean go = true;
        for (int i = 0; i < losses.length && go; i++) {
          go = endEpoch(model, history, epoch + i, losses[i], sizes.size());
        }
        if (!go) {
          break;
        }
        epoch += losses.length;
      }
      return new TrainingResult(model, history, rounds, (System.nanoTime() - t0) / 1e9);
    } finally {
      blocks.unpersist(false);
    }
  }

  /** The epoch's logs, validation and checkpoint; false when the loss is not finite (the run stops). */
  private boolean endEpoch(Model model, History history, int epoch, double[] loss, int partitions) {
    Map<String, Double> logs = new TreeMap<>();
    logs.put("loss", loss[0] / loss[1]);
    if (!Double.isFinite(loss[0] / loss[1])) {
      // as fit() with TerminateOnNaN: stop, and keep the last checkpoint (it holds finite weights)
      LOG.warn("Epoch {}: Invalid loss {}, terminating training (NaN or infinite values in the training data?)",
          epoch + 1, loss[0] / loss[1]);
      history.onEpochEnd(epoch, logs);
      return false;
    }
    if (valX != null) {
      model.evaluate(valX, valY).forEach((k, v) -> logs.put("val_" + k, v));
    }
    history.onEpochEnd(epoch, logs);
    if (checkpointDir != null) {
      Checkpoint.write(checkpointDir, model, history, epoch + 1, fingerprint(partitions));
    }
    return true;
  }

  /** What a resumed run must share with the checkpointed one; the partitions set the global batch. */
  private String fingerprint(int partitions) {
    // the barrier's peer timeout does not change what is trained
    String name = strategy instanceof TrainingStrategy.SyncBarrier ? "SyncBarrier" : strategy.toString();
    return "strategy=" + name + ", batchSize=" + plan.batchSize() + ", partitions=" + partitions + ", seed="
        + plan.seed() + ", shuffle=" + plan.shuffle();
  }

  /** Restores a checkpoint into the driver's model; returns the first epoch to train. */
  private int resume(Model model, History history, int partitions) {
    if (checkpointDir == null) {
      return 0;
    }
    Checkpoint c = Checkpoint.read(checkpointDir, model, fingerprint(partitions));
    if (c == null) {
      return 0;
    }
    int first = c.restoreInto(model);
    for (int i = 0; i < c.epochs().size(); i++) {
      Map<String, Double> logs = new TreeMap<>();
      for (Map.Entry<String, List<Double>> e : c.history().entrySet()) {
        logs.put(e.getKey(), e.getValue().get(i));
      }
      history.onEpochEnd(c.epochs().get(i), logs);
    }
    return first;
  }

  private int syncEpoch(JavaRDD<Block> blocks, Model model, int[] sizes, int epoch, int stepsPerEpoch,
      double[] loss) {
    boolean hasNonTrainable = !model.nonTrainableWeights().isEmpty();
    for (int step = 0; step < stepsPerEpoch; step++) {
      StepShape shape = StepShape.of(sizes, plan.batchSize(), step);
      RoundInput in = new RoundInput((long) epoch * stepsPerEpoch + step, Flat.pack(model.weights()), null, epoch,
          step, 1, shape.rows(), shape.active());
      List<PartitionResult> results = run(blocks, in, false);
      SyncUpdate.combine(results, hasNonTrainable).applyTo(model);
      for (PartitionResult r : results) {
        loss[0] += r.lossSum();
      }
      loss[1] += shape.rows();
    }
    return stepsPerEpoch;
  }

  /**
   * One barrier stage for {@code span} epochs from {@code first}: one long-lived task per partition, gradients
   * all-reduced between the tasks every step; the driver gets rank 0's weights and optimizer state at the end and
   * returns each epoch's {loss x rows, rows} (fewer epochs when one's loss was not finite: the tasks stop there).
   * The barrier tasks form a shuffle-map stage (the {@code repartition(1)} after them): Spark retries a failed
   * barrier stage only then; it aborts a failed barrier result stage.
   */
  private double[][] barrierEpochs(JavaRDD<Block> blocks, Model model, int[] sizes, int first, int span,
      int stepsPerEpoch, TrainingStrategy.SyncBarrier s) {
    BarrierInput in = new BarrierInput(first, span, stepsPerEpoch, sizes, Flat.pack(model.weights()),
        OptState.of(model.optimizer(), model.trainableVariables()), s.timeoutMillis());
    Broadcast<BarrierInput> bc = sc.broadcast(in);
    scala.reflect.ClassTag<BarrierResult> tag = scala.reflect.ClassTag$.MODULE$.apply(BarrierResult.class);
    try {
      List<BarrierResult> out;
      try {
        out = ExecutorErrors.translate(() -> JavaRDD.fromRDD(
            blocks.rdd().barrier().mapPartitions(new BarrierTask(plan, bc), false, tag), tag).repartition(1).collect(),
            plan);
      } catch (Exception e) { // SparkException is checked: javac does not know that collect() throws it
        String slots = ExecutorErrors.describeBarrierSlots(e, sizes.length);
        if (slots != null) {
          throw new IllegalStateException(slots, e);
        }
        throw e;
      }
      if (out.size() != 1) {
        throw new IllegalStateException("synchronousBarrier: expected rank 0's result only, got " + out.size());
      }
      BarrierResult r = out.get(0);
      Flat.unpack(r.weights(), model.weights());
      r.opt().restoreInto(model.optimizer(), model.trainableVariables());
      double[][] losses = new double[r.lossSums().length][];
      for (int e = 0; e < losses.length; e++) {
        losses[e] = new double[] {r.lossSums()[e], r.rows()[e]};
      }
      return losses;
    } finally {
      bc.destroy();
    }
  }

  private int averagingEpoch(JavaRDD<Block> blocks, Model model, int epoch, int stepsPerEpoch, int k, double[] loss) {
    int roundsPerEpoch = (stepsPerEpoch + k - 1) / k;
    for (int r = 0; r < roundsPerEpoch; r++) {
      int firstStep = r * k;
      RoundInput in = new RoundInput((long) epoch * roundsPerEpoch + r, Flat.pack(model.weights()),
          OptState.of(model.optimizer(), model.trainableVariables()), epoch, firstStep,
          Math.min(k, stepsPerEpoch - firstStep), 0, 0);
      List<PartitionResult> results = run(blocks, in, true);
      Flat.unpack(Combine.weightedMean(results, PartitionResult::values), model.weights());
      Combine.meanState(results).restoreInto(model.optimizer(), model.trainableVariables());
      for (PartitionResult p : results) {
        loss[0] += p.lossSum();
      }
      loss[1] += Combine.rows(results);
    }
    return roundsPerEpoch;
  }

  /** One Spark job: the round's broadcast, one task per partition, results in partition order. */
  private List<PartitionResult> run(JavaRDD<Block> blocks, RoundInput in, boolean averaging) {
    Broadcast<RoundInput> bc = sc.broadcast(in);
    Plan p = plan;
    try {
      return ExecutorErrors.translate(() -> blocks.mapPartitionsWithIndex((Integer i, Iterator<Block> it) -> {
        Block b = only(it, i);
        PartitionResult r = averaging ? Worker.localSteps(p, bc.value(), i, b) : Worker.gradients(p, bc.value(), i, b);
        return List.of(r).iterator();
      }, true).collect(), plan);
    } finally {
      bc.destroy();
    }
  }

  /**
   * The partition's one cached block. The iterator is read to its end: Spark releases the cached block's read
   * lock only then ("block locks were not released by task" otherwise, once per task).
   */
  private static Block only(Iterator<Block> it, int partition) {
    Block b = it.next();
    if (it.hasNext()) {
      throw new IllegalStateException("partition " + partition + " holds more than one block");
    }
    return b;
  }

  /** Options of a {@link SparkTrainer}. */
  public static final class Builder {
    private final JavaSparkContext sc;
    private ModelFactory factory;
    private TrainingStrategy strategy = TrainingStrategy.averaging(4);
    private int batchSize = 32;
    private long[] featureShape;
    private boolean shuffle = true;
    private long seed = 0;
    private TaskHook hook;
    private Path checkpointDir;
    private Tensor valX;
    private Tensor valY;

    private Builder(JavaSparkContext sc) {
      if (sc == null) {
        throw new IllegalArgumentException("SparkTrainer.builder: sparkContext is null");
      }
      this.sc = sc;
    }

    /** Builds the compiled model on the driver and in every task (required). */
    public Builder modelFactory(ModelFactory factory) {
      this.factory = factory;
      return this;
    }

    /**
     * {@link TrainingStrategy#averaging} (default, k = 4), {@link TrainingStrategy#syncGradients} or
     * {@link TrainingStrategy#synchronousBarrier}.
     */
    public Builder strategy(TrainingStrategy strategy) {
      this.strategy = strategy;
      return this;
    }

    /** Samples per partition per step (default 32); the global batch is this times the partitions. */
    public Builder batchSize(int batchSize) {
      this.batchSize = batchSize;
      return this;
    }

    /** Shape of one sample's features without the batch axis; default: flat. */
    public Builder featureShape(long... featureShape) {
      this.featureShape = featureShape.clone();
      return this;
    }

    /** Whether each partition reshuffles its rows every epoch (default true, seeded). */
    public Builder shuffle(boolean shuffle) {
      this.shuffle = shuffle;
      return this;
    }

    /** Seeds model construction and shuffling (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Called at the start of every task (tests inject failures with it). */
    public Builder taskHook(TaskHook hook) {
      this.hook = hook;
      return this;
    }

    /** Writes a checkpoint after every epoch here and resumes from it when one exists. */
    public Builder checkpointDir(Path dir) {
      this.checkpointDir = dir;
      return this;
    }

    /** Evaluated on the driver after every epoch ("val_" keys in the history). */
    public Builder validationData(Tensor x, Tensor y) {
      this.valX = x;
      this.valY = y;
      return this;
    }

    /** The trainer; checks the options. */
    public SparkTrainer build() {
      if (factory == null) {
        throw new IllegalArgumentException("SparkTrainer: modelFactory is required");
      }
      if (strategy == null) {
        throw new IllegalArgumentException("SparkTrainer: strategy is null");
      }
      if (batchSize <= 0) {
        throw new IllegalArgumentException("SparkTrainer: batchSize must be > 0, got " + batchSize);
      }
      if (featureShape != null) {
        for (long d : featureShape) {
          if (d <= 0) {
            throw new IllegalArgumentException("SparkTrainer: featureShape must have positive sizes, got "
                + java.util.Arrays.toString(featureShape));
          }
        }
      }
      if ((valX == null) != (valY == null)) {
        throw new IllegalArgumentException("SparkTrainer: validationData needs both x and y, got x=" + valX
            + ", y=" + valY);
      }
      return new SparkTrainer(this);
    }
  }
}

package dev.tapekit.spark.samples;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import dev.tapekit.spark.ModelFactory;
import dev.tapekit.spark.Sample;
import dev.tapekit.spark.SparkTrainer;
import dev.tapekit.spark.TrainingResult;
import dev.tapekit.spark.TrainingStrategy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The per-step overhead of synchronous training on Spark for the bench's W2 MLP (784-32-10, Adam 1e-3, 32 rows per
 * partition and step): time per step of {@code synchronousBarrier()} and {@code syncGradients()} against one
 * process training on the same global batches ({@code trainOnBatch}, batch 32 x partitions), and how far the
 * barrier run's weights are from the one process's.
 *
 * <p>Arguments: {@code [master|-] [partitions=2] [rowsPerPartition=1024] [epochs=3] [syncSteps=20] [output.tapekit]}
 * (epochs at least 2);
 * {@code -} takes the master from spark-submit ({@code spark.master}), else {@code local[2]}. Each timed run follows
 * an untimed warm-up run of the same kind. A barrier fit's time includes everything: packing the blocks, one stage
 * per epoch, the tasks' start, the all-reduce of every step; the "epochs 2-N" line leaves out these fixed costs (the
 * difference between an N-epoch and a 1-epoch fit, each one barrier stage, over the extra steps).
 */
public final class SparkBarrierOverhead {
  /** Seeds model construction (the data are generated with their own seed). */
  public static final long SEED = 3;
  /** Rows per partition and step. */
  public static final int BATCH = 32;

  /** The model factory; a lambda of this class, so executors load it from the application jar. */
  public static final ModelFactory MODEL = SparkBarrierOverhead::model;

  private SparkBarrierOverhead() {}

  /** W2: Input(784), Dense(32, relu), Dense(10), Adam 1e-3, sparse cross-entropy from logits. */
  public static Model model() {
    Sequential m = new Sequential(new Input(784), new Dense(32, "relu"), new Dense(10));
    m.compile(Adam.builder().learningRate(1e-3).build(), SparseCategoricalCrossentropy.builder().fromLogits(true)
        .build(), List.of());
    return m;
  }

  /** {@code n} random 784-value rows in [0, 1) with random labels 0-9. */
  public static List<Sample> data(int n) {
    Random r = new Random(42);
    List<Sample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] x = new float[784];
      for (int j = 0; j < x.length; j++) {
        x[j] = r.nextFloat();
      }
      out.add(Sample.of(x, r.nextInt(10)));
    }
    return out;
  }

  private static SparkTrainer trainer(JavaSparkContext sc, TrainingStrategy s) {
    return SparkTrainer.builder(sc).modelFactory(MODEL).strategy(s).batchSize(BATCH).shuffle(false).seed(SEED)
        .build();
  }

  /**
   * One process on the global batches the partitions of {@code parallelize(data, partitions)} train on without
   * shuffling (step s: rows s*32.. of each partition's contiguous slice), from the driver's initial model; returns
   * seconds per step of the last of {@code repeats} runs (the earlier ones warm up) and leaves the model in
   * {@code trained[0]}.
   */
  public static double oneProcess(JavaSparkContext sc, List<Sample> data, int partitions, int epochs, int repeats,
      Model[] trained) {
    int perPartition = data.size() / partitions;
    int steps = (perPartition + BATCH - 1) / BATCH;
    List<Tensor[]> batches = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      List<Sample> batch = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        batch.addAll(data.subList(p * perPartition + s * BATCH, Math.min(p * perPartition + (s + 1) * BATCH,
            (p + 1) * perPartition)));
      }
      batches.add(tensors(batch));
    }
    JavaRDD<Sample> rdd = sc.parallelize(data, partitions);
    double seconds = 0;
    for (int rep = 0; rep < repeats; rep++) {
      Model m = trainer(sc, TrainingStrategy.syncGradients()).fit(rdd, 0).model(); // the driver's initial model
      long t0 = System.nanoTime();
      for (int e = 0; e < epochs; e++) {
        for (Tensor[] xy : batches) {
          m.trainOnBatch(xy[0], xy[1]);
        }
      }
      seconds = (System.nanoTime() - t0) / 1e9 / ((long) epochs * steps);
      trained[0] = m;
    }
    return seconds;
  }

  private static Tensor[] tensors(List<Sample> batch) {
    float[] x = new float[batch.size() * 784];
    float[] y = new float[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      System.arraycopy(batch.get(i).features(), 0, x, i * 784, 784);
      y[i] = batch.get(i).label()[0];
    }
    return new Tensor[] {Tensor.of(x, batch.size(), 784), Tensor.of(y, batch.size())};
  }

  private static double maxDiff(Model a, Model b) {
    double d = 0;
    for (int i = 0; i < a.weights().size(); i++) {
      double[] x = a.weights().get(i).value().toDoubleArray();
      double[] y = b.weights().get(i).value().toDoubleArray();
      for (int j = 0; j < x.length; j++) {
        d = Math.max(d, Math.abs(x[j] - y[j]));
      }
    }
    return d;
  }

  public static void main(String[] args) {
    String master = args.length > 0 && !args[0].equals("-") ? args[0] : null;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int rows = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    int epochs = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int syncSteps = args.length > 4 ? Integer.parseInt(args[4]) : 20;
    Path output = args.length > 5 ? Path.of(args[5]) : null;
    if (epochs < 2) {
      throw new IllegalArgumentException("SparkBarrierOverhead: epochs must be >= 2 (the marginal cost of an epoch), "
          + "got " + epochs);
    }
    List<Sample> data = data(partitions * rows);
    int steps = (rows + BATCH - 1) / BATCH;
    try (JavaSparkContext sc = new JavaSparkContext(SampleConf.of("tapekit-spark-barrier-overhead", master))) {
      System.out.println("master " + sc.master() + ", " + partitions + " partitions x " + rows + " rows, batch "
          + BATCH + " per partition, " + steps + " steps per epoch");
      JavaRDD<Sample> rdd = sc.parallelize(data, partitions);
      Model[] single = new Model[1];
      double one = oneProcess(sc, data, partitions, epochs, 3, single);
      trainer(sc, TrainingStrategy.synchronousBarrier()).fit(rdd, 1); // warm-up
      double oneEpoch = trainer(sc, TrainingStrategy.synchronousBarrier()).fit(rdd, 1).seconds();
      TrainingResult barrier = trainer(sc, TrainingStrategy.synchronousBarrier()).fit(rdd, epochs);
      double perStep = barrier.seconds() / ((long) epochs * steps);
      // without fit's set-up (packing the partitions into blocks): the cost of each further epoch
      double marginal = (barrier.seconds() - oneEpoch) / ((long) (epochs - 1) * steps);
      JavaRDD<Sample> few = sc.parallelize(data.subList(0, partitions * Math.min(rows, syncSteps * BATCH)), partitions);
      trainer(sc, TrainingStrategy.syncGradients()).fit(few, 1); // warm-up
      TrainingResult sync = trainer(sc, TrainingStrategy.syncGradients()).fit(few, 1);
      double syncPerStep = sync.seconds() / sync.rounds();
      System.out.printf(Locale.ROOT, "one process (batch %d): %.3f ms/step%n", BATCH * partitions, one * 1e3);
      System.out.printf(Locale.ROOT, "synchronousBarrier: %.3f ms/step over %d steps (overhead %+.3f ms/step)%n",
          perStep * 1e3, (long) epochs * steps, (perStep - one) * 1e3);
      System.out.printf(Locale.ROOT, "synchronousBarrier, epochs 2-%d: %.3f ms/step (overhead %+.3f ms/step)%n",
          epochs, marginal * 1e3, (marginal - one) * 1e3);
      System.out.printf(Locale.ROOT, "syncGradients: %.3f ms/step over %d steps (overhead %+.3f ms/step)%n",
          syncPerStep * 1e3, sync.rounds(), (syncPerStep - one) * 1e3);
      System.out.printf(Locale.ROOT, "max |barrier - one process| = %.3g%n", maxDiff(barrier.model(), single[0]));
      if (output != null) {
        barrier.model().save(output);
        System.out.println("saved " + output);
      }
    }
  }
}

package dev.tapekit.spark.samples;

import dev.tapekit.core.Tensor;
import dev.tapekit.data.Dataset;
import dev.tapekit.data.Datasets;
import dev.tapekit.data.TrainTest;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import dev.tapekit.spark.Sample;
import dev.tapekit.spark.SparkTrainer;
import dev.tapekit.spark.TrainingResult;
import dev.tapekit.spark.TrainingStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The tutorial's Fashion-MNIST classifier (Flatten, Dense(128, relu), Dense(10)) trained on Spark with
 * both strategies, and the per-step overhead against one process training with the same global batch.
 *
 * <p>Arguments: {@code [master] [samples=6000] [partitions=2] [batchPerPartition=32] [k=4] [epochs=1]}. The
 * master is the first argument when it is a master URL ({@code local[2]}, {@code spark://host:7077}, ...), else
 * the one {@code spark-submit --master} set, else {@code local[2]}. Run with {@code mvn -pl toolkit-spark exec:exec}
 * or {@code spark-submit} and the application jar (see docs/distributed.md).
 */
public final class SparkClassifier {
  private SparkClassifier() {}

  static Model classifier() {
    Sequential m = new Sequential(new Input(28, 28), new Flatten(), new Dense(128, "relu"), new Dense(10));
    m.compile(Adam.builder().learningRate(1e-3).build(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        List.of("accuracy"));
    return m;
  }

  public static void main(String[] args) throws Exception {
    String master = args.length > 0 && isMaster(args[0]) ? args[0] : null;
    if (master != null) {
      args = java.util.Arrays.copyOfRange(args, 1, args.length);
    }
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 6000;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int k = args.length > 3 ? Integer.parseInt(args[3]) : 4;
    int epochs = args.length > 4 ? Integer.parseInt(args[4]) : 1;

    TrainTest data = Datasets.load("fashion_mnist");
    Dataset train = data.train().take(n);
    Dataset test = data.test().take(2000);
    Tensor x = scaled(train.x());
    Tensor testX = scaled(test.x());
    float[] xv = x.toFloatArray();
    double[] yv = train.y().toDoubleArray();
    List<Sample> samples = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] f = new float[784];
      System.arraycopy(xv, i * 784, f, 0, 784);
      samples.add(Sample.of(f, (float) yv[i]));
    }

    SparkConf conf = SampleConf.of("tapekit-spark-classifier", master);
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      JavaRDD<Sample> rdd = sc.parallelize(samples, partitions).cache();
      rdd.count();
      // Spark's own cost of one job with a small broadcast, one task per partition, nothing computed
      long e0 = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        org.apache.spark.broadcast.Broadcast<double[]> bc = sc.broadcast(new double[1000]);
        rdd.mapPartitions(it -> List.of(bc.value().length).iterator()).collect();
        bc.destroy();
      }
      System.out.printf(Locale.ROOT, "empty Spark job with a broadcast: %.1f ms%n", (System.nanoTime() - e0) / 1e6 / 20);
      int stepsPerEpoch = (n / partitions + batch - 1) / batch;
      for (TrainingStrategy s : List.of(TrainingStrategy.syncGradients(), TrainingStrategy.averaging(k))) {
        TrainingResult r = SparkTrainer.builder(sc).modelFactory(SparkClassifier::classifier).strategy(s)
            .batchSize(batch).featureShape(28, 28).validationData(testX, test.y()).build().fit(rdd, epochs);
        double perStep = r.seconds() / ((double) stepsPerEpoch * epochs);
        System.out.printf(Locale.ROOT, "%s: %d rounds in %.1f s = %.2f rounds/s, %.1f ms per step; loss %.4f, "
            + "val_accuracy %.4f%n", s, r.rounds(), r.seconds(), r.roundsPerSecond(), 1000 * perStep,
            last(r, "loss"), last(r, "val_accuracy"));
      }
    }
    // one process with the same global batch and the same number of steps
    Model single = classifier();
    int global = batch * partitions;
    long t0 = System.nanoTime();
    single.fit(x, train.y(), FitOptions.builder().epochs(epochs).batchSize(global).verbose(0).seed(0).build());
    double perStep = (System.nanoTime() - t0) / 1e9 / ((double) ((n + global - 1) / global) * epochs);
    System.out.printf(Locale.ROOT, "one process, batch %d: %.1f ms per step; val_accuracy %.4f%n", global,
        1000 * perStep, single.evaluate(testX, test.y()).get("accuracy"));
  }

  private static boolean isMaster(String arg) {
    return arg.startsWith("local") || arg.contains("://") || arg.equals("yarn");
  }

  private static double last(TrainingResult r, String key) {
    List<Double> v = r.history().get(key);
    return v.get(v.size() - 1);
  }

  private static Tensor scaled(Tensor images) {
    Tensor f = images.cast(dev.tapekit.core.DType.FLOAT32);
    return f.reshape(images.shape()[0], 28, 28).div(255.0);
  }
}

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
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The smallest {@link SparkTrainer} program, and the cluster check of docs/distributed.md ("Running on a
 * cluster"): an MLP learns which quadrant of [-1, 1]^2 a point lies in, from generated data (no files to ship),
 * with {@code averaging(4)}, prints the loss per epoch and the accuracy, and saves the model.
 *
 * <p>Arguments: {@code [output.tapekit] [partitions=2] [epochs=3]}. The master is the one {@code spark-submit
 * --master} sets; without one the program runs in local mode ({@code local[2]}):
 *
 * <pre>
 * spark-submit --master spark://host:7077 --class dev.tapekit.spark.samples.SparkQuickStart \
 *     toolkit-spark-0.1.0-SNAPSHOT-app.jar quadrants.tapekit
 * </pre>
 */
public final class SparkQuickStart {
  /** Seeds model construction and shuffling. */
  public static final long SEED = 7;

  /** The model factory; a lambda of this class, so executors load it from the application jar. */
  public static final ModelFactory MODEL = SparkQuickStart::model;

  private SparkQuickStart() {}

  /** Input(2), Dense(16, relu), Dense(4) with Adam 0.02 and sparse cross-entropy from logits. */
  public static Model model() {
    Sequential m = new Sequential(new Input(2), new Dense(16, "relu"), new Dense(4));
    m.compile(Adam.builder().learningRate(0.02).build(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        List.of("accuracy"));
    return m;
  }

  /** {@code n} points of [-1, 1]^2 labelled with their quadrant (0-3). */
  public static List<Sample> data(int n, long seed) {
    Random r = new Random(seed);
    List<Sample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float a = r.nextFloat() * 2 - 1;
      float b = r.nextFloat() * 2 - 1;
      out.add(Sample.of(new float[] {a, b}, (a > 0 ? 1 : 0) + (b > 0 ? 2 : 0)));
    }
    return out;
  }

  /** Trains on 512 generated points in {@code partitions} partitions, 16 rows per partition per step. */
  public static TrainingResult train(JavaSparkContext sc, int partitions, int epochs) {
    return SparkTrainer.builder(sc).modelFactory(MODEL).strategy(TrainingStrategy.averaging(4)).batchSize(16)
        .seed(SEED).build().fit(sc.parallelize(data(512, SEED), partitions), epochs);
  }

  public static void main(String[] args) {
    Path output = args.length > 0 ? Path.of(args[0]) : null;
    int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    TrainingResult r;
    try (JavaSparkContext sc = new JavaSparkContext(SampleConf.of("tapekit-spark-quickstart", null))) {
      System.out.println("master " + sc.master() + ", " + partitions + " partitions, " + epochs + " epochs");
      r = train(sc, partitions, epochs);
    }
    List<Double> loss = r.history().get("loss");
    for (int e = 0; e < loss.size(); e++) {
      System.out.printf(Locale.ROOT, "epoch %d: loss %.4f%n", e + 1, loss.get(e));
    }
    List<Sample> test = data(1000, SEED + 1);
    float[] x = new float[2 * test.size()];
    float[] y = new float[test.size()];
    for (int i = 0; i < test.size(); i++) {
      System.arraycopy(test.get(i).features(), 0, x, 2 * i, 2);
      y[i] = test.get(i).label()[0];
    }
    System.out.printf(Locale.ROOT, "accuracy on 1000 new points: %.4f%n",
        r.model().evaluate(Tensor.of(x, test.size(), 2), Tensor.of(y, test.size())).get("accuracy"));
    if (output != null) {
      r.model().save(output);
      System.out.println("saved " + output);
    }
  }
}

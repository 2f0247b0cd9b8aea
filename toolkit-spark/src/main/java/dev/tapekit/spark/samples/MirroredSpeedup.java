package dev.tapekit.spark.samples;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.distribute.MirroredStrategy;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.MaxPooling2D;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Measures MirroredStrategy's speed-up on the bench workloads (W1: MLP 784-256-10 batch 128, W2: MLP
 * 784-32-10 batch 32, W3: CNN conv32-pool-dense10 batch 64): steps per second of {@code Model.fit}
 * against {@code MirroredStrategy.fit} with 1..N replicas, on the same random data.
 *
 * <p>Arguments: {@code [replicas=cores] [steps=30] [repetitions=5]}. tapekit's kernel pool and BLAS threads compete
 * with the replica threads; set them with {@code -Dtapekit.threads=N} (default: every core, see
 * {@code dev.tapekit.core.backend.Backend}), about cores / replicas.
 */
public final class MirroredSpeedup {
  private MirroredSpeedup() {}

  public static void main(String[] args) {
    int replicas = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    Tensor.scalar(0); // lets tapekit configure ND4J's threads before anything else loads it
    System.out.printf(Locale.ROOT, "cores=%d, tapekit.threads=%s, OMP_NUM_THREADS=%s, ND4J maxThreads=%d%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("tapekit.threads"),
        System.getenv("OMP_NUM_THREADS"), Nd4j.getEnvironment().maxThreads());
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    for (String w : List.of("W1", "W2", "W3")) {
      int batch = w.equals("W1") ? 128 : w.equals("W2") ? 32 : 64;
      Tensor x = Ops.randomUniform(w.equals("W3") ? new long[] {(long) steps * batch, 28, 28, 1}
          : new long[] {(long) steps * batch, 784}, 0, 1, DType.FLOAT32, 1);
      Tensor y = Ops.cast(Ops.randomUniform(new long[] {(long) steps * batch}, 0, 10, DType.FLOAT32, 2), DType.INT32);
      FitOptions once = FitOptions.builder().epochs(1).batchSize(batch).shuffle(false).verbose(0).build();
      List<MirroredStrategy> strategies = new ArrayList<>();
      for (int r = 1; r <= replicas; r++) {
        strategies.add(new MirroredStrategy(r));
      }
      // interleaved repetitions, median of each: the machine's load varies over a run
      double[][] rates = new double[replicas + 1][reps];
      for (int rep = -1; rep < reps; rep++) {
        double single = time(() -> model(w).fit(x, y, once), steps);
        if (rep >= 0) {
          rates[0][rep] = single;
        }
        for (int r = 1; r <= replicas; r++) {
          MirroredStrategy s = strategies.get(r - 1);
          double m = time(() -> s.fit(model(w), x, y, 1, batch), steps);
          if (rep >= 0) {
            rates[r][rep] = m;
          }
        }
      }
      strategies.forEach(MirroredStrategy::close);
      double base = median(rates[0]);
      System.out.printf(Locale.ROOT, "%s batch %d: Model.fit %.1f steps/s", w, batch, base);
      for (int r = 1; r <= replicas; r++) {
        System.out.printf(Locale.ROOT, " | %d replicas %.1f steps/s (x%.2f)", r, median(rates[r]), median(rates[r]) / base);
      }
      System.out.println();
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double time(Runnable r, int steps) {
    long t0 = System.nanoTime();
    r.run();
    return steps / ((System.nanoTime() - t0) / 1e9);
  }

  static Sequential model(String w) {
    RandomSeeds.setRandomSeed(1);
    Sequential m = switch (w) {
      case "W1" -> new Sequential(new Input(784), new Dense(256, "relu"), new Dense(10));
      case "W2" -> new Sequential(new Input(784), new Dense(32, "relu"), new Dense(10));
      default -> new Sequential(new Input(28, 28, 1), new Conv2D(32, 3, "relu"), new MaxPooling2D(2), new Flatten(),
          new Dense(10));
    };
    m.compile(Adam.builder().learningRate(1e-3).build(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        List.of());
    return m;
  }
}

package dev.tapekit.bench;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A long fit() on data it cannot learn (random labels), printing the CPU time per step of each epoch.
 * Once the model gives up, gradients, softmax tails and Adam's moments underflow into subnormal floats;
 * without flushing them to zero every step slows down. Compare:
 *
 * <pre>
 * java -cp toolkit-bench/target/toolkit-bench.jar dev.tapekit.bench.SubnormalStudy 40
 * java -Dtapekit.flushDenormals=false -cp toolkit-bench/target/toolkit-bench.jar dev.tapekit.bench.SubnormalStudy 40
 * </pre>
 */
public final class SubnormalStudy {
  private SubnormalStudy() {}

  public static void main(String[] args) {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int n = 9600;
    Random r = new Random(3);
    float[] xs = new float[n * Workload.IN];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = r.nextFloat();
    }
    long[] ys = new long[n];
    for (int i = 0; i < n; i++) {
      ys[i] = r.nextInt(Workload.CLASSES);
    }
    Tensor x = Tensor.of(xs, n, Workload.IN);
    Tensor y = Tensor.ofLongs(ys);
    Sequential model = new Sequential(new Input(Workload.IN), new Dense(128, "relu"), new Dense(Workload.CLASSES));
    model.compile(new Adam(1e-3), new SparseCategoricalCrossentropy(true), List.of("accuracy"));
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int batch = 32;
    int steps = (n + batch - 1) / batch;
    for (int e = 1; e <= epochs; e++) {
      long c0 = mx.getCurrentThreadCpuTime();
      History h = model.fit(x, y, FitOptions.builder().epochs(1).batchSize(batch).verbose(0).build());
      System.out.printf(Locale.ROOT, "epoch %d: %.2f ms/step CPU, loss %.4f%n", e,
          (mx.getCurrentThreadCpuTime() - c0) / 1e6 / steps, h.get("loss").get(0));
    }
  }
}

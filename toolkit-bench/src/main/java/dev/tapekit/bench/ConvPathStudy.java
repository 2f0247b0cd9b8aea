package dev.tapekit.bench;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.MaxPooling2D;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Samples/s of {@code trainOnBatch} (the body of fit()'s loop) for the convolution workloads, by thread
 * CPU time and by wall time: W3 (conv32-pool-dense10, batch 64) and CNN2, the two-block model of the
 * sample {@code fashion-mnist-cnn.yaml} (conv32-pool-conv64-pool-dense128-dense10, batch 128; its dropout
 * left out so every step does the same work). The CPU figure counts the calling thread only: with the
 * kernel pool on more than one thread it overstates throughput, so compare wall figures there.
 *
 * <pre>
 * java -cp toolkit-bench/target/toolkit-bench.jar dev.tapekit.bench.ConvPathStudy W3,CNN2 [seconds]
 * </pre>
 */
public final class ConvPathStudy {
  private ConvPathStudy() {}

  public static void main(String[] args) {
    String[] names = (args.length > 0 ? args[0] : "W3,CNN2").split(",");
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    for (String name : names) {
      run(name, seconds);
    }
  }

  private static void run(String name, double seconds) {
    int batch = name.equals("CNN2") ? 128 : 64;
    Layer[] layers = name.equals("CNN2")
        ? new Layer[] {new Input(28, 28, 1), new Conv2D(32, 3, "relu"), new MaxPooling2D(2),
            new Conv2D(64, 3, "relu"), new MaxPooling2D(2), new Flatten(), new Dense(128, "relu"), new Dense(10)}
        : new Layer[] {new Input(28, 28, 1), new Conv2D(32, 3, "relu"), new MaxPooling2D(2), new Flatten(),
            new Dense(10)};
    Sequential model = new Sequential(layers);
    model.compile(new Adam(1e-3), new SparseCategoricalCrossentropy(true), List.of());
    Random r = new Random(42);
    float[] xs = new float[batch * 28 * 28];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = r.nextFloat();
    }
    long[] ys = new long[batch];
    for (int i = 0; i < batch; i++) {
      ys[i] = r.nextInt(10);
    }
    Tensor x = Tensor.of(xs, batch, 28, 28, 1);
    Tensor y = Tensor.ofLongs(ys);
    for (int i = 0; i < 40; i++) {
      model.trainOnBatch(x, y);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int repeats = 9;
    double[] cpu = new double[repeats];
    double[] wall = new double[repeats];
    long c0 = mx.getCurrentThreadCpuTime();
    int steps = 0;
    while (mx.getCurrentThreadCpuTime() - c0 < seconds * 1e9 / repeats) {
      model.trainOnBatch(x, y);
      steps++;
    }
    for (int k = 0; k < repeats; k++) {
      long t0 = System.nanoTime();
      long cc = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < steps; i++) {
        model.trainOnBatch(x, y);
      }
      cpu[k] = (double) steps * batch / ((mx.getCurrentThreadCpuTime() - cc) / 1e9);
      wall[k] = (double) steps * batch / ((System.nanoTime() - t0) / 1e9);
    }
    Arrays.sort(cpu);
    Arrays.sort(wall);
    System.out.printf(Locale.ROOT, "@study workload=%s cpu=%.1f wall=%.1f steps=%d%n", name, cpu[repeats / 2],
        wall[repeats / 2], steps);
  }
}

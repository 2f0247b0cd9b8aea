package dev.tapekit.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tapekit.core.GcStress;
import dev.tapekit.core.backend.Denormals;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The kernels tapekit splits across its kernel pool give the same bits on 1 and on 4 threads (4 so that
 * splitting happens on a 2-core machine too), and split only work large enough to pay for it.
 */
class KernelThreadsTest {
  private static final int SPLIT = 4;

  /**
   * Every parallelised kernel on inputs large enough to split (the GC-stress cases' sizes). The conv
   * kernels' blocks (ConvNhwc.blockRows) split only when one output row is larger than a block: below.
   */
  private static final Set<String> PARALLEL = Set.of("ConvNhwc.maxPool", "ConvNhwc.maxPoolGrad", "ConvNhwc.scatter", "Elementwise.addBias",
      "Elementwise.addBiasRelu", "Elementwise.biasReluGrad", "Elementwise.sumToLastAxis", "Elementwise.relu",
      "Elementwise.reluGrad", "Elementwise.binary", "SoftmaxCrossEntropy.sparse", "SoftmaxCrossEntropy.dense");

  @Test
  void everyParallelKernelGivesTheSameBitsOnOneAndFourThreads() {
    Map<String, Supplier<float[]>> cases = KernelsGcStressTest.cases();
    for (String name : PARALLEL) {
      Supplier<float[]> kernel = cases.get(name);
      float[] one = KernelPool.withThreads(1, kernel);
      long before = KernelPool.jobsRun();
      float[] four = KernelPool.withThreads(SPLIT, kernel);
      assertTrue(KernelPool.jobsRun() > before, name + " did not split its work across the pool");
      assertArrayEquals(one, four, name + ": 1 vs " + SPLIT + " threads");
    }
  }

  @Test
  void convolutionOverRowsWiderThanABlockSplitsItsIm2colAndKeepsItsBits() {
    // 1000 output pixels x (144 patch + 32 outputs) per row: one row per block, 144K patch elements
    ConvNhwc.Window wide = new ConvNhwc.Window(1, 3, 1000, 16, 3, 3, 1, 1, 1, 1, 1, 1, 3, 1000);
    INDArray x = KernelsGcStressTest.fresh(64, 1, 3, 1000, 16);
    INDArray w = KernelsGcStressTest.fresh(65, 3, 3, 16, 32);
    Supplier<float[]> conv = () -> GcStress.values(ConvNhwc.conv2d(x, w, wide));
    float[] one = KernelPool.withThreads(1, conv);
    long before = KernelPool.jobsRun();
    float[] four = KernelPool.withThreads(SPLIT, conv);
    assertTrue(KernelPool.jobsRun() > before, "im2col did not split its work across the pool");
    assertArrayEquals(one, four);
  }

  @Test
  void uneven3ThreadSplitsOfOddSizesGiveTheSameBits() {
    // sizes that are no multiple of a chunk, of a group or of the thread count
    INDArray x = KernelsGcStressTest.fresh(60, 333_333);
    INDArray y = KernelsGcStressTest.fresh(61, 333_333);
    Supplier<float[]> k = () -> concat(GcStress.values(Elementwise.binary('/', x, y, new long[] {333_333})),
        GcStress.values(Elementwise.sumToLastAxis(x.reshape(333_333 / 7, 7), new long[] {7})));
    assertArrayEquals(KernelPool.withThreads(1, k), KernelPool.withThreads(3, k));
  }

  @Test
  void smallWorkRunsInlineOnTheCallingThread() {
    INDArray x = KernelsGcStressTest.fresh(62, 128, 256); // a W1 activation: 32K elements
    INDArray b = KernelsGcStressTest.fresh(63, 256);
    long before = KernelPool.jobsRun();
    KernelPool.withThreads(SPLIT, () -> {
      Elementwise.addBiasRelu(x, b);
      Elementwise.relu(x);
      Elementwise.biasReluGrad(x, x, new long[] {256});
      return Elementwise.binary('*', x, x, new long[] {128, 256});
    });
    assertEquals(before, KernelPool.jobsRun(), "W1-sized kernels handed work to the pool");
  }

  @Test
  void largeWorkRunsOnPoolThreadsTooAndOnlyOnThem() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    String caller = Thread.currentThread().getName();
    KernelPool.withThreads(SPLIT, () -> {
      // until both kinds took a range: two free workers may take every range of one call
      for (int i = 0; i < 50 && !(threads.contains(caller)
          && threads.stream().anyMatch(t -> t.startsWith("tapekit-kernel-"))); i++) {
        KernelPool.parallelFor(SPLIT * 1000, 1000, (from, to) -> {
          threads.add(Thread.currentThread().getName());
          busy();
        });
      }
      return null;
    });
    assertTrue(threads.contains(Thread.currentThread().getName()), threads.toString());
    assertTrue(threads.stream().anyMatch(t -> t.startsWith("tapekit-kernel-")), threads.toString());
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("tapekit-kernel-")) {
        assertTrue(t.isDaemon(), t.getName() + " is not a daemon thread");
      }
    }
  }

  @Test
  void aFailingRangeFailsTheCallAfterEveryRangeFinished() {
    int[] finished = new int[1];
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> KernelPool.withThreads(SPLIT, () -> {
      KernelPool.parallelFor(SPLIT, 1, (from, to) -> {
        if (from == 1) {
          throw new IllegalStateException("range 1 failed");
        }
        busy();
        synchronized (finished) {
          finished[0]++;
        }
      });
      return null;
    }));
    assertEquals("range 1 failed", e.getMessage());
    assertEquals(SPLIT - 1, finished[0]);
  }

  @Test
  void poolThreadsFlushSubnormalsExactlyWhenTheCallerDoes() {
    assumeTrue(Denormals.enabled(), "no flush-to-zero on this platform");
    int n = 1 << 18;
    INDArray tiny = Nd4j.valueArrayOf(new long[] {n}, 1e-30f, DataType.FLOAT);
    INDArray small = Nd4j.valueArrayOf(new long[] {n}, 1e-10f, DataType.FLOAT); // product 1e-40: subnormal
    Supplier<float[]> product = () -> GcStress.values(Elementwise.binary('*', tiny, small, new long[] {n}));
    float[] flushed;
    try (Denormals.Scope s = Denormals.flush()) {
      flushed = KernelPool.withThreads(SPLIT, product);
    }
    float[] kept = KernelPool.withThreads(SPLIT, product);
    for (int i = 0; i < n; i++) {
      assertEquals(0f, flushed[i], "element " + i + " was not flushed to zero");
      assertEquals(1e-30f * 1e-10f, kept[i], "element " + i + " lost its subnormal value");
    }
    assertTrue(kept[0] != 0f && Math.abs(kept[0]) < Float.MIN_NORMAL);
  }

  @Test
  void parallelPathsAreStableUnderGcStress() {
    Map<String, Supplier<float[]>> cases = KernelsGcStressTest.cases();
    for (String name : PARALLEL) {
      Supplier<float[]> kernel = cases.get(name);
      GcStress.assertStable(name + " on " + SPLIT + " threads", () -> KernelPool.withThreads(SPLIT, kernel), 4);
    }
  }

  private static volatile double sink;

  /** About a millisecond of arithmetic, so that other ranges get taken by other threads meanwhile. */
  private static void busy() {
    double x = 0;
    for (int i = 0; i < 1_000_000; i++) {
      x += Math.sqrt(i);
    }
    sink = x;
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}

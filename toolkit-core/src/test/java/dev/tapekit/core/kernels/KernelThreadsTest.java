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

  /** Every parallelised kernel on inputs large enough to split (the GC-stress cases' sizes). */
  private static final Set<String> PARALLEL = Set.of("ConvNhwc.conv2d", "ConvNhwc.backpropFilter",
      "ConvNhwc.backpropInput", "ConvReluPool.forward", "ConvReluPool.backward", "ConvNhwc.maxPool",
      "ConvNhwc.maxPoolGrad", "ConvNhwc.scatter", "Elementwise.addBias",
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

  /** The MNIST CNN's two blocks at batch 16: blocks of whole images (two, then one per block). */
  private static final ConvNhwc.Window FIRST = new ConvNhwc.Window(16, 28, 28, 1, 3, 3, 1, 1, 1, 1, 0, 0, 26, 26);
  private static final ConvNhwc.Window FIRST_POOL = new ConvNhwc.Window(16, 26, 26, 32, 2, 2, 2, 2, 1, 1, 0, 0, 13, 13);
  private static final ConvNhwc.Window SECOND = new ConvNhwc.Window(16, 13, 13, 32, 3, 3, 1, 1, 1, 1, 0, 0, 11, 11);
  private static final ConvNhwc.Window SECOND_POOL = new ConvNhwc.Window(16, 11, 11, 64, 2, 2, 2, 2, 1, 1, 0, 0, 5, 5);

  /** Every conv kernel on one block geometry: values, both backprops, the fused block and its gradients. */
  private static float[] convKernels(ConvNhwc.Window g, ConvNhwc.Window pool, int c, int o, long seed) {
    INDArray x = KernelsGcStressTest.fresh(seed, g.n(), g.h(), g.w(), c);
    INDArray w = KernelsGcStressTest.fresh(seed + 1, 3, 3, c, o);
    INDArray b = KernelsGcStressTest.fresh(seed + 2, o);
    INDArray up = KernelsGcStressTest.fresh(seed + 3, g.n(), g.outH(), g.outW(), o);
    INDArray pooledUp = KernelsGcStressTest.fresh(seed + 4, g.n(), pool.outH(), pool.outW(), o);
    int[] argMax = new int[(int) pooledUp.length()];
    float[] v = GcStress.values(ConvNhwc.conv2d(x, w, g));
    v = concat(v, GcStress.values(ConvNhwc.backpropFilter(x, up, g, new long[] {3, 3, c, o})));
    v = concat(v, GcStress.values(ConvNhwc.backpropInput(w, up, g)));
    v = concat(v, GcStress.values(ConvReluPool.forward(x, w, b, g, pool, argMax)));
    INDArray[] grads = ConvReluPool.backward(x, w, argMax, pooledUp, g, pool, true);
    for (INDArray grad : grads) {
      v = concat(v, GcStress.values(grad));
    }
    return v;
  }

  @Test
  void convBlocksRunOnThePoolWithBlasOnOneThreadAndKeepTheirBits() {
    assumeTrue(BlasThreads.adjustable(), "BLAS's thread count cannot be set here");
    Supplier<float[]> both = () -> concat(convKernels(FIRST, FIRST_POOL, 1, 32, 70), convKernels(SECOND, SECOND_POOL, 32, 64, 80));
    float[] one = BlasThreads.withConfigured(1, () -> KernelPool.withThreads(1, both));
    long before = KernelPool.jobsRun();
    // BLAS set up for 2 threads: a block's product (1352x9 x 9x32, 121x288 x 288x64) would split, and
    // its bits change, unless the blocks hold BLAS at one thread
    float[] four = BlasThreads.withConfigured(2, () -> KernelPool.withThreads(SPLIT, both));
    assertTrue(KernelPool.jobsRun() > before, "the conv blocks did not run on the pool");
    assertArrayEquals(one, four);
  }

  @Test
  void largeProductsWaitForSingleThreadedSectionsAndRunWithTheConfiguredCount() throws Exception {
    assumeTrue(BlasThreads.adjustable(), "BLAS's thread count cannot be set here");
    BlasThreads.withConfigured(2, () -> {
      int[] seen = new int[2];
      BlasThreads.single(() -> seen[0] = BlasThreads.libraryThreads());
      assertEquals(1, seen[0], "inside a single-threaded section");
      assertEquals(2, BlasThreads.libraryThreads(), "after it");
      java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      Thread conv = new Thread(() -> BlasThreads.single(() -> {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return null;
      }));
      java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
      Thread dense = new Thread(() -> {
        boolean held = BlasThreads.enterProduct(512, 512, 512);
        try {
          seen[1] = BlasThreads.libraryThreads();
          ran.set(true);
        } finally {
          BlasThreads.release(held);
        }
      });
      try {
        conv.start();
        entered.await();
        dense.start();
        Thread.sleep(200);
        assertTrue(!ran.get(), "a large product ran while a single-threaded section held BLAS");
        release.countDown();
        conv.join();
        dense.join();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      assertTrue(ran.get());
      assertEquals(2, seen[1], "the large product's thread count");
      return null;
    });
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

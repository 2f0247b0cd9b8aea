package dev.tapekit.optimizers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.GcStress;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.core.kernels.KernelPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The optimizers' native-memory code under {@link GcStress}: Adam's float32 loop (JavaKernels.adam) on
 * fresh gradients nobody else holds, and the slots' heap copies written back for state(); the weights
 * and moments must have the bits of a quiet run.
 */
class OptimizerKernelsGcStressTest {
  private static Tensor fresh(long seed, int n) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Tensor.of(v);
  }

  private static float[] adamSteps() {
    int n = 200_000;
    Variable w = new Variable(fresh(1, n));
    Adam adam = new Adam();
    for (int step = 0; step < 4; step++) {
      adam.applyGradients(List.of(fresh(10 + step, n)), List.of(w));
    }
    List<float[]> parts = new ArrayList<>();
    parts.add(w.peek().toFloatArray());
    for (Map<String, Tensor> slots : adam.state().slots().values()) {
      for (Tensor t : slots.values()) {
        parts.add(t.toFloatArray());
      }
    }
    int size = parts.stream().mapToInt(p -> p.length).sum();
    float[] out = new float[size];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  @Test
  void adamsLoopAndSlotCopiesGiveTheSameBitsUnderGcStress() {
    GcStress.assertStable("Adam", OptimizerKernelsGcStressTest::adamSteps, 6);
  }

  @Test
  void adamsLoopSplitAcrossFourThreadsIsStableUnderGcStress() {
    GcStress.assertStable("Adam on 4 threads", () -> KernelPool.withThreads(4, OptimizerKernelsGcStressTest::adamSteps), 4);
  }

  @Test
  void adamsLoopGivesTheSameBitsOnOneAndFourThreads() {
    float[] one = KernelPool.withThreads(1, OptimizerKernelsGcStressTest::adamSteps);
    long before = KernelPool.jobsRun();
    float[] four = KernelPool.withThreads(4, OptimizerKernelsGcStressTest::adamSteps);
    assertTrue(KernelPool.jobsRun() >= before + 4, "Adam's 200K-element updates were not split");
    assertArrayEquals(one, four);
  }
}

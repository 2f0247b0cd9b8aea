package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.kernels.FastKernels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * fit()'s step (Conv2D, MaxPooling2D, Dense, Adam, sparse cross-entropy) gives the same weights with
 * tapekit's kernels off, i.e. on ND4J's own ops as a non-CPU backend runs it (docs/gpu.md).
 */
class FastKernelsFitTest {
  @Test
  void trainingWithKernelsOffMatchesTrainingWithThem() {
    assertTrue(FastKernels.enabled(), "the test JVM runs ND4J's CPU backend");
    List<float[]> on = SmallCnnTraining.train();
    List<float[]> off;
    try (FastKernels.Restore r = FastKernels.disable()) {
      off = SmallCnnTraining.train();
    }
    SmallCnnTraining.assertClose(on, off, 1e-4);
  }
}

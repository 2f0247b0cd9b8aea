package dev.tapekit.optimizers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.core.backend.Denormals;
import java.util.List;
import org.junit.jupiter.api.Test;

class SubnormalsTest {
  /**
   * Adam's velocity (1 - beta2) g^2 for g = 1e-20 is 1e-43, a float32 subnormal: the update flushes it
   * to zero as TensorFlow does (and as the 5x cheaper arithmetic needs), for small and large arrays.
   */
  @Test
  void adamFlushesSubnormalMomentsToZero() {
    for (int n : new int[] {3, 50_000}) {
      float[] g = new float[n];
      java.util.Arrays.fill(g, 1e-20f);
      Variable w = new Variable(Tensor.of(new float[n]), "w", true);
      Adam adam = new Adam(1e-3);
      adam.applyGradients(List.of(Tensor.of(g)), List.of(w));
      float v = adam.state().slots().get(w).get("velocity").toFloatArray()[n - 1];
      float m = adam.state().slots().get(w).get("momentum").toFloatArray()[n - 1];
      assertEquals(Denormals.enabled() ? 0f : 1e-43f, v, Denormals.enabled() ? 0f : 1e-45f, "n=" + n);
      assertEquals(1e-21f, m, 1e-27f, "momentum stays a normal number");
    }
  }
}

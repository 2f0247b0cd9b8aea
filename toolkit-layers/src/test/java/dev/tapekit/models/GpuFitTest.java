package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tapekit.core.Tensor;
import dev.tapekit.core.kernels.FastKernels;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs only where ND4J loaded a non-CPU backend (build with {@code -Pcuda} on a machine with an NVIDIA
 * GPU and CUDA 11.6): a small fit on the device, compared with the same fit on ND4J's CPU backend in a
 * second JVM ({@code BACKEND_PRIORITY_CPU} makes ND4J prefer its CPU backend there).
 */
class GpuFitTest {
  @Test
  void fitOnTheGpuMatchesFitOnTheCpu() throws Exception {
    Tensor.zeros(1); // loads ND4J through tapekit's Backend
    assumeFalse(Nd4j.getEnvironment().isCPU(), "ND4J runs on its CPU backend here: no GPU to test");
    assertFalse(FastKernels.enabled(), "tapekit's kernels must be off on " + Nd4j.getBackend());
    List<float[]> gpu = SmallCnnTraining.train();
    SmallCnnTraining.assertClose(cpuReference(), gpu, 1e-4);
  }

  /** The same training in a child JVM on ND4J's CPU backend. */
  private static List<float[]> cpuReference() throws Exception {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), SmallCnnTraining.class.getName()).redirectErrorStream(true);
    pb.environment().put("BACKEND_PRIORITY_CPU", "1000"); // above the CUDA backend's 100
    Process p = pb.start();
    List<float[]> weights = new ArrayList<>();
    StringBuilder log = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("@weight")) {
          String[] v = line.substring("@weight".length()).trim().split(" ");
          float[] w = new float[v.length];
          for (int i = 0; i < v.length; i++) {
            w[i] = Float.parseFloat(v[i]);
          }
          weights.add(w);
        } else {
          log.append(line).append('\n');
        }
      }
    }
    assertEquals(0, p.waitFor(), "CPU reference JVM failed:\n" + log);
    assertFalse(weights.isEmpty(), "CPU reference printed no weights:\n" + log);
    return weights;
  }
}

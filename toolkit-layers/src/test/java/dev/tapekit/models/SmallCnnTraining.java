package dev.tapekit.models;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.MaxPooling2D;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.optimizers.Adam;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A small CNN trained for a few Adam steps from fixed weights on a fixed batch: the training whose
 * results must not depend on which kernels ran (tapekit's, ND4J's CPU ops, ND4J's CUDA ops). Its
 * {@link #main} prints the final weights, so another JVM (another ND4J backend) can be compared.
 */
final class SmallCnnTraining {
  static final int STEPS = 5;

  private SmallCnnTraining() {}

  /** The weights after {@link #STEPS} steps of {@code trainOnBatch}, in layer order. */
  static List<float[]> train() {
    Sequential model = new Sequential(new Input(10, 10, 2), new Conv2D(4, 3, "relu"), new MaxPooling2D(2),
        new Flatten(), new Dense(8, "relu"), new Dense(3));
    model.compile(new Adam(1e-2), new SparseCategoricalCrossentropy(true), List.of());
    List<Tensor> start = model.getWeights().stream()
        .map(w -> Tensor.randomUniform(w.shape(), -0.3, 0.3, w.size())).collect(Collectors.toList());
    model.setWeights(start);
    Tensor x = Tensor.randomUniform(new long[] {6, 10, 10, 2}, 0, 1, 11);
    Tensor y = Tensor.ofLongs(new long[] {0, 1, 2, 2, 1, 0});
    for (int i = 0; i < STEPS; i++) {
      model.trainOnBatch(x, y);
    }
    return model.getWeights().stream().map(Tensor::toFloatArray).collect(Collectors.toList());
  }

  /** One line per weight: its values as Java float literals. */
  public static void main(String[] args) {
    for (float[] w : train()) {
      StringBuilder line = new StringBuilder("@weight");
      for (float v : w) {
        line.append(' ').append(v);
      }
      System.out.println(line);
    }
  }

  static void assertClose(List<float[]> expected, List<float[]> actual, double tolerance) {
    org.junit.jupiter.api.Assertions.assertEquals(expected.size(), actual.size(), "number of weights");
    for (int i = 0; i < expected.size(); i++) {
      float[] e = expected.get(i);
      float[] a = actual.get(i);
      org.junit.jupiter.api.Assertions.assertEquals(e.length, a.length, "weight " + i + ": size");
      double scale = 1e-30;
      for (float v : e) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int j = 0; j < e.length; j++) {
        org.junit.jupiter.api.Assertions.assertTrue(Math.abs(e[j] - a[j]) <= tolerance * scale,
            "weight " + i + "[" + j + "]: expected " + e[j] + ", got " + a[j] + " (scale " + scale + ")");
      }
    }
  }
}

package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import dev.tapekit.models.Sequential;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** The activation layers against Keras's formulas element by element, their configs, and their errors. */
class ActivationLayersTest {
  private static final double[] X = {-3, -1.5, -0.5, -0.01, 0, 0.01, 0.3, 0.5, 1, 2.5, 6, 7};

  private static void assertElementwise(Layer layer, DoubleUnaryOperator keras) {
    float[] out = layer.apply(Tensor.of(X, 2, 6)).toFloatArray();
    for (int i = 0; i < X.length; i++) {
      assertEquals(keras.applyAsDouble(X[i]), out[i], 1e-6, layer.className() + " at x=" + X[i]);
    }
  }

  private static Layer roundTrip(Layer layer) {
    Layer back = Layers.deserialize(Layers.serialize(layer));
    assertEquals(layer.getConfig(), back.getConfig());
    return back;
  }

  @Test
  void reluWithMaxValueThresholdAndNegativeSlope() {
    assertElementwise(new ReLU(), x -> Math.max(x, 0));
    // keras.activations.relu: x kept above threshold, clipped at max_value, slope * (x - threshold) below
    Layer r = roundTrip(ReLU.builder().maxValue(2).threshold(0.5).negativeSlope(0.1).build());
    assertElementwise(r, x -> (x > 0.5 ? Math.min(x, 2) : 0) - 0.1 * Math.max(0.5 - x, 0));
    assertElementwise(ReLU.builder().maxValue(6).build(), x -> Math.min(Math.max(x, 0), 6));
    Map<String, Object> c = r.getConfig();
    assertEquals(2.0, c.get("max_value"));
    assertEquals(0.5, c.get("threshold"));
    assertEquals(0.1, c.get("negative_slope"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> ReLU.builder().maxValue(-1).build()).getMessage()
        .contains("max_value=-1.0"));
  }

  @Test
  void leakyReluReadsKeras3AndKeras2Names() {
    assertElementwise(new LeakyReLU(), x -> x > 0 ? x : 0.3 * x);
    Layer k2 = Layers.deserialize(Map.of("class_name", "LeakyReLU", "config", Map.of("name", "l", "alpha", 0.1)));
    assertElementwise(k2, x -> x > 0 ? x : 0.1 * x);
    assertEquals(0.1, k2.getConfig().get("negative_slope"));
    roundTrip(k2);
  }

  @Test
  void eluAndSoftmax() {
    assertElementwise(roundTrip(ELU.builder().alpha(0.7).build()), x -> x > 0 ? x : 0.7 * Math.expm1(x));
    Tensor x = Tensor.of(X, 2, 6);
    float[] rows = new Softmax().apply(x).toFloatArray();
    float[] cols = roundTrip(new Softmax(0)).apply(x).toFloatArray();
    for (int i = 0; i < 2; i++) {
      double sum = 0;
      for (int j = 0; j < 6; j++) {
        sum += Math.exp(X[i * 6 + j]);
      }
      for (int j = 0; j < 6; j++) {
        assertEquals(Math.exp(X[i * 6 + j]) / sum, rows[i * 6 + j], 1e-6);
      }
    }
    for (int j = 0; j < 6; j++) {
      double sum = Math.exp(X[j]) + Math.exp(X[6 + j]);
      assertEquals(Math.exp(X[j]) / sum, cols[j], 1e-6);
    }
    assertThrows(IllegalArgumentException.class, () -> Layers.deserialize(Map.of("class_name", "Softmax", "config",
        Map.of("axis", List.of(1, 2)))));
  }

  @Test
  void preluLearnsOneAlphaPerSharedAxisGroup() {
    PReLU p = (PReLU) roundTrip(PReLU.builder().sharedAxes(1).build());
    Sequential m = new Sequential(new Input(3, 2), p);
    assertEquals(2, m.countParams());
    assertArrayEquals(new long[] {1, 2}, p.weights().get(0).shape());
    p.setWeights(List.of(Tensor.of(new float[] {0.25f, 2f}, 1, 2)));
    float[] out = m.predict(Tensor.of(X, 2, 3, 2)).toFloatArray();
    for (int i = 0; i < X.length; i++) {
      double alpha = i % 2 == 0 ? 0.25 : 2;
      assertEquals(X[i] > 0 ? X[i] : alpha * X[i], out[i], 1e-6, "x=" + X[i]);
    }
  }

  @Test
  void hardSigmoidOfKeras2DiffersFromKeras3() {
    Layer k2 = new Activation(Activations.HARD_SIGMOID_KERAS2);
    Layer k3 = new Activation("hard_sigmoid");
    assertElementwise(k2, x -> Math.min(Math.max(0.2 * x + 0.5, 0), 1));
    assertElementwise(k3, x -> Math.min(Math.max(x + 3, 0), 6) / 6);
  }
}

package dev.tapekit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metrics of losses, by the names keras.metrics.get resolves (class names, their snake_case and the
 * short aliases); values from the docstrings of keras/src/metrics/probabilistic_metrics.py,
 * hinge_metrics.py and regression_metrics.py.
 */
class LossMetricsTest {
  private static final Tensor T = Tensor.of(new double[][] {{0, 1}, {0, 0}});
  private static final Tensor P = Tensor.of(new double[][] {{0.6, 0.4}, {0.4, 0.6}});
  private static final Tensor P01 = Tensor.of(new double[][] {{1, 1}, {0, 0}});
  private static final Tensor W = Tensor.of(new double[] {1, 0});

  private static double once(String name, Tensor t, Tensor p, Tensor w) {
    Metric m = Metrics.get(name);
    m.updateState(t, p, w);
    return m.result();
  }

  @Test
  void lossNamesGiveTheirMetricsWithKerasValues() {
    assertEquals(0.81492424, once("binary_crossentropy", T, P, null), 1e-5);
    assertEquals(0.9162905, once("binary_crossentropy", T, P, W), 1e-5);
    assertEquals(0.45814306, once("kl_divergence", T, P, null), 1e-5);
    assertEquals(0.9162892, once("KLDivergence", T, P, W), 1e-5);
    assertEquals(0.49999997, once("poisson", T, P01, null), 1e-6);
    assertEquals(0.99999994, once("poisson", T, P01, W), 1e-6);
    assertEquals(1.3, once("hinge", T, P, null), 1e-6);
    assertEquals(1.1, once("hinge", T, P, W), 1e-6);
    assertEquals(1.86, once("squared_hinge", T, P, null), 1e-6);
    assertEquals(1.46, once("squared_hinge", T, P, W), 1e-6);
    assertEquals(1.4000001, once("categorical_hinge", T, P, null), 1e-6);
    assertEquals(1.2, once("categorical_hinge", T, P, W), 1e-6);
    assertEquals(0.10844523, once("log_cosh_error", T, P01, null), 1e-6);
    assertEquals(0.21689045, once("LogCoshError", T, P01, W), 1e-6);
    assertEquals(250000000.0, once("mape", T, P01, null), 1e-1);
    assertEquals(500000000.0, once("mean_absolute_percentage_error", T, P01, W), 1e-1);
    assertEquals(0.12011322, once("msle", T, P01, null), 1e-6);
    assertEquals(0.24022643, once("mean_squared_logarithmic_error", T, P01, W), 1e-6);
    Tensor ct = Tensor.of(new double[][] {{0, 1, 0}, {0, 0, 1}});
    Tensor cp = Tensor.of(new double[][] {{0.05, 0.95, 0}, {0.1, 0.8, 0.1}});
    assertEquals(1.1769392, once("categorical_crossentropy", ct, cp, null), 1e-5);
    assertEquals(1.6271976, once("categorical_crossentropy", ct, cp, Tensor.of(new double[] {0.3, 0.7})), 1e-5);
    assertEquals(1.1769392, once("sparse_categorical_crossentropy", Tensor.of(new int[] {1, 2}), cp, null), 1e-5);
    // CosineSimilarity(axis=1): the similarity itself, not the loss's negative
    Tensor st = Tensor.of(new double[][] {{0, 1}, {1, 1}});
    Tensor sp = Tensor.of(new double[][] {{1, 0}, {1, 1}});
    Metric cos = LossMetric.builder("CosineSimilarity").axis(1).build();
    cos.updateState(st, sp, Tensor.of(new double[] {0.3, 0.7}));
    assertEquals(0.6999999, cos.result(), 1e-6);
  }

  @Test
  void compileNamesLogUnderTheNameAsked() {
    // compile_utils.get_metric: metric_obj.name = identifier
    for (String name : new String[] {"binary_crossentropy", "bce", "BinaryCrossentropy", "kl_divergence", "poisson",
        "hinge", "log_cosh_error", "mse", "MSE"}) {
      assertEquals(name, Metrics.get(name, null).name());
    }
    assertEquals("logcosh", LossMetric.builder("LogCoshError").build().name());
    // Keras 3's metrics have no "logcosh" or "kld": keras.metrics.get raises for them
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Metrics.get("logcosh")).getMessage()
        .startsWith("Unknown metric 'logcosh'"));
    assertThrows(IllegalArgumentException.class, () -> Metrics.get("kld"));
  }

  @Test
  void argumentsAndConfigsOfLossMetrics() {
    // from_logits: the loss's logits form
    Metric logits = Metrics.fromConfig("BinaryCrossentropy", Map.of("from_logits", true), null);
    logits.updateState(Tensor.of(new double[][] {{1}}), Tensor.of(new double[][] {{0}}));
    assertEquals(Math.log(2), logits.result(), 1e-6);
    assertEquals(Map.of("name", "binary_crossentropy", "from_logits", true, "label_smoothing", 0.0),
        logits.getConfig());
    assertEquals(logits.getConfig(), Metrics.deserialize(Metrics.serialize(logits), null).getConfig());
    assertInstanceOf(LossMetric.class, Metrics.deserialize(Metrics.serialize(logits), null));
    // a plain one serializes by name
    assertEquals("poisson", Metrics.serialize(Metrics.get("poisson")));
    // ignore_class leaves those labels out of the mean, as Keras's mask does
    Metric scce = LossMetric.builder("SparseCategoricalCrossentropy").ignoreClass(2).build();
    scce.updateState(Tensor.of(new int[] {1, 2}), Tensor.of(new double[][] {{0.05, 0.95, 0}, {0.1, 0.8, 0.1}}));
    assertEquals(-Math.log(0.95), scce.result(), 1e-5);
    assertEquals("Argument(s) not recognized: {axis=1}; valid: [name, dtype, from_logits, label_smoothing]",
        assertThrows(IllegalArgumentException.class, () -> LossMetric.builder("BinaryCrossentropy").axis(1))
            .getMessage());
  }
}

package dev.tapekit.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * IoU, R2 and F-beta as Keras: values from the docstrings of keras/src/metrics/iou_metrics.py,
 * regression_metrics.py and f_score_metrics.py, and from regression_metrics_test.py (named per case).
 */
class ScoreMetricsTest {
  private static Tensor v(double... values) {
    return Tensor.of(values);
  }

  private static Tensor f(double[]... rows) {
    return Tensor.of(rows);
  }

  private static double once(Metric m, Tensor t, Tensor p, Tensor w) {
    m.resetState();
    m.updateState(t, p, w);
    return m.result();
  }

  @Test
  void iouAsTheDocstrings() {
    IoU iou = IoU.builder().numClasses(2).targetClassIds(0).build();
    assertEquals(0.33333334, once(iou, v(0, 0, 1, 1), v(0, 1, 0, 1), null), 1e-6);
    // cm = [[0.3, 0.3], [0.3, 0.1]]: iou of class 0 = 0.3 / (0.6 + 0.6 - 0.3)
    assertEquals(0.33333334, once(iou, v(0, 0, 1, 1), v(0, 1, 0, 1), v(0.3, 0.3, 0.3, 0.1)), 1e-6);
    MeanIoU mean = new MeanIoU(2);
    assertEquals("mean_io_u", mean.name());
    assertEquals(0.33333334, once(mean, v(0, 0, 1, 1), v(0, 1, 0, 1), null), 1e-6);
    assertEquals(0.23809525, once(mean, v(0, 0, 1, 1), v(0, 1, 0, 1), v(0.3, 0.3, 0.3, 0.1)), 1e-6);
    BinaryIoU binary = (BinaryIoU) Metrics.fromConfig("BinaryIoU", Map.of("target_class_ids", List.of(0, 1),
        "threshold", 0.3), null);
    assertEquals(0.33333334, once(binary, v(0, 1, 0, 1), v(0.1, 0.2, 0.4, 0.7), null), 1e-6);
    assertEquals(0.17361112, once(binary, v(0, 1, 0, 1), v(0.1, 0.2, 0.4, 0.7), v(0.2, 0.3, 0.4, 0.1)), 1e-6);
  }

  @Test
  void oneHotIouAsTheDocstrings() {
    Tensor t = f(new double[] {0, 0, 1}, new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {1, 0, 0});
    Tensor p = f(new double[] {0.2, 0.3, 0.5}, new double[] {0.1, 0.2, 0.7}, new double[] {0.5, 0.3, 0.1},
        new double[] {0.1, 0.4, 0.5});
    Tensor w = v(0.1, 0.2, 0.3, 0.4);
    // mean_iou = (0 / (0.3 + 0.6 - 0) + 0.1 / (0.7 + 0.1 - 0.1)) / 2
    assertEquals(0.071, once(OneHotIoU.builder().numClasses(3).targetClassIds(0, 2).build(), t, p, w), 1e-3);
    // class 1 occurs only as a prediction: it counts with IoU 0, so the mean is over 3
    assertEquals(0.048, once(OneHotMeanIoU.builder().numClasses(3).build(), t, p, w), 1e-3);
  }

  @Test
  void iouIgnoresOutOfRangeAndIgnoredClasses() {
    // Keras's bounds mask drops ids outside [0, num_classes) and ignore_class before the matrix
    MeanIoU m = MeanIoU.builder().numClasses(2).ignoreClass(1).build();
    assertEquals(1.0, once(m, v(0, 1, 5, 0), v(0, 0, 0, 7), null), 1e-6);
    assertEquals(Map.of("name", "mean_io_u", "num_classes", 2, "ignore_class", 1, "sparse_y_true", true,
        "sparse_y_pred", true, "axis", -1), m.getConfig());
    assertEquals(m.getConfig(), Metrics.deserialize(Metrics.serialize(m), null).getConfig());
    assertEquals("MeanIoU: missing required argument `num_classes`",
        assertThrows(IllegalArgumentException.class, () -> Metrics.get("mean_io_u")).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> IoU.builder().numClasses(2).targetClassIds(2)
        .build()).getMessage().startsWith("Argument `target_class_ids` of IoU must be a non-empty list of integers "
        + "in [0, 2)"));
  }

  private static final Tensor R2_T = f(new double[] {0, 0, 1}, new double[] {0, 1, 0}, new double[] {1, 0, 0});

  @Test
  void r2AsTheDocstringAndSklearn() {
    R2Score r2 = new R2Score();
    assertEquals(0.57142854, once(r2, f(new double[] {1}, new double[] {4}, new double[] {3}),
        f(new double[] {2}, new double[] {4}, new double[] {4}), null), 1e-6);
    // R2ScoreTest.test_r2_sklearn_comparison
    Tensor p = f(new double[] {0.4, 0.5, 0.6}, new double[] {0.1, 0.2, 0.3}, new double[] {0.5, 0.8, 0.2});
    R2Score none = R2Score.builder().classAggregation(null).build();
    none.updateState(R2_T, p);
    assertArrayEquals(new double[] {0.37, -1.295, 0.565}, none.results(), 1e-6);
    R2Score adjusted = R2Score.builder().classAggregation(null).numRegressors(1).build();
    adjusted.updateState(R2_T, p);
    assertArrayEquals(new double[] {-0.26, -3.59, 0.13}, adjusted.results(), 1e-6);
    assertEquals(-0.12, once(new R2Score(), R2_T, p, null), 1e-6);
    assertEquals(-0.12, once(R2Score.builder().classAggregation("variance_weighted_average").build(), R2_T, p, null),
        1e-6);
  }

  @Test
  void r2WeightedAsTfAddons() {
    // R2ScoreTest.test_r2_tfa_comparison; with 3 samples, 2 regressors fall back to plain R2 as Keras warns
    Tensor p = f(new double[] {0.4, 0.9, 1.6}, new double[] {0.1, 1.2, 0.6}, new double[] {1.5, 0.8, 0.6});
    Tensor w = v(0.8, 0.1, 0.4);
    R2Score none = R2Score.builder().classAggregation(null).build();
    none.updateState(R2_T, p, w);
    assertArrayEquals(new double[] {0.17305559, -8.836666, -0.521}, none.results(), 1e-5);
    assertEquals(-3.0615367889404297, once(new R2Score(), R2_T, p, w), 1e-5);
    assertEquals(-7.123073577880859, once(R2Score.builder().numRegressors(1).build(), R2_T, p, w), 1e-5);
    assertEquals(-3.0615367889404297, once(R2Score.builder().numRegressors(2).build(), R2_T, p, w), 1e-5);
    assertEquals(-1.3710224628448486, once(R2Score.builder().classAggregation("variance_weighted_average").build(),
        R2_T, p, w), 1e-5);
    assertEquals(-3.742044448852539, once(R2Score.builder().classAggregation("variance_weighted_average")
        .numRegressors(1).build(), R2_T, p, w), 1e-5);
  }

  @Test
  void r2ErrorsAndConfig() {
    // R2ScoreTest.test_errors and test_config
    assertTrue(assertThrows(IllegalArgumentException.class, () -> R2Score.builder().classAggregation("wrong").build())
        .getMessage().startsWith("Argument `class_aggregation` of R2Score must be one of [None, 'uniform_average', "
        + "'variance_weighted_average']. Received: class_aggregation='wrong'"));
    assertEquals("Argument `num_regressors` of R2Score must be a non-negative integer. Received: num_regressors=-1",
        assertThrows(IllegalArgumentException.class, () -> R2Score.builder().numRegressors(-1).build()).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new R2Score().updateState(v(0, 1), v(0, 1)))
        .getMessage().contains("expects 2D inputs with shape"));
    Metric r2 = Metrics.fromConfig("R2Score", Map.of("class_aggregation", "variance_weighted_average",
        "num_regressors", 2, "dtype", "float32"), null);
    assertEquals(Map.of("name", "r2_score", "class_aggregation", "variance_weighted_average", "num_regressors", 2),
        r2.getConfig());
  }

  @Test
  void fBetaAsTheDocstring() {
    Tensor t = f(new double[] {1, 1, 1}, new double[] {1, 0, 0}, new double[] {1, 1, 0});
    Tensor p = f(new double[] {0.2, 0.6, 0.7}, new double[] {0.2, 0.6, 0.6}, new double[] {0.6, 0.8, 0.0});
    FBetaScore f2 = FBetaScore.builder().beta(2.0).threshold(0.5).build();
    assertEquals("fbeta_score", f2.name());
    f2.updateState(t, p);
    assertArrayEquals(new double[] {0.3846154, 0.90909094, 0.8333334}, f2.results(), 1e-6);
    F1Score f1 = F1Score.builder().threshold(0.5).build();
    f1.updateState(t, p);
    assertArrayEquals(new double[] {0.5, 0.8, 0.6666667}, f1.results(), 1e-6);
    // averaged: one value, which results() also holds
    F1Score macro = F1Score.builder().threshold(0.5).average("macro").build();
    macro.updateState(t, p);
    assertArrayEquals(new double[] {(0.5 + 0.8 + 0.6666667) / 3}, macro.results(), 1e-6);
    // F1Score's config has no beta, FBetaScore's has
    assertEquals(Map.of("name", "f1_score", "average", "macro", "threshold", 0.5), macro.getConfig());
    assertEquals(2.0, Metrics.deserialize(Metrics.serialize(f2), null).getConfig().get("beta"));
    assertEquals("Argument(s) not recognized: {beta=2.0}; valid: [name, dtype, average, threshold]",
        assertThrows(IllegalArgumentException.class, () -> Metrics.fromConfig("F1Score", Map.of("beta", 2.0), null))
            .getMessage());
    assertEquals("Argument `beta` of FBetaScore must be > 0. Received: beta=0.0",
        assertThrows(IllegalArgumentException.class, () -> FBetaScore.builder().beta(0).build()).getMessage());
  }
}

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
 * Keras's confusion metrics: values from the docstrings of keras/src/metrics/confusion_metrics.py and
 * the tests of confusion_metrics_test.py (named per case).
 */
class ConfusionMetricsTest {
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
  void confusionCountsAsTheDocstrings() {
    assertEquals(2.0, once(new TruePositives(), v(0, 1, 1, 1), v(1, 0, 1, 1), null), 0);
    assertEquals(1.0, once(new TruePositives(), v(0, 1, 1, 1), v(1, 0, 1, 1), v(0, 0, 1, 0)), 0);
    assertEquals(2.0, once(new FalsePositives(), v(0, 1, 0, 0), v(0, 0, 1, 1), null), 0);
    assertEquals(1.0, once(new FalsePositives(), v(0, 1, 0, 0), v(0, 0, 1, 1), v(0, 0, 1, 0)), 0);
    assertEquals(2.0, once(new TrueNegatives(), v(0, 1, 0, 0), v(1, 1, 0, 0), null), 0);
    assertEquals(1.0, once(new TrueNegatives(), v(0, 1, 0, 0), v(1, 1, 0, 0), v(0, 0, 1, 0)), 0);
    assertEquals(2.0, once(new FalseNegatives(), v(0, 1, 1, 1), v(0, 1, 0, 0), null), 0);
    assertEquals(1.0, once(new FalseNegatives(), v(0, 1, 1, 1), v(0, 1, 0, 0), v(0, 0, 1, 0)), 0);
  }

  @Test
  void severalThresholdsGiveOneCountEachInTheOrderGiven() {
    // FalsePositivesTest.test_unweighted_with_thresholds / test_weighted_with_thresholds
    Tensor p = f(new double[] {0.9, 0.2, 0.8, 0.1}, new double[] {0.2, 0.9, 0.7, 0.6},
        new double[] {0.1, 0.2, 0.4, 0.3}, new double[] {0, 1, 0.7, 0.3});
    Tensor t = f(new double[] {0, 1, 1, 0}, new double[] {1, 0, 0, 0}, new double[] {0, 0, 0, 0},
        new double[] {1, 1, 1, 1});
    FalsePositives fp = FalsePositives.builder().thresholds(0.15, 0.5, 0.85).build();
    fp.updateState(t, p);
    assertArrayEquals(new double[] {7, 4, 2}, fp.results(), 1e-9);
    fp.resetState();
    fp.updateState(t, p, f(new double[] {1, 2, 3, 5}, new double[] {7, 11, 13, 17}, new double[] {19, 23, 29, 31},
        new double[] {5, 15, 10, 0}));
    assertArrayEquals(new double[] {125, 42, 12}, fp.results(), 1e-9);
    // unsorted thresholds keep their order, as Keras's list does
    FalsePositives reversed = FalsePositives.builder().thresholds(0.85, 0.15).build();
    reversed.updateState(t, p);
    assertArrayEquals(new double[] {2, 7}, reversed.results(), 1e-9);
    // Keras returns a list here, so there is no single result
    IllegalStateException e = assertThrows(IllegalStateException.class, fp::result);
    assertTrue(e.getMessage().contains("false_positives") && e.getMessage().contains("results()"), e.getMessage());
  }

  @Test
  void precisionAndRecallWithThresholds() {
    // PrecisionTest.test_multiple_updates: thresholds [0.5, 1.0], two identical updates
    Precision p = Precision.builder().thresholds(0.5, 1.0).build();
    Tensor t = f(new double[] {0, 1}, new double[] {1, 0});
    Tensor pred = f(new double[] {1, 0}, new double[] {0.6, 0});
    Tensor w = f(new double[] {4, 0}, new double[] {3, 1});
    p.updateState(t, pred, w);
    p.updateState(t, pred, w);
    assertArrayEquals(new double[] {6.0 / 14, 0}, p.results(), 1e-6);
    // RecallTest.test_multiple_updates: the same data, tp / (tp + fn)
    Recall r = Recall.builder().thresholds(0.5, 1.0).build();
    r.updateState(t, pred, w);
    r.updateState(t, pred, w);
    assertArrayEquals(new double[] {6.0 / 6, 0}, r.results(), 1e-6);
  }

  @Test
  void precisionTopK() {
    // docstring: top_k=2 over [1, 1, 1, 1] keeps the first two, whose labels are 0; top_k=4 keeps all
    assertEquals(0.0, once(Precision.builder().topK(2).build(), v(0, 0, 1, 1), v(1, 1, 1, 1), null), 1e-9);
    assertEquals(0.5, once(Precision.builder().topK(4).build(), v(0, 0, 1, 1), v(1, 1, 1, 1), null), 1e-9);
    // test_unweighted_top_k
    assertEquals(1.0 / 3, once(Precision.builder().topK(3).build(), v(0, 1, 1, 0, 0), v(0.2, 0.1, 0.5, 0, 0.2),
        null), 1e-6);
    // test_weighted_top_k: two updates, a [1, 5] weight row then a scalar weight
    Precision top3 = Precision.builder().topK(3).build();
    top3.updateState(f(new double[] {0, 1, 1, 0, 1}), f(new double[] {0.2, 0.1, 0.4, 0, 0.2}),
        f(new double[] {1, 4, 2, 3, 5}));
    top3.updateState(v(1, 0, 1, 1, 1), v(0.2, 0.6, 0.4, 0.2, 0.2), Tensor.scalar(3.0));
    assertEquals((2 + 5 + 3 + 3) / (double) (1 + 2 + 5 + 3 + 3 + 3), top3.result(), 1e-6);
    // test_unweighted_top_k_and_threshold: of the top 2 (0.8, 0.6) only 0.8 is above 0.7
    assertEquals(1.0, once(Precision.builder().thresholds(0.7).topK(2).build(), v(0, 1, 1, 0, 1),
        v(0.2, 0.8, 0.6, 0, 0.2), null), 1e-9);
    // RecallTest.test_unweighted_top_k: [0.5, 0.2, 0.2] are the top 3, labels 1 at 0.1 (out) and 0.5 (in)
    assertEquals(0.5, once(Recall.builder().topK(3).build(), v(0, 1, 1, 0, 0), v(0.2, 0.1, 0.5, 0, 0.2), null),
        1e-6);
    // RecallTest.test_weighted_top_k
    Recall r3 = Recall.builder().topK(3).build();
    r3.updateState(f(new double[] {0, 1, 1, 0, 1}), f(new double[] {0.2, 0.1, 0.4, 0, 0.2}),
        f(new double[] {1, 4, 2, 3, 5}));
    r3.updateState(v(1, 0, 1, 1, 1), v(0.2, 0.6, 0.4, 0.2, 0.2), Tensor.scalar(3.0));
    assertEquals((2 + 5 + 3 + 3) / (double) (4 + 2 + 5 + 3 + 3 + 3 + 3), r3.result(), 1e-6);
  }

  @Test
  void classIdCountsOneClass() {
    // PrecisionTest.test_unweighted_class_id_multiclass
    Tensor pred = f(new double[] {0.1, 0.2, 0.7}, new double[] {0.5, 0.3, 0.2}, new double[] {0.2, 0.6, 0.2},
        new double[] {0.7, 0.2, 0.1}, new double[] {0.1, 0.1, 0.8});
    Tensor t = f(new double[] {0, 0, 1}, new double[] {1, 0, 0}, new double[] {0, 1, 0}, new double[] {1, 0, 0},
        new double[] {0, 0, 1});
    assertEquals(1.0, once(Precision.builder().classId(1).build(), t, pred, null), 1e-9);
    assertEquals(1.0, once(Recall.builder().classId(1).build(), t, pred, null), 1e-9);
    // class 2: predictions 0.7 and 0.8 above 0.5, both labelled 2; the builder's example chains all three
    Precision p = Precision.builder().thresholds(0.3, 0.75).topK(2).classId(2).build();
    p.updateState(t, pred);
    assertArrayEquals(new double[] {1.0, 1.0}, p.results(), 1e-9);
    // test_unweighted_class_id_should_throw_error_1d
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Precision.builder().classId(2).build().updateState(v(0, 1, 1, 0, 0), v(0.2, 0.1, 0.6, 0, 0.2)));
    assertTrue(e.getMessage().contains("class_id is provided, y_pred must be a 2D array"), e.getMessage());
  }

  @Test
  void atMetricsAsTheDocstrings() {
    Tensor t = v(0, 0, 0, 1, 1);
    Tensor p = v(0, 0.3, 0.8, 0.3, 0.8);
    assertEquals(0.5, once(new SensitivityAtSpecificity(0.5), t, p, null), 1e-6);
    assertEquals(0.333333, once(new SensitivityAtSpecificity(0.5), t, p, v(1, 1, 2, 2, 1)), 1e-6);
    assertEquals(0.66666667, once(new SpecificityAtSensitivity(0.5), t, p, null), 1e-6);
    assertEquals(0.5, once(new SpecificityAtSensitivity(0.5), t, p, v(1, 1, 2, 2, 2)), 1e-6);
    assertEquals(0.5, once(new PrecisionAtRecall(0.5), t, p, null), 1e-6);
    assertEquals(0.33333333, once(new PrecisionAtRecall(0.5), t, p, v(2, 2, 2, 1, 1)), 1e-6);
    assertEquals(0.5, once(new RecallAtPrecision(0.8), v(0, 0, 1, 1), v(0, 0.5, 0.3, 0.9), null), 1e-6);
    assertEquals(1.0, once(new RecallAtPrecision(0.8), v(0, 0, 1, 1), v(0, 0.5, 0.3, 0.9), v(1, 0, 0, 1)), 1e-6);
  }

  @Test
  void atMetricsAsKerasTests() {
    Tensor labels = v(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
    // SensitivityAtSpecificityTest.test_unweighted_high_specificity / low / weighted
    assertEquals(0.8, once(new SensitivityAtSpecificity(0.8), labels,
        v(0.0, 0.1, 0.2, 0.3, 0.4, 0.1, 0.45, 0.5, 0.8, 0.9), null), 1e-6);
    Tensor low = v(0.0, 0.1, 0.2, 0.3, 0.4, 0.01, 0.02, 0.25, 0.26, 0.26);
    assertEquals(0.6, once(new SensitivityAtSpecificity(0.4), labels, low, null), 1e-6);
    assertEquals(0.675, once(new SensitivityAtSpecificity(0.4), labels, low, v(1, 2, 3, 4, 5, 6, 7, 8, 9, 10)), 1e-6);
    // SpecificityAtSensitivityTest.test_unweighted_class_id: class 2 of one-hot labels
    double[][] pred = new double[10][];
    double[][] oneHot = new double[10][];
    double[] lv = {0, 0, 0, 0, 0, 2, 2, 2, 2, 2};
    double[] pv = {0.0, 0.1, 0.2, 0.3, 0.4, 0.01, 0.02, 0.25, 0.26, 0.26};
    for (int i = 0; i < 10; i++) {
      pred[i] = new double[] {pv[i], pv[i], pv[i]};
      oneHot[i] = new double[3];
      oneHot[i][(int) lv[i]] = 1;
    }
    assertEquals(0.6, once(SpecificityAtSensitivity.builder().sensitivity(0.4).classId(2).build(), f(oneHot), f(pred),
        null), 1e-6);
    // RecallAtPrecisionTest.test_unweighted_high_precision / low_precision
    Tensor rp = v(0.05, 0.1, 0.2, 0.3, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.9, 0.95);
    Tensor rl = v(0, 1, 0, 0, 0, 1, 1, 0, 1, 1, 0, 1);
    assertEquals(0.5, once(new RecallAtPrecision(0.75), rl, rp, null), 1e-6);
    assertEquals(5.0 / 6, once(new RecallAtPrecision(2.0 / 3), rl, rp, null), 1e-6);
    // test_invalid_specificity / test_invalid_num_thresholds
    assertEquals("Argument `specificity` of SensitivityAtSpecificity must be a number in [0, 1]. Received: "
        + "specificity=-1.0", assertThrows(IllegalArgumentException.class, () -> new SensitivityAtSpecificity(-1))
        .getMessage());
    assertEquals("Argument `num_thresholds` of SensitivityAtSpecificity must be a positive integer. Received: "
        + "num_thresholds=-1", assertThrows(IllegalArgumentException.class, () -> SensitivityAtSpecificity.builder()
        .specificity(0.4).numThresholds(-1).build()).getMessage());
    assertEquals("SensitivityAtSpecificity: missing required argument `specificity`",
        assertThrows(IllegalArgumentException.class, () -> Metrics.get("sensitivity_at_specificity")).getMessage());
  }

  /** AUCTest's data: 3 thresholds [-1e-7, 0.5, 1 + 1e-7]. */
  private static final Tensor AUC_T = v(0, 0, 1, 1);
  private static final Tensor AUC_P = v(0, 0.5, 0.3, 0.9);

  @Test
  void aucOptions() {
    // AUCTest.test_unweighted_from_logits: logit(p) in float32 through a sigmoid gives the same 0.75
    float[] logits = new float[4];
    for (int i = 0; i < 4; i++) {
      float p = (float) AUC_P.toDoubleArray()[i] + 1e-12f;
      logits[i] = (float) -Math.log(1 / p - 1);
    }
    assertEquals(0.75, once(AUC.builder().numThresholds(3).fromLogits(true).build(), AUC_T, Tensor.of(logits), null),
        1e-3);
    // test_manual_thresholds: thresholds [0.5] give num_thresholds 3 whatever num_thresholds says
    AUC manual = AUC.builder().numThresholds(2).thresholds(0.5).build();
    assertArrayEquals(new double[] {-1e-7, 0.5, 1 + 1e-7}, manual.thresholds(), 1e-12);
    assertEquals(0.75, once(manual, AUC_T, AUC_P, null), 1e-3);
    assertEquals(3, manual.getConfig().get("num_thresholds"));
    assertEquals(List.of(0.5), manual.getConfig().get("thresholds"));
    // test_weighted_prgain_majoring / _minoring / _interpolation: recall gains [1, 0, 0], precision gains [0, 1, 1]
    Tensor w = v(1, 2, 3, 4);
    assertEquals(1.0, once(AUC.builder().numThresholds(3).curve("PRGAIN").summationMethod("majoring").build(), AUC_T,
        AUC_P, w), 1e-3);
    assertEquals(0.0, once(AUC.builder().numThresholds(3).curve("PRGAIN").summationMethod("minoring").build(), AUC_T,
        AUC_P, w), 1e-3);
    assertEquals(0.5, once(AUC.builder().numThresholds(3).curve(AUC.Curve.PRGAIN).build(), AUC_T, AUC_P, w), 1e-3);
    assertEquals("AUC: `num_labels` is needed only when `multi_label` is True. Received: num_labels=2",
        assertThrows(IllegalArgumentException.class, () -> AUC.builder().numLabels(2).build()).getMessage());
    assertEquals("Argument `num_thresholds` of AUC must be an integer >= 2. Received: num_thresholds=1",
        assertThrows(IllegalArgumentException.class, () -> AUC.builder().numThresholds(1).build()).getMessage());
  }

  /** MultiAUCTest's data: two labels, 5 thresholds. */
  private static final Tensor ML_P = f(new double[] {0, 0.1}, new double[] {0.5, 0.2}, new double[] {0.3, 0.3},
      new double[] {0.9, 0.4});
  private static final Tensor ML_GOOD = f(new double[] {0, 0}, new double[] {0, 0}, new double[] {1, 1},
      new double[] {1, 1});

  @Test
  void aucMultiLabelAndLabelWeights() {
    // MultiAUCTest.test_unweighted: per-label AUCs 0.875 and 1
    assertEquals((0.875 + 1.0) / 2, once(AUC.builder().numThresholds(5).multiLabel(true).build(), ML_GOOD, ML_P,
        null), 1e-3);
    // test_unweighted_flat: one curve over the flattened data
    assertEquals(1 - 3.0 / 32, once(AUC.builder().numThresholds(5).build(), ML_GOOD, ML_P, null), 1e-3);
    // test_sample_weight_flat
    assertEquals(1 - 0.3333 * (1 - 0.2857) / 2, once(AUC.builder().numThresholds(5).build(), ML_GOOD, ML_P,
        v(1, 2, 3, 4)), 1e-3);
    // test_label_weights: a weighted mean of the label AUCs
    assertEquals((0.875 * 0.75 + 1.0 * 0.25) / (0.75 + 0.25), once(AUC.builder().numThresholds(5).multiLabel(true)
        .labelWeights(0.75, 0.25).build(), ML_GOOD, ML_P, null), 1e-3);
    // test_label_weights_flat: the weights multiply the flattened columns
    assertEquals(1 - (1 - 0.375) * 0.375 / 2, once(AUC.builder().numThresholds(5).labelWeights(0.75, 0.25).build(),
        ML_GOOD, ML_P, null), 1e-2);
    // test_manual_thresholds with multi_label: per-label AUCs 0.75 and 0.5
    assertEquals((0.75 + 0.5) / 2, once(AUC.builder().numThresholds(2).thresholds(0.5).multiLabel(true).build(),
        ML_GOOD, ML_P, null), 1e-3);
    // test_pr_interpolation_unweighted: PR AUCs 0.917 and 1
    assertEquals((0.91667 + 1.0) / 2, once(AUC.builder().numThresholds(5).curve(AUC.Curve.PR).multiLabel(true)
        .build(), ML_GOOD, ML_P, null), 1e-1);
    // num_labels fixes the width before the first batch
    AUC three = AUC.builder().multiLabel(true).numLabels(3).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> three.updateState(ML_GOOD, ML_P));
    assertTrue(e.getMessage().contains("2 labels") && e.getMessage().contains("3"), e.getMessage());
  }

  @Test
  void configsCarryKerasKeysAndRoundTrip() {
    // PrecisionTest.test_config: thresholds, top_k and class_id survive get_config / from_config
    Precision p = Precision.builder().name("my_precision").thresholds(0.4, 0.9).topK(15).classId(12).build();
    Map<String, Object> c = p.getConfig();
    assertEquals(Map.of("name", "my_precision", "thresholds", List.of(0.4, 0.9), "top_k", 15, "class_id", 12), c);
    Metric back = Metrics.fromConfig("Precision", c, null);
    assertEquals(c, back.getConfig());
    assertArrayEquals(new double[] {0.4, 0.9}, ((Precision) back).thresholds(), 0);
    // FalsePositivesTest.test_config
    assertEquals(List.of(0.4, 0.9), Metrics.fromConfig("FalsePositives", Map.of("name", "my_fp", "thresholds",
        List.of(0.4, 0.9)), null).getConfig().get("thresholds"));
    // AUCTest.test_config: no thresholds key unless they were given; every argument comes back
    AUC auc = AUC.builder().numThresholds(100).curve("PR").summationMethod("majoring").name("auc_1").multiLabel(true)
        .numLabels(2).fromLogits(true).build();
    assertTrue(!auc.getConfig().containsKey("thresholds"));
    assertEquals(auc.getConfig(), Metrics.deserialize(Metrics.serialize(auc), null).getConfig());
    // SensitivityAtSpecificityTest.test_config
    Metric s = SensitivityAtSpecificity.builder().specificity(0.4).numThresholds(100).classId(12)
        .name("sensitivity_at_specificity_1").build();
    assertEquals(Map.of("name", "sensitivity_at_specificity_1", "class_id", 12, "num_thresholds", 100,
        "specificity", 0.4), s.getConfig());
    assertEquals(s.getConfig(), Metrics.deserialize(Metrics.serialize(s), null).getConfig());
    // FalsePositivesTest.test_threshold_limit
    assertEquals("Argument `thresholds` of FalsePositives must be a number or a list of numbers in [0, 1]. "
        + "Received: thresholds=[-1, 0.5, 2]", assertThrows(IllegalArgumentException.class,
        () -> Metrics.fromConfig("FalsePositives", Map.of("thresholds", List.of(-1, 0.5, 2)), null)).getMessage());
  }

  @Test
  void logitsWithThresholdZeroAsKerasAdvises() {
    // "If used with a loss function that sets from_logits=True ... thresholds should be set to 0": Keras 3
    // counts predictions outside [0, 1] rather than rejecting them
    assertEquals(2.0, once(TruePositives.builder().thresholds(0).build(), v(0, 1, 1, 1), v(2.5, -1.5, 0.3, 4), null),
        0);
  }
}

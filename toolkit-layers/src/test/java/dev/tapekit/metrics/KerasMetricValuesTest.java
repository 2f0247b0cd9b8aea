package dev.tapekit.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapekit.core.Tensor;
import org.junit.jupiter.api.Test;

/** Golden values from the docstrings and tests of keras/src/metrics. */
class KerasMetricValuesTest {
  private static Tensor f(double[]... rows) {
    return Tensor.of(rows);
  }

  private static Tensor v(double... values) {
    return Tensor.of(values);
  }

  private static double once(Metric m, Tensor t, Tensor p, Tensor w) {
    m.resetState();
    m.updateState(t, p, w);
    return m.result();
  }

  @Test
  void meanAndSum() {
    Mean m = new Mean();
    m.updateState(v(1, 3, 5, 7));
    assertEquals(4.0, m.result(), 1e-9);
    m.resetState();
    m.updateState(v(1, 3, 5, 7), v(1, 1, 0, 0));
    assertEquals(2.0, m.result(), 1e-9);
    m.resetState();
    m.update(2.0, 3);
    m.update(4.0, 1);
    assertEquals(2.5, m.result(), 1e-9);
    Sum s = new Sum();
    s.updateState(v(1, 3, 5, 7));
    assertEquals(16.0, s.result(), 1e-9);
    s.resetState();
    s.updateState(v(1, 3, 5, 7), v(1, 1, 0, 0));
    assertEquals(4.0, s.result(), 1e-9);
    assertEquals(0.0, new Mean().result(), 0.0);
  }

  @Test
  void accuracies() {
    Tensor t4 = f(new double[] {1}, new double[] {2}, new double[] {3}, new double[] {4});
    Tensor p4 = f(new double[] {0}, new double[] {2}, new double[] {3}, new double[] {4});
    assertEquals(0.75, once(new Accuracy(), t4, p4, null), 1e-6);
    assertEquals(0.5, once(new Accuracy(), t4, p4, v(1, 1, 0, 0)), 1e-6);

    Tensor bt = f(new double[] {1}, new double[] {1}, new double[] {0}, new double[] {0});
    Tensor bp = f(new double[] {0.98}, new double[] {1}, new double[] {0}, new double[] {0.6});
    assertEquals(0.75, once(new BinaryAccuracy(), bt, bp, null), 1e-6);
    assertEquals(0.5, once(new BinaryAccuracy(), bt, bp, v(1, 0, 0, 1)), 1e-6);

    Tensor ct = f(new double[] {0, 0, 1}, new double[] {0, 1, 0});
    Tensor cp = f(new double[] {0.1, 0.9, 0.8}, new double[] {0.05, 0.95, 0});
    assertEquals(0.5, once(new CategoricalAccuracy(), ct, cp, null), 1e-6);
    assertEquals(0.3, once(new CategoricalAccuracy(), ct, cp, v(0.7, 0.3)), 1e-6);
    assertEquals(0.5, once(new TopKCategoricalAccuracy(1), ct, cp, null), 1e-6);
    assertEquals(0.3, once(new TopKCategoricalAccuracy(1), ct, cp, v(0.7, 0.3)), 1e-6);
    assertEquals(1.0, once(new TopKCategoricalAccuracy(2), ct, cp, null), 1e-6);
    assertEquals(0.5, once(new SparseTopKCategoricalAccuracy(1), Tensor.of(new int[] {2, 1}), cp, null), 1e-6);
    assertEquals(0.3, once(new SparseTopKCategoricalAccuracy(1), Tensor.of(new int[] {2, 1}), cp, v(0.7, 0.3)),
        1e-6);

    Tensor sp = f(new double[] {0.1, 0.6, 0.3}, new double[] {0.05, 0.95, 0});
    Tensor st = f(new double[] {2}, new double[] {1});
    assertEquals(0.5, once(new SparseCategoricalAccuracy(), st, sp, null), 1e-6);
    assertEquals(0.3, once(new SparseCategoricalAccuracy(), st, sp, v(0.7, 0.3)), 1e-6);
    assertEquals(0.5, once(new SparseCategoricalAccuracy(), Tensor.ofLongs(new long[] {2, 1}), sp, null), 1e-6);
  }

  @Test
  void regression() {
    Tensor t = f(new double[] {0, 1}, new double[] {0, 0});
    Tensor p = f(new double[] {1, 1}, new double[] {0, 0});
    assertEquals(0.25, once(new MeanSquaredError(), t, p, null), 1e-6);
    assertEquals(0.25, once(new MeanAbsoluteError(), t, p, null), 1e-6);
    assertEquals(0.5, once(new MeanAbsoluteError(), t, p, v(1, 0)), 1e-6);
    assertEquals(0.5, once(new RootMeanSquaredError(), t, p, null), 1e-6);
    assertEquals(0.70710677, once(new RootMeanSquaredError(), t, p, v(1, 0)), 1e-6);
  }

  @Test
  void precisionRecall() {
    Tensor t = v(0, 1, 1, 1);
    Tensor p = v(1, 0, 1, 1);
    assertEquals(0.6666667, once(new Precision(), t, p, null), 1e-6);
    assertEquals(1.0, once(new Precision(), t, p, v(0, 0, 1, 0)), 1e-6);
    assertEquals(0.6666667, once(new Recall(), t, p, null), 1e-6);
    assertEquals(1.0, once(new Recall(), t, p, v(0, 0, 1, 0)), 1e-6);
  }

  @Test
  void buildersTakeKerasArguments() {
    // BinaryAccuracy(threshold=0.7): the docstring's data, 0.98 and 1 above it, 0.6 not
    Tensor bt = f(new double[] {1}, new double[] {1}, new double[] {0}, new double[] {0});
    Tensor bp = f(new double[] {0.98}, new double[] {1}, new double[] {0}, new double[] {0.6});
    assertEquals(1.0, once(BinaryAccuracy.builder().threshold(0.7).build(), bt, bp, null), 1e-6);
    // at 0.99 the 0.98 counts as 0 and is wrong
    assertEquals(0.75, once(BinaryAccuracy.builder().threshold(0.99).build(), bt, bp, null), 1e-6);
    // TopKCategoricalAccuracy(k=1) is categorical accuracy on the docstring's data
    Tensor ct = f(new double[] {0, 0, 1}, new double[] {0, 1, 0});
    Tensor cp = f(new double[] {0.1, 0.9, 0.8}, new double[] {0.05, 0.95, 0});
    assertEquals(0.5, once(TopKCategoricalAccuracy.builder().k(1).build(), ct, cp, null), 1e-6);
    assertEquals(0.5, once(SparseTopKCategoricalAccuracy.builder().k(1).name("top1").build(),
        Tensor.of(new int[] {2, 1}), cp, null), 1e-6);
    assertEquals("top1", SparseTopKCategoricalAccuracy.builder().k(1).name("top1").build().name());
    assertEquals("acc2", SparseCategoricalAccuracy.builder().name("acc2").build().name());
    assertEquals("loss", Mean.builder().name("loss").build().name());
    // accuracy_metrics_test.py test_from_sorted_ids_unweighted / _weighted: predictions are sorted class ids
    Metric sorted = SparseTopKCategoricalAccuracy.builder().k(1).fromSortedIds(true).build();
    Tensor ids = Tensor.of(new int[] {1, 0, 3, 1, 2, 3}, 2, 3);
    assertEquals(0.5, once(sorted, Tensor.of(new int[] {2, 1}), ids, null), 1e-6);
    assertEquals(0.3, once(sorted, Tensor.of(new int[] {2, 1}), ids, v(0.7, 0.3)), 1e-6);
    // test_config_from_sorted_ids: the key is in the config only when set
    assertEquals(true, Metrics.deserialize(Metrics.serialize(sorted), null).getConfig().get("from_sorted_ids"));
    assertEquals(java.util.Map.of("name", "sparse_top_k_categorical_accuracy", "k", 5),
        new SparseTopKCategoricalAccuracy().getConfig());
  }

  @Test
  void auc() {
    Tensor t = v(0, 0, 1, 1);
    Tensor p = v(0, 0.5, 0.3, 0.9);
    Tensor w = v(1, 2, 3, 4);
    AUC roc3 = new AUC("auc", 3, AUC.Curve.ROC, AUC.Summation.INTERPOLATION);
    assertEquals(0.75, once(roc3, t, p, null), 1e-3);
    assertEquals(0.7855, once(roc3, t, p, w), 1e-3);
    assertEquals(1.0, once(new AUC("auc", 3, AUC.Curve.ROC, AUC.Summation.MAJORING), t, p, w), 1e-3);
    assertEquals(0.571, once(new AUC("auc", 3, AUC.Curve.ROC, AUC.Summation.MINORING), t, p, w), 1e-3);
    assertEquals(1 * 0.429 + 1 * 0.571, once(new AUC("auc", 3, AUC.Curve.PR, AUC.Summation.MAJORING), t, p, w),
        1e-3);
    assertEquals(0.7 * 0.429, once(new AUC("auc", 3, AUC.Curve.PR, AUC.Summation.MINORING), t, p, w), 1e-3);
    assertEquals(2.416 / 7 + 4 / 7.0, once(new AUC("auc", 3, AUC.Curve.PR, AUC.Summation.INTERPOLATION), t, p, w),
        1e-3);
    assertEquals(1.0, once(new AUC(), t, t, null), 1e-6);
  }

  @Test
  void f1AndFBeta() {
    Tensor t = f(new double[] {1, 1, 1}, new double[] {1, 0, 0}, new double[] {1, 1, 0});
    Tensor p = f(new double[] {0.2, 0.6, 0.7}, new double[] {0.2, 0.6, 0.6}, new double[] {0.6, 0.8, 0.0});
    F1Score f1 = new F1Score("f1_score", null, 0.5);
    f1.updateState(t, p);
    assertArrayEquals(new double[] {0.5, 0.8, 0.6666667}, f1.resultPerClass(), 1e-6);
    assertEquals((0.5 + 0.8 + 0.6666667) / 3, f1.result(), 1e-6);
    FBetaScore f2 = FBetaScore.builder().name("fbeta").beta(2.0).threshold(0.5).build();
    f2.updateState(t, p);
    assertArrayEquals(new double[] {0.3846154, 0.90909094, 0.8333334}, f2.resultPerClass(), 1e-6);
  }
}

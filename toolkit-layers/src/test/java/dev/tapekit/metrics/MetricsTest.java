package dev.tapekit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.losses.BinaryCrossentropy;
import dev.tapekit.losses.CategoricalCrossentropy;
import dev.tapekit.losses.MeanSquaredError;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void accuracyResolvesFromTheLoss() {
    Metric m = Metrics.get("accuracy", new SparseCategoricalCrossentropy(true));
    assertInstanceOf(SparseCategoricalAccuracy.class, m);
    assertEquals("accuracy", m.name());
    assertInstanceOf(CategoricalAccuracy.class, Metrics.get("accuracy", new CategoricalCrossentropy()));
    assertInstanceOf(BinaryAccuracy.class, Metrics.get("acc", new BinaryCrossentropy()));
    assertEquals("acc", Metrics.get("acc", new BinaryCrossentropy()).name());
    assertEquals("mse", Metrics.get("mse", null).name());
    assertInstanceOf(AUC.class, Metrics.get("auc", null));
  }

  @Test
  void fromConfigTakesKerasArgumentsAndRejectsOthers() {
    Metric top2 = Metrics.fromConfig("SparseTopKCategoricalAccuracy", java.util.Map.of("k", 2), null);
    assertEquals("sparse_top_k_categorical_accuracy", top2.name());
    // label 2 is the second-highest of the first row, the lowest of the second
    top2.updateState(Tensor.of(new int[] {2, 2}), Tensor.of(new float[] {0.5f, 0.1f, 0.4f, 0.5f, 0.4f, 0.1f}, 2, 3));
    assertEquals(0.5, top2.result(), 1e-6);
    assertEquals("top3", Metrics.fromConfig("sparse_top_k_categorical_accuracy",
        java.util.Map.of("k", 3, "name", "top3"), null).name());
    Metric bin = Metrics.fromConfig("BinaryAccuracy", java.util.Map.of("threshold", 0.9, "dtype", "float32"), null);
    bin.updateState(Tensor.of(new float[] {1, 1}, 2, 1), Tensor.of(new float[] {0.95f, 0.8f}, 2, 1));
    assertEquals(0.5, bin.result(), 1e-6);
    assertInstanceOf(SparseCategoricalAccuracy.class,
        Metrics.fromConfig("accuracy", java.util.Map.of("name", "acc"), new SparseCategoricalCrossentropy(true)));
    assertEquals("acc", Metrics.fromConfig("accuracy", java.util.Map.of("name", "acc"), null).name());
    assertInstanceOf(AUC.class, Metrics.fromConfig("AUC", java.util.Map.of("curve", "PR", "num_thresholds", 50), null));
    assertInstanceOf(Precision.class, Metrics.fromConfig("Precision", java.util.Map.of("thresholds", 0.3), null));

    assertEquals("Argument(s) not recognized: {kk=2}; valid: [name, dtype, k]",
        assertThrows(IllegalArgumentException.class, () -> Metrics.fromConfig("TopKCategoricalAccuracy",
            java.util.Map.of("kk", 2), null)).getMessage());
    assertEquals("Argument `k` of TopKCategoricalAccuracy must be a positive integer. Received: k=0",
        assertThrows(IllegalArgumentException.class, () -> Metrics.fromConfig("TopKCategoricalAccuracy",
            java.util.Map.of("k", 0), null)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Metrics.fromConfig("AUC",
        java.util.Map.of("curve", "XY"), null)).getMessage().startsWith("Argument `curve` of AUC must be one of ['ROC', 'PR', 'PRGAIN'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Metrics.fromConfig("Accurasy",
        java.util.Map.of(), null)).getMessage().startsWith("Unknown metric 'Accurasy'"));
  }

  @Test
  void serializeKeepsArgumentsAndNamesForModelFiles() {
    SparseCategoricalCrossentropy loss = new SparseCategoricalCrossentropy(true);
    assertEquals("accuracy", Metrics.serialize(Metrics.get("accuracy", loss)));
    assertEquals("mse", Metrics.serialize(Metrics.get("mse")));
    Object top2 = Metrics.serialize(new SparseTopKCategoricalAccuracy("top2", 2));
    assertEquals(java.util.Map.of("class_name", "SparseTopKCategoricalAccuracy", "config",
        java.util.Map.of("name", "top2", "k", 2)), top2);
    Metric back = Metrics.deserialize(top2, loss);
    assertEquals("top2", back.name());
    assertEquals(2, ((SparseTopKCategoricalAccuracy) back).k());
    for (Metric m : new Metric[] {new AUC("pr", 50, AUC.Curve.PR, AUC.Summation.MAJORING), new Precision("p", 0.3),
        new Recall("r", 0.7), new BinaryAccuracy("b", 0.2), FBetaScore.builder().name("f").average("micro").beta(2.0)
        .threshold(0.4).build(), new F1Score("f1", "weighted", null),
        new TopKCategoricalAccuracy("t", 3), new SparseCategoricalAccuracy("acc2")}) {
      Metric again = Metrics.deserialize(Metrics.serialize(m), loss);
      assertEquals(m.getClass(), again.getClass());
      assertEquals(m.getConfig(), again.getConfig());
    }
  }

  @Test
  void everyKerasClassNameAndItsSnakeCaseResolve() {
    // keras.metrics.ALL_OBJECTS_DICT holds each class by name and by to_snake_case(name)
    for (String cls : new String[] {"AUC", "Precision", "Recall", "TruePositives", "FalseNegatives", "R2Score",
        "F1Score", "FBetaScore", "BinaryIoU", "KLDivergence", "LogCoshError", "RootMeanSquaredError"}) {
      assertEquals(cls, Metrics.get(cls).name());
      assertEquals(Metrics.snakeCase(cls), Metrics.get(Metrics.snakeCase(cls)).name());
    }
    assertEquals("mean_io_u", Metrics.snakeCase("MeanIoU"));
    assertEquals("f_beta_score", Metrics.snakeCase("FBetaScore"));
    assertEquals("r2_score", Metrics.snakeCase("R2Score"));
    // a class name without config gets Keras's default name
    assertEquals("fbeta_score", Metrics.fromConfig("FBetaScore", java.util.Map.of(), null).name());
    assertEquals("true_positives", Metrics.fromConfig("TruePositives", null, null).name());
  }

  @Test
  void accuracyWithOtherLossesResolvesFromShapes() {
    Metric binary = Metrics.get("accuracy", new MeanSquaredError());
    binary.updateState(Tensor.of(new float[] {1, 0}, 2, 1), Tensor.of(new float[] {0.9f, 0.8f}, 2, 1));
    assertEquals(0.5, binary.result(), 1e-6);
    Metric sparse = Metrics.get("accuracy");
    sparse.updateState(Tensor.of(new int[] {1, 0}), Tensor.of(new float[] {0.1f, 0.9f, 0.3f, 0.7f}, 2, 2));
    assertEquals(0.5, sparse.result(), 1e-6);
  }

  @Test
  void crossentropyMetricFollowsTheLoss() {
    Metric ce = Metrics.get("crossentropy", new SparseCategoricalCrossentropy());
    ce.updateState(Tensor.of(new int[] {1, 2}), Tensor.of(new float[][] {{0.05f, 0.95f, 0}, {0.1f, 0.8f, 0.1f}}));
    assertEquals(1.177, ce.result(), 1e-3);
  }

  @Test
  void unknownNamesListValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.get("acuracy", null));
    assertTrue(e.getMessage().contains("acuracy") && e.getMessage().contains("accuracy"), e.getMessage());
  }

  @Test
  void updatingInsideATapeRecordsNothing() {
    Variable w = new Variable(Tensor.of(new float[] {0.2f, 0.8f}, 1, 2));
    Metric m = new CategoricalAccuracy();
    try (GradientTape tape = new GradientTape()) {
      Tensor pred = w.read().mul(2.0);
      m.updateState(Tensor.of(new float[] {0, 1}, 1, 2), pred);
      // the gradient of pred is unaffected by the metric's ops
      assertEquals(2.0, tape.gradient(pred.reduceSum(), w).toDoubleArray()[0], 1e-6);
    }
    assertEquals(1.0, m.result(), 0.0);
  }

  @Test
  void badShapesNameTheMetric() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CategoricalAccuracy()
        .updateState(Tensor.of(new float[] {0, 1, 0}, 1, 3), Tensor.of(new float[] {0, 1}, 1, 2)));
    assertTrue(e.getMessage().contains("categorical_accuracy"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Precision()
        .updateState(Tensor.of(new float[] {0, 1, 1}), Tensor.of(new float[] {0.5f, 1.5f})));
    assertTrue(e.getMessage().contains("precision") && e.getMessage().contains("(3,)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new Mean("loss")
        .updateState(Tensor.of(new float[] {1, 2, 3}), Tensor.of(new float[] {1, 2})));
    assertTrue(e.getMessage().contains("loss"), e.getMessage());
  }
}

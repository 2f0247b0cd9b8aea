package dev.tapekit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every metric's serialized config survives JSON, as Keras's tests check with
 * {@code assertDictEqual(config, json.loads(json.dumps(config)))}: model files store them so.
 */
class MetricConfigJsonTest {
  @Test
  void configsRoundTripThroughJson() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Metric> metrics = List.of(
        Precision.builder().name("p").thresholds(0.3, 0.7).topK(2).classId(1).build(),
        Recall.builder().thresholds(0.4).build(),
        TruePositives.builder().thresholds(0.1, 0.9).build(),
        AUC.builder().numThresholds(100).curve("PR").summationMethod("majoring").multiLabel(true).numLabels(2)
            .labelWeights(0.75, 0.25).fromLogits(true).build(),
        AUC.builder().thresholds(0.3, 0.5).build(),
        SpecificityAtSensitivity.builder().sensitivity(0.4).numThresholds(50).classId(2).build(),
        FBetaScore.builder().beta(2.0).average("weighted").threshold(0.3).build(),
        R2Score.builder().classAggregation(null).numRegressors(1).build(),
        IoU.builder().numClasses(3).targetClassIds(0, 2).ignoreClass(1).build(),
        BinaryIoU.builder().threshold(0.3).build(),
        OneHotMeanIoU.builder().numClasses(4).sparseYPred(true).build(),
        LossMetric.builder("SparseCategoricalCrossentropy").fromLogits(true).ignoreClass(0).build(),
        SparseTopKCategoricalAccuracy.builder().k(2).fromSortedIds(true).build(),
        BinaryAccuracy.builder().threshold(0.7).build());
    for (Metric m : metrics) {
      Object serialized = Metrics.serialize(m);
      Object back = json.readValue(json.writeValueAsString(serialized), Object.class);
      Metric again = Metrics.deserialize(back, null);
      assertEquals(m.getClass(), again.getClass(), String.valueOf(serialized));
      assertEquals(m.getConfig(), again.getConfig(), String.valueOf(serialized));
      assertEquals(serialized, Metrics.serialize(again));
    }
    // Keras writes unset arguments as null (None), as here: {"thresholds": 0.4, "top_k": null, "class_id": null}
    Map<String, Object> recall = new java.util.LinkedHashMap<>();
    recall.put("name", "recall");
    recall.put("thresholds", 0.4);
    recall.put("top_k", null);
    recall.put("class_id", null);
    assertEquals(Map.of("class_name", "Recall", "config", recall),
        json.readValue(json.writeValueAsString(Metrics.serialize(metrics.get(1))), Object.class));
  }
}

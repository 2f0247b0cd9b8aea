package dev.tapekit.metrics;

/**
 * What Precision and Recall share: Keras's {@code thresholds}, {@code top_k} and {@code class_id} arguments,
 * their confusion counts, and a builder with those setters.
 */
abstract class TopKMetric extends ConfusionMetric {
  TopKMetric(MetricArgs a) {
    this(a, a.integer("top_k", 1, true), a.integer("class_id", 0, true));
  }

  private TopKMetric(MetricArgs a, Integer topK, Integer classId) {
    super(a.name(), config(a, "top_k", topK, "class_id", classId), new Thresholded(
        a.thresholds("thresholds", topK == null ? 0.5 : Thresholded.NEG_INF), topK, classId, false, null, null,
        Thresholded.evenlyDistributed(a.thresholds("thresholds", 0.5))));
  }

  /** A builder of thresholds, top_k and class_id. */
  public abstract static class Builder<B extends Builder<B, M>, M extends Metric> extends MetricBuilder<B, M> {
    Builder(String className, String defaultName) {
      super(className, defaultName, "thresholds", null, "top_k", null, "class_id", null);
    }

    /** Keras's {@code thresholds}: one value in [0, 1], or several (one result each). */
    public B thresholds(double... thresholds) {
      return set("thresholds", thresholdsValue(thresholds));
    }

    /** Keras's {@code top_k}: only each row's k highest predictions are positive. */
    public B topK(int topK) {
      return set("top_k", topK);
    }

    /** Keras's {@code class_id}: the class (index on the last axis) the metric is computed for. */
    public B classId(int classId) {
      return set("class_id", classId);
    }
  }
}

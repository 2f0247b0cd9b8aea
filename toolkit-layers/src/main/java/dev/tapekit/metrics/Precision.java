package dev.tapekit.metrics;

/**
 * The share of positive predictions that are right, tp / (tp + fp) ({@code keras.metrics.Precision}). A prediction is positive above a threshold
 * (default 0.5); labels are positive when non-zero. With {@code topK}, only each row's k highest
 * predictions count as positive (the default threshold is then {@link Thresholded#NEG_INF}); with
 * {@code classId}, only that class (last axis) counts. Several thresholds give one value each in
 * {@link #results()}.
 *
 * <pre>
 * Precision p = Precision.builder().thresholds(0.3, 0.7).topK(2).classId(1).build();
 * </pre>
 */
public final class Precision extends ConfusionMetric {
  /** Named "precision", threshold 0.5. */
  public Precision() {
    this(builder().args());
  }

  /** With a name and the threshold above which a prediction is positive. */
  public Precision(String name, double threshold) {
    this(builder().name(name).thresholds(threshold).args());
  }

  private Precision(MetricArgs a) {
    this(a, a.integer("top_k", 1, true), a.integer("class_id", 0, true));
  }

  private Precision(MetricArgs a, Integer topK, Integer classId) {
    super(a.name(), config(a, "top_k", topK, "class_id", classId), new Thresholded(
        a.thresholds("thresholds", topK == null ? 0.5 : Thresholded.NEG_INF), topK, classId, false, null, null,
        Thresholded.evenlyDistributed(a.thresholds("thresholds", 0.5))));
  }

  @Override
  double at(int i) {
    return Thresholded.divideNoNan(counts.tp(i, 0), counts.tp(i, 0) + counts.fp(i, 0));
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Precision}. */
  public static final class Builder extends MetricBuilder<Builder, Precision> {
    Builder() {
      super("Precision", "precision", "thresholds", null, "top_k", null, "class_id", null);
    }

    /** Keras's {@code thresholds}: one value in [0, 1], or several (one result each). */
    public Builder thresholds(double... thresholds) {
      return set("thresholds", thresholdsValue(thresholds));
    }

    /** Keras's {@code top_k}: only each row's k highest predictions are positive. */
    public Builder topK(int topK) {
      return set("top_k", topK);
    }

    /** Keras's {@code class_id}: the class (index on the last axis) the metric is computed for. */
    public Builder classId(int classId) {
      return set("class_id", classId);
    }

    @Override
    public Precision build() {
      return new Precision(args());
    }
  }
}

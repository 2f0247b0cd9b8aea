package dev.tapekit.metrics;

/**
 * The share of positive labels that are found, tp / (tp + fn) ({@code keras.metrics.Recall}). A prediction is positive above a threshold
 * (default 0.5); labels are positive when non-zero. With {@code topK}, only each row's k highest
 * predictions count as positive (the default threshold is then {@link Thresholded#NEG_INF}); with
 * {@code classId}, only that class (last axis) counts. Several thresholds give one value each in
 * {@link #results()}.
 *
 * <pre>
 * Recall p = Recall.builder().thresholds(0.3, 0.7).topK(2).classId(1).build();
 * </pre>
 */
public final class Recall extends TopKMetric {
  /** Named "recall", threshold 0.5. */
  public Recall() {
    this(builder().args());
  }

  /** With a name and the threshold above which a prediction is positive. */
  public Recall(String name, double threshold) {
    this(builder().name(name).thresholds(threshold).args());
  }

  private Recall(MetricArgs a) {
    super(a);
  }

  @Override
  double at(int i) {
    return Thresholded.divideNoNan(counts.tp(i, 0), counts.tp(i, 0) + counts.fn(i, 0));
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Recall}. */
  public static final class Builder extends TopKMetric.Builder<Builder, Recall> {
    Builder() {
      super("Recall", "recall");
    }

    @Override
    public Recall build() {
      return new Recall(args());
    }
  }
}

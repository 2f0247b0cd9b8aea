package dev.tapekit.metrics;

/**
 * The (weighted) number of positive labels predicted negative ({@code keras.metrics.FalseNegatives}): a prediction is positive above each
 * threshold (default 0.5), a label when non-zero. Several thresholds give one count each in
 * {@link #results()}.
 */
public final class FalseNegatives extends ConfusionMetric {
  /** Named "false_negatives", threshold 0.5. */
  public FalseNegatives() {
    this(builder().args());
  }

  private FalseNegatives(MetricArgs a) {
    super(a.name(), config(a), new Thresholded(a.thresholds("thresholds", 0.5)));
  }

  @Override
  double at(int i) {
    return counts.fn(i, 0);
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link FalseNegatives}. */
  public static final class Builder extends MetricBuilder<Builder, FalseNegatives> {
    Builder() {
      super("FalseNegatives", "false_negatives", "thresholds", null);
    }

    /** Keras's {@code thresholds}: one value in [0, 1], or several (one count each). */
    public Builder thresholds(double... thresholds) {
      return set("thresholds", ConfusionMetric.thresholdsValue(thresholds));
    }

    @Override
    public FalseNegatives build() {
      return new FalseNegatives(args());
    }
  }
}

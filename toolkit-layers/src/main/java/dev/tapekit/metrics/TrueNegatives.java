package dev.tapekit.metrics;

/**
 * The (weighted) number of negative labels predicted negative ({@code keras.metrics.TrueNegatives}): a prediction is positive above each
 * threshold (default 0.5), a label when non-zero. Several thresholds give one count each in
 * {@link #results()}.
 */
public final class TrueNegatives extends ConfusionMetric {
  /** Named "true_negatives", threshold 0.5. */
  public TrueNegatives() {
    this(builder().args());
  }

  private TrueNegatives(MetricArgs a) {
    super(a.name(), config(a), new Thresholded(a.thresholds("thresholds", 0.5)));
  }

  @Override
  double at(int i) {
    return counts.tn(i, 0);
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TrueNegatives}. */
  public static final class Builder extends MetricBuilder<Builder, TrueNegatives> {
    Builder() {
      super("TrueNegatives", "true_negatives", "thresholds", null);
    }

    /** Keras's {@code thresholds}: one value in [0, 1], or several (one count each). */
    public Builder thresholds(double... thresholds) {
      return set("thresholds", ConfusionMetric.thresholdsValue(thresholds));
    }

    @Override
    public TrueNegatives build() {
      return new TrueNegatives(args());
    }
  }
}

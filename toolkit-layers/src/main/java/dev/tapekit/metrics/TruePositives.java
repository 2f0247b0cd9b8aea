package dev.tapekit.metrics;

/**
 * The (weighted) number of positive labels predicted positive ({@code keras.metrics.TruePositives}): a prediction is positive above each
 * threshold (default 0.5), a label when non-zero. Several thresholds give one count each in
 * {@link #results()}.
 */
public final class TruePositives extends ConfusionMetric {
  /** Named "true_positives", threshold 0.5. */
  public TruePositives() {
    this(builder().args());
  }

  private TruePositives(MetricArgs a) {
    super(a.name(), config(a), new Thresholded(a.thresholds("thresholds", 0.5)));
  }

  @Override
  double at(int i) {
    return counts.tp(i, 0);
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TruePositives}. */
  public static final class Builder extends MetricBuilder<Builder, TruePositives> {
    Builder() {
      super("TruePositives", "true_positives", "thresholds", null);
    }

    /** Keras's {@code thresholds}: one value in [0, 1], or several (one count each). */
    public Builder thresholds(double... thresholds) {
      return set("thresholds", ConfusionMetric.thresholdsValue(thresholds));
    }

    @Override
    public TruePositives build() {
      return new TruePositives(args());
    }
  }
}

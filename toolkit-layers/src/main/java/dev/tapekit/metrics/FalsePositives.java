package dev.tapekit.metrics;

/**
 * The (weighted) number of negative labels predicted positive ({@code keras.metrics.FalsePositives}): a prediction is positive above each
 * threshold (default 0.5), a label when non-zero. Several thresholds give one count each in
 * {@link #results()}.
 */
public final class FalsePositives extends ConfusionMetric {
  /** Named "false_positives", threshold 0.5. */
  public FalsePositives() {
    this(builder().args());
  }

  private FalsePositives(MetricArgs a) {
    super(a.name(), config(a), new Thresholded(a.thresholds("thresholds", 0.5)));
  }

  @Override
  double at(int i) {
    return counts.fp(i, 0);
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link FalsePositives}. */
  public static final class Builder extends MetricBuilder<Builder, FalsePositives> {
    Builder() {
      super("FalsePositives", "false_positives", "thresholds", null);
    }

    /** Keras's {@code thresholds}: one value in [0, 1], or several (one count each). */
    public Builder thresholds(double... thresholds) {
      return set("thresholds", ConfusionMetric.thresholdsValue(thresholds));
    }

    @Override
    public FalsePositives build() {
      return new FalsePositives(args());
    }
  }
}

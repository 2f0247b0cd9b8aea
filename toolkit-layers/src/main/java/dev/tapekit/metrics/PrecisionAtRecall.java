package dev.tapekit.metrics;

/**
 * the best precision where the recall is at least the target, over evenly spaced thresholds ({@code keras.metrics.PrecisionAtRecall}):
 * {@code PrecisionAtRecall.builder().recall(0.5).numThresholds(200).classId(1).build()}.
 */
public final class PrecisionAtRecall extends SensitivitySpecificityBase {
  /** Named "precision_at_recall", 200 thresholds. */
  public PrecisionAtRecall(double recall) {
    this(builder().recall(recall).args());
  }

  private PrecisionAtRecall(MetricArgs a) {
    super(a, "recall");
  }

  @Override
  public double result() {
    return maxWhere(this::sensitivity, this::precision);
  }

  /** A builder with Keras's arguments; {@code recall} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link PrecisionAtRecall}. */
  public static final class Builder extends SensitivitySpecificityBase.Builder<Builder, PrecisionAtRecall> {
    Builder() {
      super("PrecisionAtRecall", "precision_at_recall", "recall");
    }

    /** Keras's {@code recall}: the target in [0, 1]. */
    public Builder recall(double recall) {
      return set("recall", recall);
    }

    @Override
    public PrecisionAtRecall build() {
      return new PrecisionAtRecall(args());
    }
  }
}

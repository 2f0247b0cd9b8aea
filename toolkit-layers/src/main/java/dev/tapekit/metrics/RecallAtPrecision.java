package dev.tapekit.metrics;

/**
 * the best recall where the precision is at least the target, over evenly spaced thresholds ({@code keras.metrics.RecallAtPrecision}):
 * {@code RecallAtPrecision.builder().precision(0.5).numThresholds(200).classId(1).build()}.
 */
public final class RecallAtPrecision extends SensitivitySpecificityBase {
  /** Named "recall_at_precision", 200 thresholds. */
  public RecallAtPrecision(double precision) {
    this(builder().precision(precision).args());
  }

  private RecallAtPrecision(MetricArgs a) {
    super(a, "precision");
  }

  @Override
  public double result() {
    return maxWhere(this::precision, this::sensitivity);
  }

  /** A builder with Keras's arguments; {@code precision} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link RecallAtPrecision}. */
  public static final class Builder extends SensitivitySpecificityBase.Builder<Builder, RecallAtPrecision> {
    Builder() {
      super("RecallAtPrecision", "recall_at_precision", "precision");
    }

    /** Keras's {@code precision}: the target in [0, 1]. */
    public Builder precision(double precision) {
      return set("precision", precision);
    }

    @Override
    public RecallAtPrecision build() {
      return new RecallAtPrecision(args());
    }
  }
}

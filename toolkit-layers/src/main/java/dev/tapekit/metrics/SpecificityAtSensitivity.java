package dev.tapekit.metrics;

/**
 * the best specificity where the sensitivity (recall) is at least the target, over evenly spaced thresholds ({@code keras.metrics.SpecificityAtSensitivity}):
 * {@code SpecificityAtSensitivity.builder().sensitivity(0.5).numThresholds(200).classId(1).build()}.
 */
public final class SpecificityAtSensitivity extends SensitivitySpecificityBase {
  /** Named "specificity_at_sensitivity", 200 thresholds. */
  public SpecificityAtSensitivity(double sensitivity) {
    this(builder().sensitivity(sensitivity).args());
  }

  private SpecificityAtSensitivity(MetricArgs a) {
    super(a, "sensitivity");
  }

  @Override
  public double result() {
    return maxWhere(this::sensitivity, this::specificity);
  }

  /** A builder with Keras's arguments; {@code sensitivity} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SpecificityAtSensitivity}. */
  public static final class Builder extends SensitivitySpecificityBase.Builder<Builder, SpecificityAtSensitivity> {
    Builder() {
      super("SpecificityAtSensitivity", "specificity_at_sensitivity", "sensitivity");
    }

    /** Keras's {@code sensitivity}: the target in [0, 1]. */
    public Builder sensitivity(double sensitivity) {
      return set("sensitivity", sensitivity);
    }

    @Override
    public SpecificityAtSensitivity build() {
      return new SpecificityAtSensitivity(args());
    }
  }
}

package dev.tapekit.metrics;

/**
 * the best sensitivity (recall) where the specificity is at least the target, over evenly spaced thresholds ({@code keras.metrics.SensitivityAtSpecificity}):
 * {@code SensitivityAtSpecificity.builder().specificity(0.5).numThresholds(200).classId(1).build()}.
 */
public final class SensitivityAtSpecificity extends SensitivitySpecificityBase {
  /** Named "sensitivity_at_specificity", 200 thresholds. */
  public SensitivityAtSpecificity(double specificity) {
    this(builder().specificity(specificity).args());
  }

  private SensitivityAtSpecificity(MetricArgs a) {
    super(a, "specificity");
  }

  @Override
  public double result() {
    return maxWhere(this::specificity, this::sensitivity);
  }

  /** A builder with Keras's arguments; {@code specificity} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SensitivityAtSpecificity}. */
  public static final class Builder extends SensitivitySpecificityBase.Builder<Builder, SensitivityAtSpecificity> {
    Builder() {
      super("SensitivityAtSpecificity", "sensitivity_at_specificity", "specificity");
    }

    /** Keras's {@code specificity}: the target in [0, 1]. */
    public Builder specificity(double specificity) {
      return set("specificity", specificity);
    }

    @Override
    public SensitivityAtSpecificity build() {
      return new SensitivityAtSpecificity(args());
    }
  }
}

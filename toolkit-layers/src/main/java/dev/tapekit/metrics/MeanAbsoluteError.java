package dev.tapekit.metrics;

import dev.tapekit.losses.LossFunctions;
import dev.tapekit.losses.LossSupport;

/** Computes the mean absolute error ({@code keras.metrics.MeanAbsoluteError}). */
public final class MeanAbsoluteError extends MeanMetricWrapper {
  /** Named "mean_absolute_error". */
  public MeanAbsoluteError() {
    this("mean_absolute_error");
  }

  /** With a name. */
  public MeanAbsoluteError(String name) {
    super(name, (t, p) -> LossFunctions.meanAbsoluteError(LossSupport.castLike(t, p), p));
  }

  /** A builder with Keras's arguments ({@code name}). */
  public static MetricBuilder.Named<MeanAbsoluteError> builder() {
    return new MetricBuilder.Named<>("MeanAbsoluteError", "mean_absolute_error", MeanAbsoluteError::new);
  }
}

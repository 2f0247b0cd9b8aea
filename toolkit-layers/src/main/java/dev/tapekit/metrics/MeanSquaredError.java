package dev.tapekit.metrics;

import dev.tapekit.losses.LossFunctions;
import dev.tapekit.losses.LossSupport;

/** Computes the mean squared error ({@code keras.metrics.MeanSquaredError}). */
public final class MeanSquaredError extends MeanMetricWrapper {
  /** Named "mean_squared_error". */
  public MeanSquaredError() {
    this("mean_squared_error");
  }

  /** With a name. */
  public MeanSquaredError(String name) {
    super(name, (t, p) -> LossFunctions.meanSquaredError(LossSupport.castLike(t, p), p));
  }

  /** A builder with Keras's arguments ({@code name}). */
  public static MetricBuilder.Named<MeanSquaredError> builder() {
    return new MetricBuilder.Named<>("MeanSquaredError", "mean_squared_error", MeanSquaredError::new);
  }
}

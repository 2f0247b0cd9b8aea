package dev.tapekit.metrics;

/** The square root of the weighted mean squared error ({@code keras.metrics.RootMeanSquaredError}). */
public final class RootMeanSquaredError extends MeanMetricWrapper {
  /** Named "root_mean_squared_error". */
  public RootMeanSquaredError() {
    this("root_mean_squared_error");
  }

  /** With a name. */
  public RootMeanSquaredError(String name) {
    super(name, MetricFunctions::squaredError);
  }

  @Override
  public double result() {
    return Math.sqrt(super.result());
  }

  /** A builder with Keras's arguments ({@code name}). */
  public static MetricBuilder.Named<RootMeanSquaredError> builder() {
    return new MetricBuilder.Named<>("RootMeanSquaredError", "root_mean_squared_error", RootMeanSquaredError::new);
  }
}

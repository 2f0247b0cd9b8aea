package dev.tapekit.metrics;

/** Computes how often the argmax of predictions equals the argmax of one-hot labels ({@code keras.metrics.CategoricalAccuracy}). */
public final class CategoricalAccuracy extends MeanMetricWrapper {
  /** Named "categorical_accuracy". */
  public CategoricalAccuracy() {
    this("categorical_accuracy");
  }

  /** With a name. */
  public CategoricalAccuracy(String name) {
    super(name, MetricFunctions::categoricalAccuracy);
  }

  /** A builder with Keras's arguments ({@code name}). */
  public static MetricBuilder.Named<CategoricalAccuracy> builder() {
    return new MetricBuilder.Named<>("CategoricalAccuracy", "categorical_accuracy", CategoricalAccuracy::new);
  }
}

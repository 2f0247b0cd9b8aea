package dev.tapekit.metrics;

/** Computes how often the argmax of predictions equals integer labels ({@code keras.metrics.SparseCategoricalAccuracy}). */
public final class SparseCategoricalAccuracy extends MeanMetricWrapper {
  /** Named "sparse_categorical_accuracy". */
  public SparseCategoricalAccuracy() {
    this("sparse_categorical_accuracy");
  }

  /** With a name. */
  public SparseCategoricalAccuracy(String name) {
    super(name, MetricFunctions::sparseCategoricalAccuracy);
  }

  /** A builder with Keras's arguments ({@code name}). */
  public static MetricBuilder.Named<SparseCategoricalAccuracy> builder() {
    return new MetricBuilder.Named<>("SparseCategoricalAccuracy", "sparse_categorical_accuracy", SparseCategoricalAccuracy::new);
  }
}

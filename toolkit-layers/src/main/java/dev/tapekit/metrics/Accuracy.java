package dev.tapekit.metrics;

/** Computes how often predictions equal labels exactly ({@code keras.metrics.Accuracy}). */
public final class Accuracy extends MeanMetricWrapper {
  /** Named "accuracy". */
  public Accuracy() {
    this("accuracy");
  }

  /** With a name. */
  public Accuracy(String name) {
    super(name, MetricFunctions::accuracy);
  }

  /** A builder with Keras's arguments ({@code name}). */
  public static MetricBuilder.Named<Accuracy> builder() {
    return new MetricBuilder.Named<>("Accuracy", "accuracy", Accuracy::new);
  }
}

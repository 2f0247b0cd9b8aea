package dev.tapekit.metrics;

/**
 * How often the true class (argmax of one-hot labels) is among the k highest predictions
 * ({@code keras.metrics.TopKCategoricalAccuracy}).
 */
public final class TopKCategoricalAccuracy extends MeanMetricWrapper {
  private final int k;

  /** Named "top_k_categorical_accuracy", k = 5. */
  public TopKCategoricalAccuracy() {
    this(5);
  }

  /** With k. */
  public TopKCategoricalAccuracy(int k) {
    this("top_k_categorical_accuracy", k);
  }

  /** With a name and k. */
  public TopKCategoricalAccuracy(String name, int k) {
    super(name, (t, p) -> MetricFunctions.topKCategoricalAccuracy(t, p, requirePositive(k)));
    this.k = k;
  }

  /** How many of the highest predictions count. */
  public int k() {
    return k;
  }

  @Override
  public java.util.Map<String, Object> getConfig() {
    java.util.Map<String, Object> c = super.getConfig();
    c.put("k", k);
    return c;
  }

  static int requirePositive(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("top_k_categorical_accuracy: k must be >= 1, got " + k);
    }
    return k;
  }
}

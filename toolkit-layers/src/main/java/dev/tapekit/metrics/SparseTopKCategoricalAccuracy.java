package dev.tapekit.metrics;

/**
 * How often the integer label is among the k highest predictions
 * ({@code keras.metrics.SparseTopKCategoricalAccuracy}).
 */
public final class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  private final int k;

  /** Named "sparse_top_k_categorical_accuracy", k = 5. */
  public SparseTopKCategoricalAccuracy() {
    this(5);
  }

  /** With k. */
  public SparseTopKCategoricalAccuracy(int k) {
    this("sparse_top_k_categorical_accuracy", k);
  }

  /** With a name and k. */
  public SparseTopKCategoricalAccuracy(String name, int k) {
    super(name, (t, p) -> MetricFunctions.sparseTopKCategoricalAccuracy(t, p,
        TopKCategoricalAccuracy.requirePositive(k)));
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
}

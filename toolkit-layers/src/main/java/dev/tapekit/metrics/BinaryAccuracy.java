package dev.tapekit.metrics;

/** How often (prediction > threshold) equals the 0/1 label ({@code keras.metrics.BinaryAccuracy}). */
public final class BinaryAccuracy extends MeanMetricWrapper {
  private final double threshold;

  /** Named "binary_accuracy", threshold 0.5. */
  public BinaryAccuracy() {
    this("binary_accuracy", 0.5);
  }

  /** With a name, threshold 0.5. */
  public BinaryAccuracy(String name) {
    this(name, 0.5);
  }

  /** With a name and the threshold above which a prediction counts as 1. */
  public BinaryAccuracy(String name, double threshold) {
    super(name, (t, p) -> MetricFunctions.binaryAccuracy(t, p, threshold));
    this.threshold = threshold;
  }

  @Override
  public java.util.Map<String, Object> getConfig() {
    java.util.Map<String, Object> c = super.getConfig();
    c.put("threshold", threshold);
    return c;
  }

  /** The decision threshold. */
  public double threshold() {
    return threshold;
  }
}

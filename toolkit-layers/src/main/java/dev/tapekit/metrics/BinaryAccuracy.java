package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;
import java.util.Map;
import java.util.function.BiFunction;

/** How often (prediction > threshold) equals the 0/1 label ({@code keras.metrics.BinaryAccuracy}). */
public final class BinaryAccuracy extends MeanMetricWrapper {
  private final double threshold;

  /** Named "binary_accuracy", threshold 0.5. */
  public BinaryAccuracy() {
    this(builder().args());
  }

  /** With a name, threshold 0.5. */
  public BinaryAccuracy(String name) {
    this(builder().name(name).args());
  }

  /** With a name and the threshold above which a prediction counts as 1. */
  public BinaryAccuracy(String name, double threshold) {
    this(builder().name(name).threshold(threshold).args());
  }

  private BinaryAccuracy(MetricArgs a) {
    super(a.name(), fn(a.number("threshold")));
    this.threshold = a.number("threshold");
  }

  private static BiFunction<Tensor, Tensor, Tensor> fn(double threshold) {
    return (t, p) -> MetricFunctions.binaryAccuracy(t, p, threshold);
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = super.getConfig();
    c.put("threshold", threshold);
    return c;
  }

  /** The decision threshold. */
  public double threshold() {
    return threshold;
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link BinaryAccuracy}. */
  public static final class Builder extends MetricBuilder<Builder, BinaryAccuracy> {
    Builder() {
      super("BinaryAccuracy", "binary_accuracy", "threshold", 0.5);
    }

    /** Keras's {@code threshold}: predictions above it count as 1 (default 0.5). */
    public Builder threshold(double threshold) {
      return set("threshold", threshold);
    }

    @Override
    public BinaryAccuracy build() {
      return new BinaryAccuracy(args());
    }
  }
}

package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;

/** The weighted sum of the values seen so far ({@code keras.metrics.Sum}); takes (values, sampleWeight). */
public final class Sum implements Metric {
  private final String name;
  private double total;

  /** Named "sum". */
  public Sum() {
    this("sum");
  }

  /** With a name. */
  public Sum(String name) {
    this.name = name;
  }

  /** Adds value * weight. */
  public void update(double value, double weight) {
    total += value * weight;
  }

  /** Adds all values. */
  public void updateState(Tensor values) {
    updateState(values, (Tensor) null);
  }

  /** Adds the values weighted by {@code sampleWeight} (may be null). */
  @Override
  public void updateState(Tensor values, Tensor sampleWeight) {
    if (values == null) {
      throw new IllegalArgumentException(name + ": values are null");
    }
    total += Samplewise.reduce(name, values.array(), sampleWeight == null ? null : sampleWeight.array(), true)[0];
  }

  /** Not meaningful for a plain sum: use {@link #updateState(Tensor, Tensor)} with (values, sampleWeight). */
  @Override
  public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    throw new UnsupportedOperationException(name + " is a Sum of values: call updateState(values, sampleWeight)");
  }

  @Override
  public double result() {
    return total;
  }

  @Override
  public void resetState() {
    total = 0;
  }

  @Override
  public String name() {
    return name;
  }

  /** A builder with Keras's arguments ({@code name}). */
  public static MetricBuilder.Named<Sum> builder() {
    return new MetricBuilder.Named<>("Sum", "sum", Sum::new);
  }
}

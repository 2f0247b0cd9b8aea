package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;

/**
 * The weighted mean of the values seen so far ({@code keras.metrics.Mean}). As in Keras,
 * {@link #updateState(Tensor, Tensor)} takes {@code (values, sampleWeight)}: values of rank > 1 are first
 * averaged per sample. The fit loop's running "loss" is a {@code Mean} fed with {@link #update}.
 */
public class Mean implements Metric {
  private final String name;
  private double total;
  private double count;

  /** Named "mean". */
  public Mean() {
    this("mean");
  }

  /** With a name. */
  public Mean(String name) {
    this.name = name;
  }

  /** Adds one value with a weight (e.g. a batch's mean loss weighted by the batch size). */
  public void update(double value, double weight) {
    total += value * weight;
    count += weight;
  }

  /** Adds the values, each with weight 1. */
  public void updateState(Tensor values) {
    updateState(values, (Tensor) null);
  }

  /** Adds the values weighted by {@code sampleWeight} (may be null), as Keras's {@code update_state}. */
  @Override
  public void updateState(Tensor values, Tensor sampleWeight) {
    if (values == null) {
      throw new IllegalArgumentException(name + ": values are null");
    }
    accumulate(Samplewise.reduce(name, values.array(), sampleWeight == null ? null : sampleWeight.array(), false));
  }

  /** Not meaningful for a plain mean: use {@link #updateState(Tensor, Tensor)} with (values, sampleWeight). */
  @Override
  public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    throw new UnsupportedOperationException(name + " is a Mean of values: call updateState(values, sampleWeight)");
  }

  /** Adds a batch's {total, count}. */
  final void accumulate(double[] totalAndCount) {
    total += totalAndCount[0];
    count += totalAndCount[1];
  }

  /** total / count, or 0 before any update (Keras's divide_no_nan). */
  @Override
  public double result() {
    return count == 0 ? 0.0 : total / count;
  }

  /** The weighted sum of values so far. */
  public double total() {
    return total;
  }

  /** The sum of weights so far. */
  public double count() {
    return count;
  }

  @Override
  public void resetState() {
    total = 0;
    count = 0;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(name=" + name + ", result=" + result() + ")";
  }

  /**
   * A builder with Keras's arguments ({@code name}). Typed loosely so that the metrics extending Mean
   * (MeanMetricWrapper's) can have builders of their own.
   */
  public static MetricBuilder<?, ? extends Mean> builder() {
    return new MetricBuilder.Named<Mean>("Mean", "mean", Mean::new);
  }
}

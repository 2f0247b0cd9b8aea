package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;

/**
 * Computes the recall tp / (tp + fn) of predictions above a threshold ({@code keras.metrics.Recall}). Labels are positive when non-zero; predictions must lie in [0, 1].
 */
public final class Recall implements Metric {
  private final String name;
  private final Thresholded counts;
  private final double threshold;

  /** Named "recall", threshold 0.5. */
  public Recall() {
    this("recall", 0.5);
  }

  /** With a name and the threshold above which a prediction is positive. */
  public Recall(String name, double threshold) {
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new IllegalArgumentException("Recall: threshold must be in [0, 1], got " + threshold);
    }
    this.name = name;
    this.counts = new Thresholded(new double[] {threshold});
    this.threshold = threshold;
  }

  @Override
  public java.util.Map<String, Object> getConfig() {
    java.util.Map<String, Object> c = Metric.super.getConfig();
    c.put("thresholds", threshold);
    return c;
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred) {
    updateState(yTrue, yPred, null);
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    counts.update(name, yTrue, yPred, sampleWeight);
  }

  @Override
  public double result() {
    return Thresholded.divideNoNan(counts.tp[0], counts.tp[0] + counts.fn[0]);
  }

  @Override
  public void resetState() {
    counts.reset();
  }

  @Override
  public String name() {
    return name;
  }
}

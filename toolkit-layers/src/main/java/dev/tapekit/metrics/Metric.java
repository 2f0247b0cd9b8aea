package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;

/**
 * A streaming metric like {@code keras.metrics.Metric}: accumulates state over batches with
 * {@link #updateState} and reports it with {@link #result}. Metrics never record on gradient tapes.
 */
public interface Metric {
  /** Accumulates one batch. */
  void updateState(Tensor yTrue, Tensor yPred);

  /** Accumulates one batch with per-sample weights; {@code sampleWeight} may be null. */
  void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight);

  /**
   * The current value. For a metric whose Keras result is a list (several thresholds of Precision, Recall
   * or TruePositives) this throws, pointing at {@link #results()}; F1Score and R2Score without averaging
   * return the mean of {@link #results()} (see each class).
   */
  double result();

  /**
   * Keras's {@code result()} as an array: one value per threshold, in the order given (Precision, Recall,
   * TruePositives... with several thresholds), per class (F1Score with {@code average=None}, R2Score with
   * {@code class_aggregation=None}), or the single value of every other metric.
   */
  default double[] results() {
    return new double[] {result()};
  }

  /** Forgets all accumulated state. */
  void resetState();

  /** The key shown in logs and History, e.g. {@code "accuracy"} or {@code "loss"}. */
  String name();

  /**
   * Keras's config of the metric: {@code name} and the arguments it was built with ({@code k},
   * {@code threshold}, ...), as {@link Metrics#fromConfig} takes them back. Saved in model files.
   */
  default java.util.Map<String, Object> getConfig() {
    java.util.Map<String, Object> c = new java.util.LinkedHashMap<>();
    c.put("name", name());
    return c;
  }
}

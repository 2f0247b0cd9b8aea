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

  /** The current value. */
  double result();

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

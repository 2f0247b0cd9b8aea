package dev.tapekit.data;

import dev.tapekit.core.Tensor;

/**
 * A streaming source of batches, for data larger than memory. Each call to {@link #iterator()} starts
 * a new pass (epoch) over the data. {@code fit}, {@code evaluate} and {@code predict} take one.
 */
public interface BatchSource extends Iterable<Batch> {
  /** tf.data's {@code INFINITE_CARDINALITY}: the source never runs out (a {@code repeat()}). */
  long INFINITE = -1;
  /** tf.data's {@code UNKNOWN_CARDINALITY}: the number of batches is found by running out. */
  long UNKNOWN = -2;

  /** The number of batches one pass yields, or {@link #INFINITE} or {@link #UNKNOWN} (the default). */
  default long cardinality() {
    return UNKNOWN;
  }

  /**
   * True when every batch a pass yields is a new tensor that nothing else holds, so a training loop may
   * free its memory as soon as the step that used it is done (the default: false).
   */
  default boolean freshBatches() {
    return false;
  }

  /** Frees a batch's memory now, for loops over a source whose {@link #freshBatches()} is true. */
  static void free(Batch b) {
    free(b.x());
    free(b.y());
  }

  private static void free(Tensor t) {
    if (t != null && t.array().closeable()) {
      t.array().close();
    }
  }
}

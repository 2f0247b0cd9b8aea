package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * How often the integer label is among the k highest predictions ({@code keras.metrics.SparseTopKCategoricalAccuracy}); ties at the boundary count as inside, as {@code in_top_k}.
 */
public final class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  private final int k;
  private final boolean fromSortedIds;

  /** Named "sparse_top_k_categorical_accuracy", k = 5. */
  public SparseTopKCategoricalAccuracy() {
    this(builder().args());
  }

  /** With k. */
  public SparseTopKCategoricalAccuracy(int k) {
    this(builder().k(k).args());
  }

  /** With a name and k. */
  public SparseTopKCategoricalAccuracy(String name, int k) {
    this(builder().name(name).k(k).args());
  }

  private SparseTopKCategoricalAccuracy(MetricArgs a) {
    super(a.name(), fn(a.integer("k", 1, false), a.bool("from_sorted_ids")));
    this.k = a.integer("k", 1, false);
    this.fromSortedIds = a.bool("from_sorted_ids");
  }

  private static BiFunction<Tensor, Tensor, Tensor> fn(int k, boolean fromSortedIds) {
    return fromSortedIds ? (t, p) -> MetricFunctions.sparseTopKFromSortedIds(t, p, k)
        : (t, p) -> MetricFunctions.sparseTopKCategoricalAccuracy(t, p, k);
  }

  /** How many of the highest predictions count. */
  public int k() {
    return k;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = super.getConfig();
    c.put("k", k);
    if (fromSortedIds) {
      // Keras writes the key only when it is set
      c.put("from_sorted_ids", true);
    }
    return c;
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SparseTopKCategoricalAccuracy}. */
  public static final class Builder extends MetricBuilder<Builder, SparseTopKCategoricalAccuracy> {
    Builder() {
      super("SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy", "k", 5, "from_sorted_ids", false);
    }

    /** Keras's {@code k}: how many of the highest predictions count (default 5). */
    public Builder k(int k) {
      return set("k", k);
    }

    /** Keras's {@code from_sorted_ids}: predictions are class ids sorted by score, not scores. */
    public Builder fromSortedIds(boolean fromSortedIds) {
      return set("from_sorted_ids", fromSortedIds);
    }

    @Override
    public SparseTopKCategoricalAccuracy build() {
      return new SparseTopKCategoricalAccuracy(args());
    }
  }
}

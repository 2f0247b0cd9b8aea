package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * How often the integer label is among the k highest predictions ({@code keras.metrics.SparseTopKCategoricalAccuracy}); ties at the boundary count as inside, as {@code in_top_k}.
 */
public final class SparseTopKCategoricalAccuracy extends MeanMetricWrapper {
  private final int k;

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
    super(a.name(), fn(a.integer("k", 1, false)));
    this.k = a.integer("k", 1, false);
  }

  private static BiFunction<Tensor, Tensor, Tensor> fn(int k) {
    return (t, p) -> MetricFunctions.sparseTopKCategoricalAccuracy(t, p, k);
  }

  /** How many of the highest predictions count. */
  public int k() {
    return k;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = super.getConfig();
    c.put("k", k);
    return c;
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link SparseTopKCategoricalAccuracy}. */
  public static final class Builder extends MetricBuilder<Builder, SparseTopKCategoricalAccuracy> {
    Builder() {
      super("SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy", "k", 5);
    }

    /** Keras's {@code k}: how many of the highest predictions count (default 5). */
    public Builder k(int k) {
      return set("k", k);
    }

    @Override
    public SparseTopKCategoricalAccuracy build() {
      return new SparseTopKCategoricalAccuracy(args());
    }
  }
}

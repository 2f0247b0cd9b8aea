package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * How often the true class (argmax of one-hot labels) is among the k highest predictions ({@code keras.metrics.TopKCategoricalAccuracy}); ties at the boundary count as inside, as {@code in_top_k}.
 */
public final class TopKCategoricalAccuracy extends MeanMetricWrapper {
  private final int k;

  /** Named "top_k_categorical_accuracy", k = 5. */
  public TopKCategoricalAccuracy() {
    this(builder().args());
  }

  /** With k. */
  public TopKCategoricalAccuracy(int k) {
    this(builder().k(k).args());
  }

  /** With a name and k. */
  public TopKCategoricalAccuracy(String name, int k) {
    this(builder().name(name).k(k).args());
  }

  private TopKCategoricalAccuracy(MetricArgs a) {
    super(a.name(), fn(a.integer("k", 1, false)));
    this.k = a.integer("k", 1, false);
  }

  private static BiFunction<Tensor, Tensor, Tensor> fn(int k) {
    return (t, p) -> MetricFunctions.topKCategoricalAccuracy(t, p, k);
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

  /** Builds a {@link TopKCategoricalAccuracy}. */
  public static final class Builder extends MetricBuilder<Builder, TopKCategoricalAccuracy> {
    Builder() {
      super("TopKCategoricalAccuracy", "top_k_categorical_accuracy", "k", 5);
    }

    /** Keras's {@code k}: how many of the highest predictions count (default 5). */
    public Builder k(int k) {
      return set("k", k);
    }

    @Override
    public TopKCategoricalAccuracy build() {
      return new TopKCategoricalAccuracy(args());
    }
  }
}

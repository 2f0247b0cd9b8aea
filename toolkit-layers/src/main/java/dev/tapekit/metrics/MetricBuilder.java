package dev.tapekit.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builder shared by all metrics, as the optimizers' builder: the setters are Keras's argument names in
 * camelCase and write Keras's snake_case config keys, so {@link Metrics#fromConfig} and the builders
 * take the same map. Values are validated by the metric when {@link #build()} runs.
 *
 * @param <B> the concrete builder
 * @param <M> the metric it builds
 */
public abstract class MetricBuilder<B extends MetricBuilder<B, M>, M extends Metric> {
  /** Marks an argument Keras requires (no default), e.g. MeanIoU's {@code num_classes}. */
  static final Object REQUIRED = new Object() {
    @Override
    public String toString() {
      return "<required>";
    }
  };

  final String className;
  final LinkedHashMap<String, Object> config = new LinkedHashMap<>();

  /** {@code keyDefaults}: alternating Keras keys and default values, after {@code name}. */
  MetricBuilder(String className, String defaultName, Object... keyDefaults) {
    this.className = className;
    config.put("name", defaultName);
    for (int i = 0; i < keyDefaults.length; i += 2) {
      config.put((String) keyDefaults[i], keyDefaults[i + 1]);
    }
  }

  @SuppressWarnings("unchecked")
  final B self() {
    return (B) this;
  }

  /**
   * Sets a config entry by Keras's key, e.g. {@code set("num_thresholds", 50)}. {@code dtype} takes
   * "float32" only (metrics accumulate in float64 and report doubles); other keys the metric does not take
   * throw, listing the valid ones.
   */
  public B set(String key, Object value) {
    if ("dtype".equals(key)) {
      if (value != null && !"float32".equals(value)) {
        throw new IllegalArgumentException("Argument `dtype` of " + className + " must be 'float32' (metrics "
            + "accumulate in floating point). Received: dtype=" + MetricArgs.repr(value));
      }
      return self();
    }
    if (!config.containsKey(key)) {
      java.util.List<String> valid = new java.util.ArrayList<>(config.keySet());
      valid.add(1, "dtype");
      throw new IllegalArgumentException("Argument(s) not recognized: {" + key + "=" + value + "}; valid: " + valid);
    }
    config.put(key, value);
    return self();
  }

  /** Sets every entry of a Keras config map ({@code get_config()} of the metric). */
  public B setAll(Map<String, ?> entries) {
    for (Map.Entry<String, ?> e : entries.entrySet()) {
      set(e.getKey(), e.getValue());
    }
    return self();
  }

  /** The key shown in logs and History (Keras's {@code name}). */
  public B name(String name) {
    return set("name", name);
  }

  /** Keras's {@code dtype}: "float32" only. */
  public B dtype(String dtype) {
    return set("dtype", dtype);
  }

  /** Validates the arguments and builds the metric. */
  public abstract M build();

  /** The arguments as the metric's constructor reads them. */
  final MetricArgs args() {
    return new MetricArgs(className, config);
  }

  /** The builder of a metric whose only argument is its name (Accuracy, MeanSquaredError, Mean, ...). */
  public static final class Named<M extends Metric> extends MetricBuilder<Named<M>, M> {
    private final java.util.function.Function<String, M> factory;

    Named(String className, String defaultName, java.util.function.Function<String, M> factory) {
      super(className, defaultName);
      this.factory = factory;
    }

    @Override
    public M build() {
      return factory.apply(args().name());
    }
  }
}

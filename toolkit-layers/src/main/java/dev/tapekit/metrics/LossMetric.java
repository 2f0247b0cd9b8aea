package dev.tapekit.metrics;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.losses.Loss;
import dev.tapekit.losses.Losses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics Keras makes of its losses ({@code keras.metrics.BinaryCrossentropy}, {@code KLDivergence},
 * {@code Poisson}, {@code Hinge}, {@code LogCoshError}, {@code CosineSimilarity}, ...): the weighted mean
 * of the loss's per-sample values, computed by the loss itself (its reduction set to none). This is what
 * {@code compile(metrics=["binary_crossentropy"])} gives, logged under the name asked for.
 * {@link #className()} is the Keras class, which configs name.
 */
public final class LossMetric extends MeanMetricWrapper {
  /** Keras metric class, loss class, default name and arguments with their defaults. */
  private record Kind(String metricClass, String lossClass, String defaultName, boolean negate, Object[] keyDefaults) {}

  private static final Map<String, Kind> KINDS = new LinkedHashMap<>();

  static {
    kind("BinaryCrossentropy", "BinaryCrossentropy", "binary_crossentropy", false,
        "from_logits", false, "label_smoothing", 0.0);
    kind("CategoricalCrossentropy", "CategoricalCrossentropy", "categorical_crossentropy", false,
        "from_logits", false, "label_smoothing", 0.0, "axis", -1);
    kind("SparseCategoricalCrossentropy", "SparseCategoricalCrossentropy", "sparse_categorical_crossentropy", false,
        "from_logits", false, "ignore_class", null, "axis", -1);
    kind("KLDivergence", "KLDivergence", "kl_divergence", false);
    kind("Poisson", "Poisson", "poisson", false);
    kind("Hinge", "Hinge", "hinge", false);
    kind("SquaredHinge", "SquaredHinge", "squared_hinge", false);
    kind("CategoricalHinge", "CategoricalHinge", "categorical_hinge", false);
    kind("MeanAbsolutePercentageError", "MeanAbsolutePercentageError", "mean_absolute_percentage_error", false);
    kind("MeanSquaredLogarithmicError", "MeanSquaredLogarithmicError", "mean_squared_logarithmic_error", false);
    kind("LogCoshError", "LogCosh", "logcosh", false);
    // the metric is the similarity itself; the loss is its negative
    kind("CosineSimilarity", "CosineSimilarity", "cosine_similarity", true, "axis", -1);
  }

  private static void kind(String metricClass, String lossClass, String name, boolean negate, Object... keyDefaults) {
    KINDS.put(metricClass, new Kind(metricClass, lossClass, name, negate, keyDefaults));
  }

  /** The Keras classes this covers, in registration order. */
  static List<String> classNames() {
    return List.copyOf(KINDS.keySet());
  }

  /** Keras's default name of a class (e.g. "logcosh" for LogCoshError). */
  static String defaultName(String metricClass) {
    return KINDS.get(metricClass).defaultName();
  }

  private final Kind kind;
  private final Map<String, Object> config;
  private final Integer ignoreClass;

  private LossMetric(Kind kind, MetricArgs a, Loss loss, Map<String, Object> config) {
    super(a.name(), kind.negate() ? (t, p) -> Ops.negative(loss.call(t, p)) : loss::call);
    this.kind = kind;
    this.config = config;
    this.ignoreClass = config.get("ignore_class") == null ? null : a.integer("ignore_class", Integer.MIN_VALUE, true);
  }

  private static LossMetric create(Kind kind, MetricArgs a, Map<String, Object> raw) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", a.name());
    Map<String, Object> lossConfig = new LinkedHashMap<>();
    for (int i = 0; i < kind.keyDefaults().length; i += 2) {
      String key = (String) kind.keyDefaults()[i];
      Object v = raw.get(key);
      Object checked = switch (key) {
        case "from_logits" -> a.bool(key);
        case "label_smoothing" -> a.unit(key);
        case "axis" -> a.integer(key, Integer.MIN_VALUE, false);
        default -> v == null ? null : a.integer(key, Integer.MIN_VALUE, false);
      };
      config.put(key, checked);
      lossConfig.put(key, checked);
    }
    lossConfig.put("reduction", "none");
    return new LossMetric(kind, a, Losses.fromConfig(kind.lossClass(), lossConfig), config);
  }

  /** Keras's class name of this metric, e.g. "BinaryCrossentropy". */
  public String className() {
    return kind.metricClass();
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    if (ignoreClass != null && yTrue != null) {
      // Keras masks the ignored labels' values, so they leave the mean as well as the sum
      Tensor labels = yTrue.rank() > 1 && yTrue.shape()[yTrue.rank() - 1] == 1 ? Ops.squeeze(yTrue, -1) : yTrue;
      Tensor valid = Ops.cast(Ops.notEqual(Ops.cast(labels, DType.FLOAT64), Tensor.scalar(ignoreClass, DType.FLOAT64)), DType.FLOAT32);
      sampleWeight = sampleWeight == null ? valid : Ops.multiply(Ops.cast(sampleWeight, DType.FLOAT32), valid);
    }
    super.updateState(yTrue, yPred, sampleWeight);
  }

  @Override
  public Map<String, Object> getConfig() {
    return new LinkedHashMap<>(config);
  }

  /** A builder of the Keras metric class {@code metricClass} ("BinaryCrossentropy", "KLDivergence", ...). */
  public static Builder builder(String metricClass) {
    Kind k = KINDS.get(metricClass);
    if (k == null) {
      throw new IllegalArgumentException("LossMetric: unknown metric class '" + metricClass + "'; valid: "
          + KINDS.keySet());
    }
    return new Builder(k);
  }

  /** Builds a {@link LossMetric}; each class takes only its own Keras arguments. */
  public static final class Builder extends MetricBuilder<Builder, LossMetric> {
    private final Kind kind;

    Builder(Kind kind) {
      super(kind.metricClass(), kind.defaultName(), kind.keyDefaults());
      this.kind = kind;
    }

    /** Keras's {@code from_logits} (the crossentropies). */
    public Builder fromLogits(boolean fromLogits) {
      return set("from_logits", fromLogits);
    }

    /** Keras's {@code label_smoothing} (binary and categorical crossentropy). */
    public Builder labelSmoothing(double labelSmoothing) {
      return set("label_smoothing", labelSmoothing);
    }

    /** Keras's {@code axis} (categorical crossentropies, cosine similarity). */
    public Builder axis(int axis) {
      return set("axis", axis);
    }

    /** Keras's {@code ignore_class} (sparse categorical crossentropy): labels left out of the mean. */
    public Builder ignoreClass(int ignoreClass) {
      return set("ignore_class", ignoreClass);
    }

    @Override
    public LossMetric build() {
      return create(kind, args(), config);
    }
  }
}

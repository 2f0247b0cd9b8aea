package dev.tapekit.metrics;

import dev.tapekit.losses.BinaryCrossentropy;
import dev.tapekit.losses.CategoricalCrossentropy;
import dev.tapekit.losses.Loss;
import dev.tapekit.losses.LossFunctions;
import dev.tapekit.losses.LossSupport;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Looks metrics up by the names {@code compile(metrics=[...])} accepts, like {@code keras.metrics.get}
 * plus compile's special handling of {@code "accuracy"}/{@code "acc"} and {@code "crossentropy"}/{@code "ce"}.
 */
public final class Metrics {
  private static final Map<String, Function<String, Metric>> BY_NAME = new LinkedHashMap<>();
  /** Every name of {@link #BY_NAME} to its class name (the last name registered). */
  private static final Map<String, String> CLASS_OF = new LinkedHashMap<>();
  /** Keras's default metric name of each class (the first name registered). */
  private static final Map<String, String> DEFAULT_NAME = new LinkedHashMap<>();
  /** Config keys beyond name and dtype, per class. */
  private static final Map<String, List<String>> EXTRA_KEYS = Map.of(
      "BinaryAccuracy", List.of("threshold"),
      "TopKCategoricalAccuracy", List.of("k"),
      "SparseTopKCategoricalAccuracy", List.of("k"),
      "Precision", List.of("thresholds"),
      "Recall", List.of("thresholds"),
      "AUC", List.of("num_thresholds", "curve", "summation_method"),
      "F1Score", List.of("average", "threshold", "beta"));

  static {
    reg(BinaryAccuracy::new, "binary_accuracy", "BinaryAccuracy");
    reg(CategoricalAccuracy::new, "categorical_accuracy", "CategoricalAccuracy");
    reg(SparseCategoricalAccuracy::new, "sparse_categorical_accuracy", "SparseCategoricalAccuracy");
    reg(n -> new TopKCategoricalAccuracy(n, 5), "top_k_categorical_accuracy", "TopKCategoricalAccuracy");
    reg(n -> new SparseTopKCategoricalAccuracy(n, 5), "sparse_top_k_categorical_accuracy",
        "SparseTopKCategoricalAccuracy");
    reg(MeanSquaredError::new, "mean_squared_error", "mse", "MeanSquaredError");
    reg(MeanAbsoluteError::new, "mean_absolute_error", "mae", "MeanAbsoluteError");
    reg(RootMeanSquaredError::new, "root_mean_squared_error", "RootMeanSquaredError");
    reg(n -> new Precision(n, 0.5), "precision", "Precision");
    reg(n -> new Recall(n, 0.5), "recall", "Recall");
    reg(n -> new AUC(n, 200, AUC.Curve.ROC, AUC.Summation.INTERPOLATION), "auc", "AUC");
    reg(n -> new F1Score(n, null, null), "f1_score", "F1Score");
    reg(Mean::new, "mean", "Mean");
    reg(Sum::new, "sum", "Sum");
  }

  private Metrics() {}

  private static void reg(Function<String, Metric> factory, String... names) {
    String cls = names[names.length - 1];
    DEFAULT_NAME.put(cls, names[0]);
    for (String n : names) {
      BY_NAME.put(n, factory);
      CLASS_OF.put(n, cls);
    }
  }

  /**
   * A metric by name; the metric keeps the name it was asked for, as Keras's compile names it
   * ({@code "mse"} logs as "mse"). {@code "accuracy"}/{@code "acc"} resolve from the compiled loss: binary
   * crossentropy gives {@link BinaryAccuracy}, categorical {@link CategoricalAccuracy}, sparse categorical
   * {@link SparseCategoricalAccuracy}; for other losses, from the shapes of the first batch as Keras 3
   * does. {@code "crossentropy"}/{@code "ce"} likewise give the matching crossentropy metric.
   */
  public static Metric get(String name, Loss loss) {
    if (name == null) {
      throw new IllegalArgumentException("Metrics.get: metric name is null; valid: " + validNames());
    }
    if (name.equals("accuracy") || name.equals("acc")) {
      return accuracy(name, loss);
    }
    if (name.equals("crossentropy") || name.equals("ce")) {
      return crossentropy(name, loss);
    }
    Function<String, Metric> f = BY_NAME.get(name);
    if (f == null) {
      throw new IllegalArgumentException("Unknown metric '" + name + "'; valid: " + validNames());
    }
    return f.apply(name);
  }

  /**
   * A metric from its Keras class name or a name {@link #get} takes, and its Keras config (as
   * {@code keras.metrics.deserialize}): {@code fromConfig("SparseTopKCategoricalAccuracy", {"k": 3}, loss)}.
   * Keys: {@code name} and {@code dtype} (float32 only) for every metric, and {@code threshold}
   * (BinaryAccuracy, F1Score), {@code thresholds} (Precision, Recall: one number), {@code k} (top-k
   * accuracies), {@code num_thresholds}, {@code curve} ("ROC", "PR") and {@code summation_method}
   * ("interpolation", "minoring", "majoring") for AUC, {@code average} for F1Score. Without {@code name}
   * the metric is named as asked ({@code "acc"}) or, for a class name, with Keras's default name
   * ({@code "sparse_top_k_categorical_accuracy"}). A key the metric does not take is an error listing the
   * valid ones.
   */
  public static Metric fromConfig(String className, Map<String, ?> config, Loss loss) {
    if (className == null) {
      throw new IllegalArgumentException("Metrics.fromConfig: class name is null; valid: " + validNames());
    }
    Map<String, ?> c = config == null ? Map.of() : config;
    String cls = CLASS_OF.get(className);
    boolean special = List.of("accuracy", "acc", "crossentropy", "ce").contains(className);
    if (cls == null && !special) {
      throw new IllegalArgumentException("Unknown metric '" + className + "'; valid: " + validNames());
    }
    List<String> valid = new ArrayList<>(List.of("name", "dtype"));
    if (cls != null) {
      valid.addAll(EXTRA_KEYS.getOrDefault(cls, List.of()));
    }
    for (Map.Entry<String, ?> e : c.entrySet()) {
      if (!valid.contains(e.getKey())) {
        throw new IllegalArgumentException("Argument(s) not recognized: {" + e.getKey() + "=" + e.getValue()
            + "}; valid: " + valid);
      }
    }
    Object dtype = c.get("dtype");
    if (dtype != null && !"float32".equals(dtype)) {
      throw new IllegalArgumentException("Received an invalid value for `dtype`, expected float32 (metrics "
          + "accumulate in float32). Received: dtype=" + dtype);
    }
    String name = c.get("name") != null ? String.valueOf(c.get("name"))
        : cls != null && className.equals(cls) ? DEFAULT_NAME.get(cls) : className;
    if (special) {
      Metric m = className.startsWith("acc") ? accuracy(name, loss) : crossentropy(name, loss);
      return m;
    }
    switch (cls) {
      case "BinaryAccuracy":
        return new BinaryAccuracy(name, unit(c, "threshold", 0.5));
      case "TopKCategoricalAccuracy":
        return new TopKCategoricalAccuracy(name, positiveInt(c, "k", 5));
      case "SparseTopKCategoricalAccuracy":
        return new SparseTopKCategoricalAccuracy(name, positiveInt(c, "k", 5));
      case "Precision":
        return new Precision(name, unit(c, "thresholds", 0.5));
      case "Recall":
        return new Recall(name, unit(c, "thresholds", 0.5));
      case "AUC":
        return new AUC(name, positiveInt(c, "num_thresholds", 200), choice(c, "curve", AUC.Curve.class, AUC.Curve.ROC),
            choice(c, "summation_method", AUC.Summation.class, AUC.Summation.INTERPOLATION));
      case "F1Score": {
        Object avg = c.get("average");
        if (avg != null && !List.of("micro", "macro", "weighted").contains(avg)) {
          throw new IllegalArgumentException("Received an invalid value for `average`, expected null, 'micro', "
              + "'macro' or 'weighted'. Received: average=" + avg);
        }
        Object beta = c.get("beta");
        if (beta != null && !(beta instanceof Number b && b.doubleValue() > 0)) {
          throw new IllegalArgumentException("Received an invalid value for `beta`, expected a number > 0. "
              + "Received: beta=" + beta);
        }
        return new F1Score(name, (String) avg, beta == null ? 1.0 : ((Number) beta).doubleValue(),
            c.get("threshold") == null ? null : unit(c, "threshold", 0.5));
      }
      default:
        return BY_NAME.get(cls).apply(name);
    }
  }

  private static double unit(Map<String, ?> c, String key, double dflt) {
    Object v = c.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof List<?> l && l.size() == 1) {
      v = l.get(0);
    }
    if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
      throw new IllegalArgumentException("Received an invalid value for `" + key + "`, expected a number in [0, 1]. "
          + "Received: " + key + "=" + v);
    }
    return n.doubleValue();
  }

  private static int positiveInt(Map<String, ?> c, String key, int dflt) {
    Object v = c.get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger) || ((Number) v).doubleValue() < 1) {
      throw new IllegalArgumentException("Received an invalid value for `" + key + "`, expected a positive integer. "
          + "Received: " + key + "=" + (v instanceof String ? "'" + v + "'" : v));
    }
    if (((Number) v).doubleValue() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Received an invalid value for `" + key + "`, expected a positive integer <= "
          + Integer.MAX_VALUE + ". Received: " + key + "=" + v);
    }
    return ((Number) v).intValue();
  }

  private static <E extends Enum<E>> E choice(Map<String, ?> c, String key, Class<E> type, E dflt) {
    Object v = c.get(key);
    if (v == null) {
      return dflt;
    }
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(String.valueOf(v))) {
        return e;
      }
    }
    throw new IllegalArgumentException("Received an invalid value for `" + key + "`, expected one of "
        + java.util.Arrays.toString(type.getEnumConstants()) + ". Received: " + key + "=" + v);
  }

  /**
   * How a model file stores a compiled metric, as Keras's compile_config: its name when {@link #get} gives
   * it back from the name alone ({@code "accuracy"}, {@code "mse"}), else
   * {@code {"class_name": ..., "config": getConfig()}} for {@link #fromConfig}.
   */
  public static Object serialize(Metric m) {
    String cls = m.getClass().getSimpleName();
    Map<String, Object> config = m.getConfig();
    boolean byName = BY_NAME.containsKey(m.name()) || List.of("accuracy", "acc", "crossentropy", "ce").contains(m.name());
    if (!cls.equals(CLASS_OF.get(cls)) || (byName && config.size() == 1)) {
      return m.name();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("class_name", cls);
    out.put("config", config);
    return out;
  }

  /** The inverse of {@link #serialize}: a name for {@link #get} or a {@code {class_name, config}} map. */
  @SuppressWarnings("unchecked")
  public static Metric deserialize(Object serialized, Loss loss) {
    if (serialized instanceof Map<?, ?> m) {
      Object cfg = m.get("config");
      return fromConfig(String.valueOf(m.get("class_name")), cfg instanceof Map ? (Map<String, ?>) cfg : Map.of(), loss);
    }
    return get(String.valueOf(serialized), loss);
  }

  /** A metric by name without a compiled loss ({@code "accuracy"} then resolves from shapes). */
  public static Metric get(String name) {
    return get(name, null);
  }

  /** All names {@link #get} accepts, sorted. */
  public static List<String> validNames() {
    TreeSet<String> all = new TreeSet<>(BY_NAME.keySet());
    all.addAll(List.of("accuracy", "acc", "crossentropy", "ce"));
    return new ArrayList<>(all);
  }

  private static Metric accuracy(String name, Loss loss) {
    if (loss instanceof SparseCategoricalCrossentropy) {
      return new SparseCategoricalAccuracy(name);
    }
    if (loss instanceof CategoricalCrossentropy) {
      return new CategoricalAccuracy(name);
    }
    if (loss instanceof BinaryCrossentropy) {
      return new BinaryAccuracy(name, 0.5);
    }
    return new ShapeResolved(name, true);
  }

  private static Metric crossentropy(String name, Loss loss) {
    if (loss instanceof SparseCategoricalCrossentropy s) {
      boolean logits = s.fromLogits();
      return new MeanMetricWrapper(name, (t, p) -> LossFunctions.sparseCategoricalCrossentropy(t, p, logits));
    }
    if (loss instanceof CategoricalCrossentropy c) {
      boolean logits = c.fromLogits();
      return new MeanMetricWrapper(name, (t, p) ->
          LossFunctions.categoricalCrossentropy(LossSupport.castLike(t, p), p, logits, 0, -1));
    }
    if (loss instanceof BinaryCrossentropy b) {
      boolean logits = b.fromLogits();
      return new MeanMetricWrapper(name, (t, p) ->
          LossFunctions.binaryCrossentropy(LossSupport.castLike(t, p), p, logits, 0, -1));
    }
    return new ShapeResolved(name, false);
  }
}

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
import java.util.function.Supplier;

/**
 * Looks metrics up by the names {@code compile(metrics=[...])} accepts, like {@code keras.metrics.get}
 * plus compile's special handling of {@code "accuracy"}/{@code "acc"} and {@code "crossentropy"}/{@code "ce"}.
 */
public final class Metrics {
  /** Every name {@link #get} takes to its builder: class names, their snake_case and Keras's aliases. */
  private static final Map<String, Supplier<MetricBuilder<?, ?>>> BY_NAME = new LinkedHashMap<>();
  /** Every name of {@link #BY_NAME} to its Keras class name. */
  private static final Map<String, String> CLASS_OF = new LinkedHashMap<>();
  private static final List<String> SPECIAL = List.of("accuracy", "acc", "crossentropy", "ce");

  static {
    // keras.metrics.ALL_OBJECTS_DICT: class name, to_snake_case(class name), then the short aliases
    reg(BinaryAccuracy::builder, "BinaryAccuracy", "binary_accuracy");
    reg(CategoricalAccuracy::builder, "CategoricalAccuracy", "categorical_accuracy");
    reg(SparseCategoricalAccuracy::builder, "SparseCategoricalAccuracy", "sparse_categorical_accuracy");
    reg(TopKCategoricalAccuracy::builder, "TopKCategoricalAccuracy", "top_k_categorical_accuracy");
    reg(SparseTopKCategoricalAccuracy::builder, "SparseTopKCategoricalAccuracy", "sparse_top_k_categorical_accuracy");
    reg(Accuracy::builder, "Accuracy");
    reg(MeanSquaredError::builder, "MeanSquaredError", "mean_squared_error", "mse", "MSE");
    reg(MeanAbsoluteError::builder, "MeanAbsoluteError", "mean_absolute_error", "mae", "MAE");
    reg(RootMeanSquaredError::builder, "RootMeanSquaredError", "root_mean_squared_error");
    reg(R2Score::builder, "R2Score", "r2_score");
    reg(Precision::builder, "Precision", "precision");
    reg(Recall::builder, "Recall", "recall");
    reg(TruePositives::builder, "TruePositives", "true_positives");
    reg(FalsePositives::builder, "FalsePositives", "false_positives");
    reg(TrueNegatives::builder, "TrueNegatives", "true_negatives");
    reg(FalseNegatives::builder, "FalseNegatives", "false_negatives");
    reg(PrecisionAtRecall::builder, "PrecisionAtRecall", "precision_at_recall");
    reg(RecallAtPrecision::builder, "RecallAtPrecision", "recall_at_precision");
    reg(SensitivityAtSpecificity::builder, "SensitivityAtSpecificity", "sensitivity_at_specificity");
    reg(SpecificityAtSensitivity::builder, "SpecificityAtSensitivity", "specificity_at_sensitivity");
    reg(AUC::builder, "AUC", "auc");
    reg(F1Score::builder, "F1Score", "f1_score");
    reg(FBetaScore::builder, "FBetaScore", "f_beta_score");
    reg(IoU::builder, "IoU", "io_u");
    reg(MeanIoU::builder, "MeanIoU", "mean_io_u");
    reg(BinaryIoU::builder, "BinaryIoU", "binary_io_u");
    reg(OneHotIoU::builder, "OneHotIoU", "one_hot_io_u");
    reg(OneHotMeanIoU::builder, "OneHotMeanIoU", "one_hot_mean_io_u");
    reg(Mean::builder, "Mean", "mean");
    reg(Sum::builder, "Sum", "sum");
    // the metrics of losses: "binary_crossentropy", "kl_divergence", "poisson", "log_cosh_error", ...
    for (String cls : LossMetric.classNames()) {
      reg(() -> LossMetric.builder(cls), cls, snakeCase(cls));
    }
    reg(() -> LossMetric.builder("BinaryCrossentropy"), "BinaryCrossentropy", "bce", "BCE");
    reg(() -> LossMetric.builder("MeanAbsolutePercentageError"), "MeanAbsolutePercentageError", "mape", "MAPE");
    reg(() -> LossMetric.builder("MeanSquaredLogarithmicError"), "MeanSquaredLogarithmicError", "msle", "MSLE");
  }

  private Metrics() {}

  private static void reg(Supplier<? extends MetricBuilder<?, ?>> builder, String cls, String... names) {
    BY_NAME.put(cls, builder::get);
    CLASS_OF.put(cls, cls);
    for (String n : names) {
      BY_NAME.put(n, builder::get);
      CLASS_OF.put(n, cls);
    }
  }

  /** Keras's {@code to_snake_case}: "KLDivergence" to "kl_divergence", "MeanIoU" to "mean_io_u". */
  static String snakeCase(String name) {
    String s = name.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * A metric by name, as Keras's compile resolves it with {@code keras.metrics.get}: a class name
   * ({@code "AUC"}), its snake_case ({@code "true_positives"}, {@code "kl_divergence"}) or an alias
   * ({@code "mse"}, {@code "bce"}), built with Keras's defaults; the metric keeps the name it was asked
   * for, as Keras's compile names it ({@code "mse"} logs as "mse"). The losses' names give the metric of
   * that loss ({@code "binary_crossentropy"}, {@code "poisson"}, {@code "hinge"}, {@code "log_cosh_error"}).
   * {@code "accuracy"}/{@code "acc"} resolve from the compiled loss: binary crossentropy gives
   * {@link BinaryAccuracy}, categorical {@link CategoricalAccuracy}, sparse categorical
   * {@link SparseCategoricalAccuracy}; for other losses, from the shapes of the first batch as Keras 3
   * does. {@code "crossentropy"}/{@code "ce"} likewise give the matching crossentropy metric. A metric
   * with required arguments (MeanIoU's {@code num_classes}) needs {@link #fromConfig}.
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
    Supplier<MetricBuilder<?, ?>> b = BY_NAME.get(name);
    if (b == null) {
      throw new IllegalArgumentException("Unknown metric '" + name + "'; valid: " + validNames());
    }
    return b.get().name(name).build();
  }

  /**
   * A metric from its Keras class name or a name {@link #get} takes, and its Keras config (as
   * {@code keras.metrics.deserialize}): {@code fromConfig("SparseTopKCategoricalAccuracy", {"k": 3}, loss)}.
   * The keys are the metric's Keras arguments, the same its builder sets ({@code name} and {@code dtype},
   * float32 only, for every metric). Without {@code name} the metric is named as asked ({@code "acc"})
   * or, for a class name, with Keras's default name ({@code "sparse_top_k_categorical_accuracy"}). A key
   * the metric does not take is an error listing the valid ones.
   */
  public static Metric fromConfig(String className, Map<String, ?> config, Loss loss) {
    if (className == null) {
      throw new IllegalArgumentException("Metrics.fromConfig: class name is null; valid: " + validNames());
    }
    Map<String, ?> c = config == null ? Map.of() : config;
    String cls = CLASS_OF.get(className);
    boolean special = SPECIAL.contains(className);
    if (cls == null && !special) {
      throw new IllegalArgumentException("Unknown metric '" + className + "'; valid: " + validNames());
    }
    if (special) {
      // Keras's compile makes these from the name alone: only name and dtype
      MetricBuilder<?, ?> names = new MetricBuilder.Named<Metric>(className, className, n -> null);
      names.setAll(c);
      String name = (String) names.config.get("name");
      return className.startsWith("acc") ? accuracy(name, loss) : crossentropy(name, loss);
    }
    MetricBuilder<?, ?> b = BY_NAME.get(className).get();
    if (!className.equals(cls)) {
      b.name(className);
    }
    b.setAll(c);
    return b.build();
  }

  /**
   * How a model file stores a compiled metric, as Keras's compile_config: its name when {@link #get} gives
   * it back from the name alone ({@code "accuracy"}, {@code "mse"}), else
   * {@code {"class_name": ..., "config": getConfig()}} for {@link #fromConfig}.
   */
  public static Object serialize(Metric m) {
    String cls = m instanceof LossMetric lm ? lm.className() : m.getClass().getSimpleName();
    Map<String, Object> config = m.getConfig();
    if (!cls.equals(CLASS_OF.get(cls))) {
      return m.name();
    }
    boolean byName = SPECIAL.contains(m.name()) ? config.size() == 1
        : cls.equals(CLASS_OF.get(m.name())) && config.equals(defaultConfig(m.name()));
    if (byName) {
      return m.name();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("class_name", cls);
    out.put("config", config);
    return out;
  }

  /** The config {@link #get} gives for {@code name}, or null when the metric has required arguments. */
  private static Map<String, Object> defaultConfig(String name) {
    try {
      return get(name, null).getConfig();
    } catch (IllegalArgumentException e) {
      return null;
    }
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

  /** All names {@link #get} accepts, sorted ignoring case, Keras's snake_case names before class names. */
  public static List<String> validNames() {
    TreeSet<String> all = new TreeSet<>(java.util.Comparator.comparing((String n) -> n.toLowerCase(java.util.Locale.ROOT))
        .thenComparing(java.util.Comparator.reverseOrder()));
    all.addAll(BY_NAME.keySet());
    all.addAll(SPECIAL);
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
      return new BinaryAccuracy(name);
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

package dev.tapekit.losses;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Looks losses up by Keras's names, like {@code keras.losses.get}: function names
 * ({@code "sparse_categorical_crossentropy"}), their aliases ({@code "mse"}) or class names
 * ({@code "SparseCategoricalCrossentropy"}); and rebuilds them from {@code get_config()} maps.
 */
public final class Losses {
  private static final Map<String, Function<Config, Loss>> BY_CLASS = new LinkedHashMap<>();
  private static final Map<String, String> ALIASES = new LinkedHashMap<>();

  static {
    register("MeanSquaredError", c -> MeanSquaredError.builder().name(c.name()).reduction(c.reduction()).build(),
        "mean_squared_error", "mse", "MSE");
    register("MeanAbsoluteError", c -> MeanAbsoluteError.builder().name(c.name()).reduction(c.reduction()).build(),
        "mean_absolute_error", "mae", "MAE");
    register("MeanAbsolutePercentageError",
        c -> MeanAbsolutePercentageError.builder().name(c.name()).reduction(c.reduction()).build(),
        "mean_absolute_percentage_error", "mape", "MAPE");
    register("MeanSquaredLogarithmicError",
        c -> MeanSquaredLogarithmicError.builder().name(c.name()).reduction(c.reduction()).build(),
        "mean_squared_logarithmic_error", "msle", "MSLE");
    register("Huber", c -> Huber.builder().name(c.name()).reduction(c.reduction()).delta(c.dbl("delta", 1.0))
        .build(), "huber", "huber_loss");
    register("LogCosh", c -> LogCosh.builder().name(c.name()).reduction(c.reduction()).build(),
        "log_cosh", "logcosh");
    register("BinaryCrossentropy", c -> BinaryCrossentropy.builder().name(c.name()).reduction(c.reduction())
        .fromLogits(c.bool("from_logits")).labelSmoothing(c.dbl("label_smoothing", 0)).axis(c.integer("axis", -1))
        .build(), "binary_crossentropy");
    register("CategoricalCrossentropy", c -> CategoricalCrossentropy.builder().name(c.name())
        .reduction(c.reduction()).fromLogits(c.bool("from_logits")).labelSmoothing(c.dbl("label_smoothing", 0))
        .axis(c.integer("axis", -1)).build(), "categorical_crossentropy");
    register("SparseCategoricalCrossentropy", c -> SparseCategoricalCrossentropy.builder().name(c.name())
        .reduction(c.reduction()).fromLogits(c.bool("from_logits")).ignoreClass(c.optInteger("ignore_class"))
        .axis(c.integer("axis", -1)).build(), "sparse_categorical_crossentropy");
    register("KLDivergence", c -> KLDivergence.builder().name(c.name()).reduction(c.reduction()).build(),
        "kl_divergence", "kld", "KLD", "kullback_leibler_divergence");
    register("Poisson", c -> Poisson.builder().name(c.name()).reduction(c.reduction()).build(), "poisson");
    register("Hinge", c -> Hinge.builder().name(c.name()).reduction(c.reduction()).build(), "hinge");
    register("SquaredHinge", c -> SquaredHinge.builder().name(c.name()).reduction(c.reduction()).build(),
        "squared_hinge");
    register("CategoricalHinge", c -> CategoricalHinge.builder().name(c.name()).reduction(c.reduction()).build(),
        "categorical_hinge");
    register("CosineSimilarity", c -> CosineSimilarity.builder().name(c.name()).reduction(c.reduction())
        .axis(c.integer("axis", -1)).build(), "cosine_similarity");
  }

  private Losses() {}

  private static void register(String className, Function<Config, Loss> factory, String... aliases) {
    BY_CLASS.put(className, factory);
    for (String a : aliases) {
      ALIASES.put(a, className);
    }
  }

  /**
   * A loss with default arguments by Keras name, alias or class name. A function name keeps that name
   * ({@code get("mse").name()} is {@code "mean_squared_error"}, like Keras's function).
   */
  public static Loss get(String nameOrClassName) {
    if (nameOrClassName == null) {
      throw new IllegalArgumentException("Losses.get: loss name is null; valid: " + validNames());
    }
    String cls = BY_CLASS.containsKey(nameOrClassName) ? nameOrClassName : ALIASES.get(nameOrClassName);
    if (cls == null) {
      throw new IllegalArgumentException("Unknown loss '" + nameOrClassName + "'; valid: " + validNames());
    }
    return BY_CLASS.get(cls).apply(new Config(cls, Collections.emptyMap()));
  }

  /** Rebuilds a loss from its class name and {@code get_config()} map (Keras's snake_case keys). */
  public static Loss fromConfig(String className, Map<String, Object> config) {
    String cls = BY_CLASS.containsKey(className) ? className : ALIASES.get(className);
    if (cls == null) {
      throw new IllegalArgumentException("Unknown loss class '" + className + "'; valid: " + BY_CLASS.keySet());
    }
    return BY_CLASS.get(cls).apply(new Config(cls, config == null ? Collections.emptyMap() : config));
  }

  /** All names {@link #get} accepts, sorted. */
  public static List<String> validNames() {
    TreeSet<String> all = new TreeSet<>(BY_CLASS.keySet());
    all.addAll(ALIASES.keySet());
    return new ArrayList<>(all);
  }

  /** Typed reads of a config map, with errors naming the loss and key. */
  private record Config(String cls, Map<String, Object> map) {
    String name() {
      Object v = map.get("name");
      return v == null ? null : v.toString();
    }

    Reduction reduction() {
      Object v = map.get("reduction");
      if (v == null) {
        return Reduction.SUM_OVER_BATCH_SIZE;
      }
      try {
        return Reduction.fromName(v.toString());
      } catch (IllegalArgumentException e) {
        throw bad("reduction", v, "one of " + Reduction.VALID);
      }
    }

    boolean bool(String key) {
      Object v = map.get(key);
      if (v == null) {
        return false;
      }
      if (v instanceof Boolean b) {
        return b;
      }
      throw bad(key, v, "a boolean");
    }

    double dbl(String key, double dflt) {
      Object v = map.get(key);
      if (v == null) {
        return dflt;
      }
      if (v instanceof Number n) {
        return n.doubleValue();
      }
      throw bad(key, v, "a number");
    }

    int integer(String key, int dflt) {
      Integer v = optInteger(key);
      return v == null ? dflt : v;
    }

    Integer optInteger(String key) {
      Object v = map.get(key);
      if (v == null) {
        return null;
      }
      return (int) dev.tapekit.layers.Config.whole(v, key, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** Keras's form, which the CLI turns into the field's path: {@code Argument `k` must be .... Received: k=v}. */
    IllegalArgumentException bad(String key, Object v, String want) {
      return new IllegalArgumentException("Argument `" + key + "` of " + cls + " must be " + want + ". Received: " + key
          + "=" + (v instanceof String ? "'" + v + "'" : v));
    }
  }
}

package dev.tapekit.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras 1's layer and argument names in Keras 2's (which {@link LegacyConfigs} then takes to Keras 3's),
 * following Keras 2's own {@code legacy/interfaces.py} conversions: {@code output_dim} to {@code units},
 * {@code nb_filter}, {@code border_mode}, {@code subsample}, {@code dim_ordering}, {@code init},
 * {@code W_regularizer}, {@code Convolution2D} to {@code Conv2D}, {@code Merge} to {@code Add} or
 * {@code Concatenate}, and so on.
 */
final class Keras1Names {
  private Keras1Names() {}

  /** Rewrites {@code c} (a Keras 1 layer config) in place; returns the Keras 2 class name. */
  static String translate(String cls, Map<String, Object> c, KerasSource src) {
    String at = src.at(String.valueOf(c.get("name")));
    common(c, at, src);
    switch (cls) {
      case "Dense":
        rename(c, "output_dim", "units");
        inputShapeFromDims(c, false);
        return cls;
      case "Convolution1D": case "AtrousConvolution1D":
        rename(c, "nb_filter", "filters");
        tuple(c, "filter_length", "kernel_size");
        tuple(c, "subsample_length", "strides");
        tuple(c, "atrous_rate", "dilation_rate");
        inputShapeFromDims(c, true);
        return "Conv1D";
      case "Convolution2D": case "AtrousConvolution2D":
        rename(c, "nb_filter", "filters");
        if (c.containsKey("nb_row") || c.containsKey("nb_col")) {
          c.put("kernel_size", List.of(c.remove("nb_row"), c.remove("nb_col")));
        }
        rename(c, "subsample", "strides");
        rename(c, "atrous_rate", "dilation_rate");
        return "Conv2D";
      case "MaxPooling1D": case "AveragePooling1D":
        tuple(c, "pool_length", "pool_size");
        tuple(c, "stride", "strides");
        return cls;
      case "Dropout":
        rename(c, "p", "rate");
        return cls;
      case "SimpleRNN": case "LSTM": case "GRU":
        rename(c, "output_dim", "units");
        rename(c, "inner_init", "recurrent_initializer");
        rename(c, "inner_activation", "recurrent_activation");
        rename(c, "U_regularizer", "recurrent_regularizer");
        rename(c, "U_constraint", "recurrent_constraint");
        rename(c, "dropout_W", "dropout");
        rename(c, "dropout_U", "recurrent_dropout");
        c.remove("consume_less");
        if (c.containsKey("forget_bias_init")) {
          c.put("unit_forget_bias", "one".equals(c.remove("forget_bias_init")));
        }
        if (cls.equals("GRU")) {
          c.put("reset_after", false); // Keras 1's GRU is Keras 2's default, reset_after=False
        }
        inputShapeFromDims(c, true);
        return cls;
      case "Embedding":
        // common() took init and W_* to kernel_*: Embedding calls them embeddings_*
        rename(c, "kernel_initializer", "embeddings_initializer");
        rename(c, "kernel_regularizer", "embeddings_regularizer");
        rename(c, "kernel_constraint", "embeddings_constraint");
        if (c.get("dropout") instanceof Number d && d.doubleValue() != 0) {
          throw new IllegalArgumentException(at + "Embedding dropout=" + d + " (Keras 1) is not supported");
        }
        c.remove("dropout");
        if (!c.containsKey("batch_input_shape") && c.get("input_length") != null) {
          List<Object> s = new ArrayList<>();
          s.add(null);
          s.add(c.get("input_length"));
          c.put("batch_input_shape", s);
        }
        return cls;
      case "BatchNormalization":
        if (c.get("mode") instanceof Number m && m.intValue() != 0) {
          throw new IllegalArgumentException(at + "BatchNormalization mode=" + m + " (Keras 1) is not supported; "
              + "only mode=0, the one Keras 2 kept");
        }
        c.remove("mode");
        rename(c, "beta_init", "beta_initializer");
        rename(c, "gamma_init", "gamma_initializer");
        return cls;
      case "PReLU":
        rename(c, "kernel_initializer", "alpha_initializer");
        return cls;
      case "Merge":
        return merge(c, at);
      default:
        return cls;
    }
  }

  /** The arguments every Keras 1 layer spelled its own way. */
  private static void common(Map<String, Object> c, String at, KerasSource src) {
    rename(c, "init", "kernel_initializer");
    rename(c, "bias", "use_bias");
    rename(c, "input_dtype", "dtype");
    for (String k : List.of("W_regularizer", "b_regularizer", "U_regularizer", "gamma_regularizer",
        "beta_regularizer")) {
      if (c.containsKey(k)) {
        c.put(k, regularizer(c.get(k), at, k));
      }
    }
    for (String k : List.of("W_constraint", "b_constraint", "U_constraint")) {
      if (c.containsKey(k)) {
        c.put(k, constraint(c.get(k), at, k));
      }
    }
    rename(c, "W_regularizer", "kernel_regularizer");
    rename(c, "b_regularizer", "bias_regularizer");
    rename(c, "W_constraint", "kernel_constraint");
    rename(c, "b_constraint", "bias_constraint");
    if (c.containsKey("border_mode")) {
      Object mode = c.remove("border_mode");
      if (!"valid".equals(mode) && !"same".equals(mode) && !"causal".equals(mode)) {
        throw new IllegalArgumentException(at + "border_mode=" + KerasJson.show(mode) + " is not supported "
            + "(Keras 2 kept 'valid' and 'same')");
      }
      c.put("padding", mode);
    }
    if (c.containsKey("dim_ordering")) {
      Object order = c.remove("dim_ordering");
      String o = "default".equals(order) ? (src.theano() ? "th" : "tf") : String.valueOf(order);
      switch (o) {
        case "th": c.put("data_format", "channels_first"); break;
        case "tf": c.put("data_format", "channels_last"); break;
        default:
          throw new IllegalArgumentException(at + "dim_ordering=" + KerasJson.show(order) + " must be 'th', 'tf' or "
              + "'default'");
      }
    }
  }

  /** Keras 1's {@code {"name": "WeightRegularizer", "l1": .., "l2": ..}} as Keras 2's L1L2. */
  private static Object regularizer(Object r, String at, String key) {
    if (r == null || !(r instanceof Map<?, ?> m) || m.containsKey("class_name")) {
      return r;
    }
    Object name = m.get("name");
    if (!"WeightRegularizer".equals(name) && !"L1L2Regularizer".equals(name)) {
      throw new IllegalArgumentException(at + key + ": regularizer " + KerasJson.show(name) + " is not supported");
    }
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("l1", m.get("l1") == null ? 0.0 : m.get("l1"));
    config.put("l2", m.get("l2") == null ? 0.0 : m.get("l2"));
    return Map.of("class_name", "L1L2", "config", config);
  }

  /** Keras 1's {@code {"name": "MaxNorm", "m": 2, "axis": 0}} as Keras 2's serialized constraint. */
  private static Object constraint(Object k, String at, String key) {
    if (k == null || !(k instanceof Map<?, ?> m) || m.containsKey("class_name")) {
      return k;
    }
    Object name = m.get("name");
    Map<String, Object> config = new LinkedHashMap<>();
    if ("MaxNorm".equals(name)) {
      config.put("max_value", m.get("m") == null ? 2 : m.get("m"));
      config.put("axis", m.get("axis") == null ? 0 : m.get("axis"));
    } else if ("UnitNorm".equals(name)) {
      config.put("axis", m.get("axis") == null ? 0 : m.get("axis"));
    } else if (!"NonNeg".equals(name)) {
      throw new IllegalArgumentException(at + key + ": constraint " + KerasJson.show(name) + " is not supported");
    }
    return Map.of("class_name", name, "config", config);
  }

  /**
   * Keras 1's Merge layer in a functional model: sum, mul, ave, max and concat are Keras 2's Add, Multiply,
   * Average, Maximum and Concatenate; dot, cos and a Python mode are refused.
   */
  private static String merge(Map<String, Object> c, String at) {
    if (c.get("layers") != null) {
      throw new IllegalArgumentException(at + "a Keras 1 Merge of Sequential branches is not supported; rebuild it "
          + "as a functional model");
    }
    Object mode = c.remove("mode");
    Object axis = c.remove("concat_axis");
    for (String k : List.of("mode_type", "dot_axes", "output_shape", "output_shape_type", "output_mask",
        "output_mask_type", "arguments")) {
      c.remove(k);
    }
    String elementwise = mode == null ? null : switch (mode.toString()) {
      case "sum" -> "Add";
      case "mul" -> "Multiply";
      case "ave" -> "Average";
      case "max" -> "Maximum";
      default -> null;
    };
    if (elementwise != null) {
      return elementwise;
    }
    if ("concat".equals(mode)) {
      c.put("axis", axis == null ? -1 : axis);
      return "Concatenate";
    }
    throw new IllegalArgumentException(at + "Merge mode=" + KerasJson.show(mode) + " is not supported (only 'sum', "
        + "'mul', 'ave', 'max' and 'concat')");
  }

  /** Keras 1's {@code input_dim} (and {@code input_length} for sequences) as a batch_input_shape. */
  private static void inputShapeFromDims(Map<String, Object> c, boolean sequence) {
    Object dim = c.remove("input_dim");
    Object length = c.remove("input_length");
    if (c.get("batch_input_shape") != null || dim == null) {
      return;
    }
    List<Object> s = new ArrayList<>();
    s.add(null);
    if (sequence) {
      s.add(length);
    }
    s.add(dim);
    c.put("batch_input_shape", s);
  }

  private static void rename(Map<String, Object> c, String from, String to) {
    if (c.containsKey(from)) {
      Object v = c.remove(from);
      if (!c.containsKey(to) || c.get(to) == null) {
        c.put(to, v);
      }
    }
  }

  /** A Keras 1 number that Keras 2 takes as a 1-tuple. */
  private static void tuple(Map<String, Object> c, String from, String to) {
    if (c.containsKey(from)) {
      Object v = c.remove(from);
      c.put(to, v instanceof Number ? List.of(v) : v);
    }
  }
}

package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: an option Keras accepts is never silently dropped. For every layer class tapekit registers, the
 * table below lists Keras 3's constructor arguments (and tf.keras/Keras 2's that real files carry) with a
 * value other than the default. Each must be implemented (a config round trip keeps the value), refused
 * with one line naming the layer (name and class), the option and its value, or be one of the few pure
 * hints {@link KerasOptions} ignores by design. A new layer class without a row fails the test.
 */
class KerasOptionAuditTest {
  private static final Map<String, Object> ONES = entry("Ones");
  private static final Map<String, Object> ZEROS = entry("Zeros");
  private static final Map<String, Object> L2 = entry("L2", "l2", 0.01);
  private static final Map<String, Object> NON_NEG = entry("NonNeg");

  /** Keras's base Layer arguments (tf.keras's {@code dynamic} and Keras 2's {@code weights} too). */
  private static final Object[] BASE = {"name", "audited", "trainable", false, "dtype", "float64",
      "autocast", false, "activity_regularizer", L2, "batch_size", 8, "dynamic", true, "weights", List.of(1.0)};

  private static final Object[] INITIALIZED_DENSE = {"activation", "tanh", "use_bias", false,
      "kernel_initializer", ONES, "bias_initializer", ONES, "kernel_regularizer", L2, "bias_regularizer", L2,
      "kernel_constraint", NON_NEG, "bias_constraint", NON_NEG};
  private static final Object[] CONV = {"strides", 2, "padding", "same", "data_format", "channels_first",
      "dilation_rate", 2, "groups", 2};
  private static final Object[] POOL = {"pool_size", 3, "strides", 1, "padding", "same", "data_format", "channels_first"};
  private static final Object[] GLOBAL_POOL = {"data_format", "channels_first", "keepdims", true};
  private static final Object[] RNN = {"activation", "relu", "use_bias", false, "kernel_initializer", ONES,
      "recurrent_initializer", ONES, "bias_initializer", ONES, "kernel_regularizer", L2, "recurrent_regularizer", L2,
      "bias_regularizer", L2, "kernel_constraint", NON_NEG, "recurrent_constraint", NON_NEG, "bias_constraint", NON_NEG,
      "dropout", 0.2, "recurrent_dropout", 0.2, "return_sequences", true, "return_state", true, "go_backwards", true,
      "stateful", true, "unroll", true, "seed", 5, "zero_output_for_mask", true, "time_major", true,
      "implementation", 1};
  private static final Object[] GATED = {"recurrent_activation", "tanh", "use_cudnn", true};
  private static final Object[] NORM = {"axis", 1, "epsilon", 0.01, "center", false, "scale", false,
      "beta_initializer", ONES, "gamma_initializer", ZEROS, "beta_regularizer", L2, "gamma_regularizer", L2,
      "beta_constraint", NON_NEG, "gamma_constraint", NON_NEG};

  /** Per class: the smallest valid config, then Keras's arguments with a non-default value each. */
  private static final Map<String, Row> ROWS = new LinkedHashMap<>();

  private record Row(Map<String, Object> required, Map<String, Object> options) {}

  private static void row(String cls, Object[] required, Object[]... options) {
    Map<String, Object> opts = new LinkedHashMap<>();
    for (Object[] o : options) {
      opts.putAll(map(o));
    }
    if (!cls.equals("InputLayer")) {
      opts.putAll(map(BASE));
    }
    ROWS.put(cls, new Row(map(required), opts));
  }

  static {
    Map<String, Object> dense2 = Map.of("class_name", "Dense", "config", Map.of("units", 2));
    Map<String, Object> lstm2 = Map.of("class_name", "LSTM", "config", Map.of("units", 2));
    row("InputLayer", new Object[] {"batch_shape", Arrays.asList(null, 3)},
        new Object[] {"name", "audited", "dtype", "float64", "shape", List.of(4), "batch_shape", Arrays.asList(null, 6),
            "sparse", true, "ragged", true, "optional", true, "input_tensor", "x"});
    row("Dense", new Object[] {"units", 2}, new Object[] {"units", 3, "lora_rank", 4, "lora_alpha", 8.0,
        "quantization_config", "int8"}, INITIALIZED_DENSE);
    row("Activation", new Object[] {"activation", "relu"}, new Object[] {"activation", "tanh"});
    row("ReLU", new Object[] {}, new Object[] {"max_value", 6.0, "negative_slope", 0.1, "threshold", 0.5});
    row("LeakyReLU", new Object[] {}, new Object[] {"negative_slope", 0.1});
    row("PReLU", new Object[] {}, new Object[] {"alpha_initializer", ONES, "alpha_regularizer", L2,
        "alpha_constraint", NON_NEG, "shared_axes", List.of(1)});
    row("ELU", new Object[] {}, new Object[] {"alpha", 0.5});
    row("Softmax", new Object[] {}, new Object[] {"axis", 1});
    row("Flatten", new Object[] {}, new Object[] {"data_format", "channels_first"});
    row("Reshape", new Object[] {"target_shape", List.of(2)}, new Object[] {"target_shape", List.of(1, 2)});
    row("Permute", new Object[] {"dims", List.of(1)}, new Object[] {"dims", List.of(2, 1)});
    row("Dropout", new Object[] {"rate", 0.1}, new Object[] {"rate", 0.5, "noise_shape", Arrays.asList(null, 1), "seed", 7});
    row("Conv1D", new Object[] {"filters", 2, "kernel_size", 2}, new Object[] {"filters", 4, "kernel_size", 3}, CONV,
        INITIALIZED_DENSE);
    row("Conv2D", new Object[] {"filters", 2, "kernel_size", 2}, new Object[] {"filters", 4, "kernel_size", List.of(3, 1)},
        CONV, INITIALIZED_DENSE);
    for (String p : List.of("MaxPooling1D", "AveragePooling1D", "MaxPooling2D", "AveragePooling2D")) {
      row(p, new Object[] {}, POOL);
    }
    for (String p : List.of("GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling2D")) {
      row(p, new Object[] {}, GLOBAL_POOL);
    }
    row("ZeroPadding2D", new Object[] {}, new Object[] {"padding", 2, "data_format", "channels_first"});
    row("BatchNormalization", new Object[] {}, NORM, new Object[] {"momentum", 0.9, "moving_mean_initializer", ONES,
        "moving_variance_initializer", ZEROS, "synchronized", true,
        // tf.keras's
        "renorm", true, "renorm_clipping", Map.of("rmax", 3.0), "renorm_momentum", 0.9, "fused", true,
        "virtual_batch_size", 4, "adjustment", "f"});
    row("LayerNormalization", new Object[] {}, NORM, new Object[] {"rms_scaling", true});
    row("Embedding", new Object[] {"input_dim", 5, "output_dim", 2}, new Object[] {"input_dim", 7, "output_dim", 3,
        "embeddings_initializer", ONES, "embeddings_regularizer", L2, "embeddings_constraint", NON_NEG, "mask_zero", true,
        "lora_rank", 2, "lora_alpha", 4.0, "sparse", true, "input_length", 10});
    row("Masking", new Object[] {}, new Object[] {"mask_value", 1.0});
    row("Bidirectional", new Object[] {"layer", lstm2}, new Object[] {"layer",
        Map.of("class_name", "GRU", "config", Map.of("units", 3)), "merge_mode", "sum", "backward_layer",
        Map.of("class_name", "LSTM", "config", Map.of("units", 2, "go_backwards", true))});
    row("TimeDistributed", new Object[] {"layer", dense2}, new Object[] {"layer",
        Map.of("class_name", "Dense", "config", Map.of("units", 3))});
    row("SimpleRNN", new Object[] {"units", 2}, new Object[] {"units", 3}, RNN);
    row("LSTM", new Object[] {"units", 2}, new Object[] {"units", 3, "unit_forget_bias", false}, RNN, GATED);
    row("GRU", new Object[] {"units", 2}, new Object[] {"units", 3, "reset_after", false}, RNN, GATED);
    for (String m : List.of("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum")) {
      row(m, new Object[] {});
    }
    row("Concatenate", new Object[] {}, new Object[] {"axis", 1});
  }

  @Test
  void everyRegisteredLayerClassHasARow() {
    assertEquals(new TreeSet<>(Layers.BUILT_IN), new TreeSet<>(ROWS.keySet()),
        "a layer class without a row of Keras's arguments (or a row for a class no longer registered)");
  }

  @Test
  void everyKerasArgumentIsImplementedRefusedOrIgnoredByDesign() {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Row> r : ROWS.entrySet()) {
      String cls = r.getKey();
      for (Map.Entry<String, Object> o : r.getValue().options().entrySet()) {
        String problem = audit(cls, r.getValue().required(), o.getKey(), o.getValue());
        if (problem != null) {
          problems.add(cls + "." + o.getKey() + "=" + Config.repr(o.getValue()) + ": " + problem);
        }
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** Null when the option is kept by a round trip, refused properly or ignored by design; else what is wrong. */
  private static String audit(String cls, Map<String, Object> required, String option, Object value) {
    Map<String, Object> config = new HashMap<>(required);
    config.putIfAbsent("name", "audited");
    config.put(option, value);
    Layer layer;
    try {
      layer = Layers.deserialize(Map.of("class_name", cls, "config", config));
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      String name = option.equals("name") ? value.toString() : "audited";
      boolean names = m.contains("\"" + name + "\"") && m.contains(cls) && m.contains(option)
          && m.toLowerCase(java.util.Locale.ROOT).contains(Config.repr(value).toLowerCase(java.util.Locale.ROOT)) && !m.contains("\n");
      return names ? null : "refused without naming layer, class, option and value in one line: " + m;
    }
    if (KerasOptions.ignored(cls, option)) {
      return null;
    }
    Map<String, Object> got = layer.getConfig();
    String key = option.equals("shape") ? "batch_shape" : option;
    Object want = option.equals("shape") ? prepend(null, (List<?>) value) : value;
    if (!got.containsKey(key)) {
      return "accepted but dropped: the round trip has no " + key;
    }
    return kept(want, got.get(key)) ? null : "accepted but not kept: the round trip has " + Config.repr(got.get(key));
  }

  private static List<Object> prepend(Object first, List<?> rest) {
    List<Object> out = new ArrayList<>();
    out.add(first);
    out.addAll(rest);
    return out;
  }

  /** The given value survived: numbers by value, a number as a repeated tuple, nested entries by class and config. */
  private static boolean kept(Object want, Object got) {
    if (want instanceof Number w) {
      if (got instanceof List<?> l) {
        return !l.isEmpty() && l.stream().allMatch(x -> kept(w, x));
      }
      return got instanceof Number g && g.doubleValue() == w.doubleValue();
    }
    if (want instanceof String w && got instanceof Map<?, ?> policy && policy.get("config") instanceof Map<?, ?> pc) {
      return w.equals(pc.get("name")); // a DTypePolicy
    }
    if (want instanceof List<?> w) {
      if (!(got instanceof List<?> g) || g.size() != w.size()) {
        return false;
      }
      for (int i = 0; i < w.size(); i++) {
        if (!(w.get(i) == null ? g.get(i) == null : kept(w.get(i), g.get(i)))) {
          return false;
        }
      }
      return true;
    }
    if (want instanceof Map<?, ?> w) {
      if (!(got instanceof Map<?, ?> g)) {
        return false;
      }
      if (w.containsKey("class_name") && !String.valueOf(w.get("class_name")).equalsIgnoreCase(String.valueOf(g.get("class_name")))) {
        return false;
      }
      Object wConfig = w.containsKey("class_name") ? w.get("config") : w;
      Map<?, ?> wc = wConfig instanceof Map<?, ?> m ? m : Map.of();
      Map<?, ?> gc = w.containsKey("class_name") ? (Map<?, ?>) g.get("config") : g;
      for (Map.Entry<?, ?> e : wc.entrySet()) {
        if (gc == null || !kept(e.getValue(), gc.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return java.util.Objects.equals(want, got);
  }

  @Test
  void keras2InputShapeArgumentsBuildTheInputShape() {
    assertArrayEquals(new long[] {5}, dense(Map.of("input_shape", List.of(5))).declaredInputShape());
    assertArrayEquals(new long[] {5}, dense(Map.of("input_dim", 5)).declaredInputShape());
    assertArrayEquals(new long[] {5}, dense(Map.of("batch_input_shape", Arrays.asList(null, 5))).declaredInputShape());
    assertArrayEquals(new long[] {5}, dense(Map.of("batch_shape", Arrays.asList(null, 5))).declaredInputShape());
    Layer lstm = Layers.deserialize(Map.of("class_name", "LSTM", "config", Map.of("units", 2, "input_dim", 3, "input_length", 7)));
    assertArrayEquals(new long[] {7, 3}, lstm.declaredInputShape());
    Layer leaky = Layers.deserialize(Map.of("class_name", "LeakyReLU", "config", Map.of("alpha", 0.2)));
    assertEquals(0.2, ((Number) leaky.getConfig().get("negative_slope")).doubleValue(), 1e-12);
  }

  private static Layer dense(Map<String, Object> extra) {
    Map<String, Object> c = new HashMap<>(extra);
    c.put("units", 2);
    return Layers.deserialize(Map.of("class_name", "Dense", "config", c));
  }

  @Test
  void defaultsOfUnimplementedOptionsAreAcceptedAsKerasFilesWriteThem() {
    Map<String, Object> c = new HashMap<>(Map.of("units", 2, "time_major", false, "unroll", false));
    assertDoesNotThrow(() -> Layers.deserialize(Map.of("class_name", "LSTM", "config", c)));
    Map<String, Object> d = new HashMap<>();
    d.put("rate", 0.5);
    d.put("noise_shape", null);
    assertDoesNotThrow(() -> Layers.deserialize(Map.of("class_name", "Dropout", "config", d)));
    assertTrue(KerasOptions.defaultOnly("LSTM", "time_major") && KerasOptions.ignored("LSTM", "implementation"));
  }

  @Test
  void anUnknownOptionIsRefusedNamingLayerAndOption() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Layers.deserialize(
        Map.of("class_name", "Dense", "config", Map.of("name", "d1", "units", 2, "kernel_initialiser", "ones"))));
    assertEquals("Layer \"d1\" (Dense): option kernel_initialiser='ones' is not supported: tapekit's Dense has no "
        + "such option", e.getMessage());
  }

  private static Map<String, Object> entry(String cls, Object... config) {
    return Map.of("class_name", cls, "config", map(config));
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static {
    if (ROWS.isEmpty()) {
      fail("no rows");
    }
  }
}

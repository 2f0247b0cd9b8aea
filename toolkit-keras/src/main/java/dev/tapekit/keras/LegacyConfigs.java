package dev.tapekit.keras;

import dev.tapekit.layers.Activations;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.ModelSizeLimit;
import dev.tapekit.models.Model;
import dev.tapekit.optimizers.ConfigValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keras 1 and 2 model configs (legacy {@code .h5} files, {@code model.to_json()}, TensorFlow.js's
 * {@code modelTopology}) in Keras 3's form, which {@code Layers.deserialize} reads: Sequential configs that
 * are a bare list or {@code {name, layers}}, {@code batch_input_shape} as an InputLayer, functional
 * {@code inbound_nodes} as nested lists {@code [[name, node, tensor, kwargs]]}, Keras 1's argument names
 * ({@link Keras1Names}), and the semantics that changed: {@code hard_sigmoid} before Keras 3 is
 * {@code clip(0.2 x + 0.5, 0, 1)}, GRU's {@code reset_after} was False by default before tf.keras 2.
 * What tapekit cannot reproduce fails naming the file, the layer and the option.
 */
final class LegacyConfigs {
  /**
   * Options tapekit's layers must echo back when a config sets them (ignoring one would change the outputs,
   * not fail), with Keras 3's default for a layer whose config does not mention the option.
   */
  private static final Map<String, Object> HONOURED = Map.of("data_format", "channels_last", "reset_after", true,
      "mask_zero", false, "mask_value", 0.0, "merge_mode", "concat", "go_backwards", false,
      "return_sequences", false);

  static {
    KerasLambdas.init();
    dev.tapekit.models.ModelConfigs.init();
  }

  private LegacyConfigs() {}

  /**
   * The model of a Keras 1/2 model config, its options checked as {@link #checkHonoured} says; its weights
   * may take at most {@code weightBytes}, the bytes of the file(s) that must hold them ({@code where}).
   */
  static Model build(Map<String, Object> serialized, KerasSource src, long weightBytes, String where) {
    return KerasErrors.at(src.file(), "model_config", () -> {
      Map<String, Object> translated = model(serialized, src);
      try (ModelSizeLimit.Scope scope = ModelSizeLimit.openWithin(weightBytes, where)) {
        Model model = (Model) dev.tapekit.layers.Layers.deserialize(translated);
        checkHonoured(model, translated, src);
        return model;
      }
    });
  }

  /** {@code {"class_name": "Sequential" | "Model" | ..., "config": ...}} in Keras 3's form. */
  static Map<String, Object> model(Map<String, Object> serialized, KerasSource src) {
    Object cls = serialized.get("class_name");
    Object config = serialized.get("config");
    if ("Sequential".equals(cls)) {
      return sequential(config, src);
    }
    if ("Model".equals(cls) || "Functional".equals(cls)) {
      return functional(KerasJson.map(config, src.file() + ": model config of " + cls), src);
    }
    throw new IllegalArgumentException(src.file() + ": model class " + KerasJson.show(cls) + " is not supported "
        + "(Sequential, Model or Functional; a subclassed model has no config to rebuild)");
  }

  private static Map<String, Object> sequential(Object config, KerasSource src) {
    String name = null;
    List<Object> entries;
    if (config instanceof List) {
      entries = KerasJson.list(config, src.file() + ": Sequential config");
    } else {
      Map<String, Object> c = KerasJson.map(config, src.file() + ": Sequential config");
      name = c.get("name") == null ? null : c.get("name").toString();
      entries = KerasJson.list(c.get("layers"), src.file() + ": Sequential config \"layers\"");
    }
    List<Object> layers = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      layers.add(layer(KerasJson.map(entries.get(i), src.file() + ": Sequential layers[" + i + "]"), src));
    }
    if (!layers.isEmpty()) {
      Map<String, Object> first = config(layers.get(0));
      Object bis = first.remove("batch_input_shape");
      if (bis != null && !"InputLayer".equals(((Map<?, ?>) layers.get(0)).get("class_name"))) {
        // Keras 2 names the implicit input "<first layer>_input"
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("name", first.get("name") + "_input");
        in.put("batch_shape", bis);
        in.put("dtype", first.get("dtype") == null ? "float32" : first.get("dtype"));
        layers.add(0, serialized("InputLayer", in));
      }
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("layers", layers);
    return serialized("Sequential", c);
  }

  private static Map<String, Object> functional(Map<String, Object> config, KerasSource src) {
    List<Object> entries = KerasJson.list(config.get("layers"), src.file() + ": model config \"layers\"");
    List<Object> layers = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Map<String, Object> e = KerasJson.map(entries.get(i), src.file() + ": model layers[" + i + "]");
      Map<String, Object> t = layer(e, src);
      String name = String.valueOf(e.get("name") != null ? e.get("name") : config(t).get("name"));
      config(t).put("name", name);
      t.put("name", name);
      t.put("inbound_nodes", inboundNodes(e.get("inbound_nodes"), name, src));
      layers.add(t);
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", config.get("name"));
    c.put("layers", layers);
    c.put("input_layers", tensorRefs(config.get("input_layers"), "input_layers", src));
    c.put("output_layers", tensorRefs(config.get("output_layers"), "output_layers", src));
    return serialized("Functional", c);
  }

  /** Keras 2's {@code [[[name, node, tensor, kwargs], ...], ...]} as Keras 3's {@code [{args, kwargs}]}. */
  private static List<Object> inboundNodes(Object nodes, String layer, KerasSource src) {
    List<Object> out = new ArrayList<>();
    if (nodes == null) {
      return out;
    }
    List<Object> l = KerasJson.list(nodes, src.at(layer) + "inbound_nodes");
    for (int i = 0; i < l.size(); i++) {
      if (l.get(i) instanceof Map) {
        out.add(l.get(i)); // already Keras 3's form
        continue;
      }
      List<Object> node = KerasJson.list(l.get(i), src.at(layer) + "inbound_nodes[" + i + "]");
      List<Object> args = new ArrayList<>();
      for (int j = 0; j < node.size(); j++) {
        String what = src.at(layer) + "inbound_nodes[" + i + "][" + j + "]";
        List<Object> ref = KerasJson.list(node.get(j), what);
        if (ref.size() < 3 || ref.size() > 4 || !(ref.get(0) instanceof String)) {
          throw new IllegalArgumentException(what + " must be [layer name, node index, tensor index, kwargs], got "
              + KerasJson.show(ref));
        }
        if (ref.size() == 4 && ref.get(3) instanceof Map<?, ?> kw && !kw.isEmpty()) {
          throw new IllegalArgumentException(what + ": call arguments " + KerasJson.show(kw) + " are not supported");
        }
        Map<String, Object> kt = new LinkedHashMap<>();
        kt.put("keras_history", List.of(ref.get(0), index(ref.get(1), what), tensorIndex(ref.get(2), what)));
        args.add(serialized("__keras_tensor__", kt));
      }
      Map<String, Object> n = new LinkedHashMap<>();
      n.put("args", args.size() == 1 ? args : List.of(args));
      n.put("kwargs", Map.of());
      out.add(n);
    }
    return out;
  }

  private static List<Object> tensorRefs(Object refs, String key, KerasSource src) {
    List<Object> l = KerasJson.list(refs, src.file() + ": model config \"" + key + "\"");
    if (!l.isEmpty() && !(l.get(0) instanceof List)) {
      l = List.of(l);
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      String what = src.file() + ": model config \"" + key + "\"[" + i + "]";
      List<Object> r = KerasJson.list(l.get(i), what);
      if (r.size() != 3 || !(r.get(0) instanceof String)) {
        throw new IllegalArgumentException(what + " must be [layer name, node index, tensor index], got "
            + KerasJson.show(r));
      }
      out.add(List.of(r.get(0), index(r.get(1), what), tensorIndex(r.get(2), what)));
    }
    return out;
  }

  private static int index(Object v, String what) {
    return (int) ConfigValues.whole(v, what, 0, Integer.MAX_VALUE);
  }

  private static int tensorIndex(Object v, String what) {
    int i = index(v, what);
    if (i != 0) {
      throw new IllegalArgumentException(what + ": tensor index " + i + " (a layer with several outputs) is not "
          + "supported");
    }
    return i;
  }

  /** One layer's {@code {class_name, config}} in Keras 3's form. */
  static Map<String, Object> layer(Map<String, Object> serialized, KerasSource src) {
    Object clsValue = serialized.get("class_name");
    if (!(clsValue instanceof String)) {
      throw new IllegalArgumentException(src.file() + ": a layer has no class_name: " + KerasJson.show(serialized));
    }
    String cls = (String) clsValue;
    if (cls.equals("Sequential") || cls.equals("Model") || cls.equals("Functional")) {
      return model(serialized, src);
    }
    Object configValue = serialized.get("config");
    Map<String, Object> c = new LinkedHashMap<>(configValue == null ? Map.of()
        : KerasJson.map(configValue, src.file() + ": config of a " + cls + " layer"));
    String at = src.at(String.valueOf(c.get("name")));
    if (src.keras1()) {
      cls = Keras1Names.translate(cls, c, src);
    }
    if (c.containsKey("input_shape") && c.get("batch_input_shape") == null && c.get("input_shape") instanceof List<?> s) {
      List<Object> b = new ArrayList<>();
      b.add(null);
      b.addAll(s);
      c.put("batch_input_shape", b);
    }
    c.remove("input_shape");
    for (String key : List.of("activation", "recurrent_activation")) {
      if (src.major() < 3 && "hard_sigmoid".equals(c.get(key))) {
        c.put(key, Activations.HARD_SIGMOID_KERAS2);
      }
    }
    refuseSet(c, "activity_regularizer", at);
    switch (cls) {
      case "InputLayer":
        refuseTrue(c, "sparse", at);
        refuseTrue(c, "ragged", at);
        if (c.containsKey("batch_input_shape")) {
          c.put("batch_shape", c.remove("batch_input_shape"));
        }
        break;
      case "LeakyReLU":
        if (c.containsKey("alpha")) {
          c.put("negative_slope", c.remove("alpha"));
        }
        break;
      case "ThresholdedReLU":
        // Keras 3 dropped it: ReLU(threshold=theta) is the same function
        cls = "ReLU";
        c.put("threshold", c.containsKey("theta") ? c.remove("theta") : 1.0);
        break;
      case "SimpleRNN": case "LSTM": case "GRU":
        recurrent(cls, c, at);
        break;
      case "Bidirectional": case "TimeDistributed":
        c.put("layer", layer(KerasJson.map(c.get("layer"), at + "\"layer\""), src));
        if (c.get("backward_layer") != null) {
          c.put("backward_layer", layer(KerasJson.map(c.get("backward_layer"), at + "\"backward_layer\""), src));
        }
        break;
      default:
        break;
    }
    return serialized(cls, c);
  }

  private static void recurrent(String cls, Map<String, Object> c, String at) {
    refuseTrue(c, "stateful", at);
    refuseTrue(c, "return_state", at);
    refuseTrue(c, "time_major", at);
    if (cls.equals("GRU") && !c.containsKey("reset_after")) {
      c.put("reset_after", false); // Keras before 2.1.5 had no reset_after: its GRU is reset_after=False
    }
    // dropout and recurrent_dropout pass through: tapekit's recurrent layers apply them in training
  }

  private static void refuseTrue(Map<String, Object> c, String key, String at) {
    if (Boolean.TRUE.equals(c.get(key))) {
      throw new IllegalArgumentException(at + key + "=True is not supported");
    }
  }

  private static void refuseSet(Map<String, Object> c, String key, String at) {
    if (c.get(key) != null) {
      throw new IllegalArgumentException(at + key + "=" + KerasJson.show(c.get(key)) + " is not supported");
    }
  }

  /**
   * Refuses a model whose layers ignored an option the file sets (tapekit's layer reads only what it
   * supports): an unread {@code data_format} or {@code reset_after} would give other numbers, not an error.
   */
  static void checkHonoured(Model model, Map<String, Object> translated, KerasSource src) {
    for (Object e : KerasJson.list(config(translated).get("layers"), "layers")) {
      Map<String, Object> c = config(e);
      if ("InputLayer".equals(((Map<?, ?>) e).get("class_name"))) {
        continue;
      }
      Layer layer = model.getLayer(String.valueOf(c.get("name")));
      Map<String, Object> actual = layer.getConfig();
      for (String key : HONOURED.keySet()) {
        Object has = actual.containsKey(key) ? actual.get(key) : HONOURED.get(key);
        if (c.get(key) != null && !same(c.get(key), has)) {
          throw new IllegalArgumentException(src.at(layer.name()) + key + "=" + ConfigValues.repr(c.get(key))
              + " is not supported by tapekit's " + layer.className() + " (it has " + key + "="
              + ConfigValues.repr(has) + ")");
        }
      }
    }
  }

  private static boolean same(Object expected, Object actual) {
    Object e = expected instanceof Number n && !(expected instanceof Double) ? List.of(n) : expected;
    Object a = actual instanceof Number n && !(actual instanceof Double) ? List.of(n) : actual;
    return Objects.equals(ConfigValues.repr(e), ConfigValues.repr(a));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> config(Object serialized) {
    return (Map<String, Object>) ((Map<String, Object>) serialized).get("config");
  }

  private static Map<String, Object> serialized(String cls, Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("class_name", cls);
    m.put("config", config);
    return m;
  }
}

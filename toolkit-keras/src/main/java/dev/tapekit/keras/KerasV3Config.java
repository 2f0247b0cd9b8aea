package dev.tapekit.keras;

import dev.tapekit.core.Optimizer;
import dev.tapekit.layers.Config;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.Layer;
import dev.tapekit.losses.Loss;
import dev.tapekit.metrics.Metric;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code config.json} as Keras 3's {@code serialize_keras_object(model)} writes it: every object as
 * {@code {module, class_name, config, registered_name}}, layers with a {@code build_config} of their input shape,
 * each layer's {@code dtype} as a {@code DTypePolicy} object, a Sequential model's InputLayer as its first layer,
 * and the model's {@code compile_config}. Only keys that Keras 3.4 (the first to write DTypePolicy objects) and every
 * later release accept are written (Keras rebuilds a layer with {@code cls(**config)}, which refuses unknown keys;
 * newer ones such as {@code quantization_config} are left to their defaults).
 */
final class KerasV3Config {
  private KerasV3Config() {}

  /** The whole {@code config.json} of {@code model}. */
  static Map<String, Object> of(Model model) {
    Map<String, Object> out = model(model);
    if (model.compiled()) {
      out.put("compile_config", compileConfig(model));
    }
    return out;
  }

  private static Map<String, Object> model(Model model) {
    if (model instanceof Sequential s) {
      return sequential(s);
    }
    Map<String, Object> c = new LinkedHashMap<>(model.getConfig());
    List<Object> layers = new ArrayList<>();
    for (Object o : (List<?>) c.get("layers")) {
      @SuppressWarnings("unchecked")
      Map<String, Object> ser = (Map<String, Object>) o;
      Layer live = model.getLayer((String) ser.get("name"));
      Map<String, Object> entry = live instanceof Model m ? model(m) : layer(live, buildShape(ser));
      entry.put("name", live.name());
      entry.put("inbound_nodes", ser.get("inbound_nodes"));
      layers.add(entry);
    }
    c.put("layers", layers);
    Map<String, Object> out = object("keras.src.models.functional", "Functional", c, "Functional");
    Map<String, Object> bc = new LinkedHashMap<>();
    bc.put("input_shape", null);
    out.put("build_config", bc);
    return out;
  }

  private static Map<String, Object> sequential(Sequential s) {
    Input in = s.inputLayer();
    if (in == null) {
      throw new IllegalArgumentException("Cannot save Sequential model \"" + s.name() + "\" in Keras's format before "
          + "it is built: give it an Input or call it once");
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", s.name());
    c.put("trainable", s.trainable());
    c.put("dtype", dtypePolicy(s.dtype().tfName()));
    List<Object> layers = new ArrayList<>();
    layers.add(layer(in, null));
    for (Layer l : s.layers()) {
      layers.add(l instanceof Model m ? model(m) : layer(l, batchFree(l.builtInputShape())));
    }
    c.put("layers", layers);
    List<Object> bis = Config.shapeToList(in.batchShape());
    c.put("build_input_shape", bis);
    Map<String, Object> out = object("keras", "Sequential", c, null);
    out.put("build_config", Map.of("input_shape", bis));
    return out;
  }

  /** A layer's serialized form; {@code buildShape} (a shape list, or a list of them) becomes its build_config. */
  static Map<String, Object> layer(Layer l, Object buildShape) {
    Map<String, Object> c = new LinkedHashMap<>(l.getConfig());
    c.remove("batch_input_shape"); // Keras 3 has an InputLayer instead and refuses the key
    if (!(l instanceof Input) && c.get("dtype") instanceof String d) {
      c.put("dtype", dtypePolicy(d));
    }
    Map<String, Object> out = object("keras.layers", l.className(), c, null);
    if (buildShape != null) {
      Map<String, Object> bc = new LinkedHashMap<>();
      bc.put("input_shape", buildShape);
      out.put("build_config", bc);
    }
    return out;
  }

  /** The input shape(s) of a functional layer's first call, from its inbound node's {@code __keras_tensor__}s. */
  private static Object buildShape(Map<String, Object> ser) {
    List<?> nodes = (List<?>) ser.get("inbound_nodes");
    if (nodes == null || nodes.isEmpty()) {
      return null;
    }
    List<?> args = (List<?>) ((Map<?, ?>) nodes.get(0)).get("args");
    if (args.size() == 1 && args.get(0) instanceof List<?> several) {
      List<Object> shapes = new ArrayList<>();
      for (Object a : several) {
        shapes.add(((Map<?, ?>) ((Map<?, ?>) a).get("config")).get("shape"));
      }
      return shapes;
    }
    return ((Map<?, ?>) ((Map<?, ?>) args.get(0)).get("config")).get("shape");
  }

  private static List<Object> batchFree(long[] shape) {
    if (shape == null) {
      return null;
    }
    long[] s = shape.clone();
    if (s.length > 0) {
      s[0] = -1;
    }
    return Config.shapeToList(s);
  }

  static Map<String, Object> dtypePolicy(String name) {
    return object("keras", "DTypePolicy", Map.of("name", name), null);
  }

  static Map<String, Object> object(String module, String className, Map<String, Object> config, String registered) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", module);
    m.put("class_name", className);
    m.put("config", config);
    m.put("registered_name", registered);
    return m;
  }

  /** Keras 3's {@code compile_config}: the arguments {@code compile_from_config} passes to {@code compile}. */
  static Map<String, Object> compileConfig(Model model) {
    Map<String, Object> c = new LinkedHashMap<>();
    Optimizer opt = model.optimizer();
    Map<String, Object> optConfig = new LinkedHashMap<>(opt.getConfig());
    c.put("optimizer", object("keras.optimizers", opt.className(), optConfig, null));
    List<Object> losses = new ArrayList<>();
    for (Loss loss : model.outputLosses()) {
      losses.add(loss == null ? null
          : object("keras.losses", loss.getClass().getSimpleName(), new LinkedHashMap<>(loss.getConfig()), null));
    }
    List<Object> metrics = new ArrayList<>();
    for (List<Metric> ms : model.outputMetrics()) {
      List<Object> each = new ArrayList<>();
      for (Metric m : ms) {
        Object s = dev.tapekit.metrics.Metrics.serialize(m);
        if (s instanceof Map<?, ?> map) {
          @SuppressWarnings("unchecked")
          Map<String, Object> cfg = (Map<String, Object>) map.get("config");
          s = object("keras.metrics", String.valueOf(map.get("class_name")), cfg, null);
        }
        each.add(s);
      }
      metrics.add(each);
    }
    // as Keras 3 writes them: one output's loss and metrics as they are; several as lists in output order
    boolean single = losses.size() == 1;
    c.put("loss", single ? losses.get(0) : losses);
    List<Double> weights = model.lossWeights();
    c.put("loss_weights", weights.stream().allMatch(w -> w == null) ? null
        : single ? weights.get(0) : weights.stream().map(w -> w == null ? 1.0 : w).toList());
    c.put("metrics", single ? metrics.get(0) : metrics);
    c.put("weighted_metrics", null);
    c.put("run_eagerly", false);
    c.put("steps_per_execution", 1);
    c.put("jit_compile", false);
    return c;
  }

}

package dev.tapekit.models;

import dev.tapekit.layers.Config;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Layers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras-shaped model configs: Sequential's {@code {"name", "layers": [...], "build_input_shape"}} and
 * Functional's {@code {"name", "layers": [{..., "inbound_nodes"}], "input_layers", "output_layers"}}, and
 * the reverse.
 */
public final class ModelConfigs {
  static {
    Layers.register("Sequential", ModelConfigs::sequentialFromConfig);
    Layers.register("Functional", ModelConfigs::functionalFromConfig);
    Layers.register("Model", ModelConfigs::functionalFromConfig);
  }

  private ModelConfigs() {}

  /** Makes sure the model classes are registered with {@link Layers}. */
  public static void init() {}

  static Map<String, Object> sequentialConfig(Sequential m) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", m.name());
    c.put("trainable", m.trainable());
    c.put("dtype", m.dtype().tfName());
    List<Object> layers = new ArrayList<>();
    if (m.inputLayer() != null) {
      layers.add(Layers.serialize(m.inputLayer()));
    }
    for (Layer l : m.layers()) {
      layers.add(Layers.serialize(l));
    }
    c.put("layers", layers);
    if (m.inputLayer() != null) {
      c.put("build_input_shape", Config.shapeToList(m.inputLayer().batchShape()));
    }
    return c;
  }

  static Sequential sequentialFromConfig(Map<String, Object> c) {
    List<Layer> layers = new ArrayList<>();
    List<Object> entries = list(c.getOrDefault("layers", List.of()), "Sequential config: \"layers\"");
    for (int i = 0; i < entries.size(); i++) {
      layers.add(Layers.deserialize(map(entries.get(i), "Sequential config: layers[" + i + "]")));
    }
    Sequential s = new Sequential(layers, Config.getString(c, "name", null));
    long[] bis = Config.shapeFromList(c.get("build_input_shape"), "build_input_shape");
    if (bis != null && !s.built()) {
      s.build(bis);
    }
    restoreTrainable(s, c);
    return s;
  }

  /** A JSON list, or an error saying what {@code what} should have been. */
  @SuppressWarnings("unchecked")
  private static List<Object> list(Object v, String what) {
    if (!(v instanceof List)) {
      throw new IllegalArgumentException(what + " must be a list, got " + show(v));
    }
    return (List<Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v, String what) {
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(what + " must be an object, got " + show(v));
    }
    return (Map<String, Object>) v;
  }

  private static String show(Object v) {
    String s = String.valueOf(v).replaceAll("\\p{Cntrl}", "?");
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  /** A tensor reference {@code [layer_name, node_index, tensor_index]} resolved among the tensors made so far. */
  private static KerasTensor ref(Object r, Map<String, KerasTensor> tensors, String what) {
    List<Object> l = list(r, what);
    if (l.size() < 2 || !(l.get(0) instanceof String) || !(l.get(1) instanceof Integer)) {
      throw new IllegalArgumentException(what + " must be [layer name, node index, tensor index], got " + show(r));
    }
    KerasTensor t = tensors.get(l.get(0) + "#" + l.get(1));
    if (t == null) {
      throw new IllegalArgumentException(what + " refers to unknown tensor " + show(r));
    }
    return t;
  }

  static Map<String, Object> functionalConfig(Model m) {
    // node index of each symbolic tensor within its layer's calls, in execution order
    Map<KerasTensor, Integer> nodeIndex = new IdentityHashMap<>();
    Map<Layer, List<KerasTensor>> calls = new LinkedHashMap<>();
    for (KerasTensor in : m.inputs()) {
      calls.computeIfAbsent(in.layer(), k -> new ArrayList<>()).add(in);
      nodeIndex.put(in, 0);
    }
    for (KerasTensor k : m.executionOrder()) {
      List<KerasTensor> l = calls.computeIfAbsent(k.layer(), x -> new ArrayList<>());
      nodeIndex.put(k, l.size());
      l.add(k);
    }
    List<Object> layers = new ArrayList<>();
    for (Map.Entry<Layer, List<KerasTensor>> e : calls.entrySet()) {
      Map<String, Object> ser = Layers.serialize(e.getKey());
      ser.put("name", e.getKey().name());
      List<Object> nodes = new ArrayList<>();
      if (!(e.getKey() instanceof Input)) {
        for (KerasTensor out : e.getValue()) {
          List<Object> args = new ArrayList<>();
          for (KerasTensor a : out.inputs()) {
            Map<String, Object> kt = new LinkedHashMap<>();
            kt.put("shape", Config.shapeToList(a.shape()));
            kt.put("dtype", a.dtype().tfName());
            kt.put("keras_history", List.of(a.layer().name(), nodeIndex.get(a), 0));
            args.add(Map.of("class_name", "__keras_tensor__", "config", kt));
          }
          Map<String, Object> node = new LinkedHashMap<>();
          node.put("args", args.size() == 1 ? args : List.of(args));
          node.put("kwargs", Map.of());
          nodes.add(node);
        }
      }
      ser.put("inbound_nodes", nodes);
      layers.add(ser);
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", m.name());
    c.put("trainable", m.trainable());
    c.put("layers", layers);
    List<Object> ins = new ArrayList<>();
    for (KerasTensor in : m.inputs()) {
      ins.add(List.of(in.layer().name(), 0, 0));
    }
    c.put("input_layers", ins);
    List<Object> outs = new ArrayList<>();
    for (KerasTensor o : m.outputs()) {
      outs.add(List.of(o.layer().name(), nodeIndex.get(o), 0));
    }
    c.put("output_layers", outs);
    return c;
  }

  static Model functionalFromConfig(Map<String, Object> c) {
    Map<String, KerasTensor> tensors = new HashMap<>();
    List<Object> entries = list(c.get("layers"), "Model config: \"layers\"");
    for (int li = 0; li < entries.size(); li++) {
      Map<String, Object> ser = map(entries.get(li), "Model config: layers[" + li + "]");
      Layer layer = Layers.deserialize(ser);
      String name = layer.name();
      if (layer instanceof Input) {
        tensors.put(name + "#0", ((Input) layer).output());
        continue;
      }
      String at = "Model config: layer \"" + name + "\"";
      List<Object> nodes = list(ser.getOrDefault("inbound_nodes", List.of()), at + ": inbound_nodes");
      for (int i = 0; i < nodes.size(); i++) {
        String nodeAt = at + ": inbound_nodes[" + i + "]";
        List<KerasTensor> in = new ArrayList<>();
        if (nodes.get(i) instanceof List<?> keras2) {
          // Keras 2 / tf.keras: a node is a list of [layer name, node index, tensor index, kwargs]
          for (int j = 0; j < keras2.size(); j++) {
            in.add(ref(keras2.get(j), tensors, nodeAt + "[" + j + "]"));
            if (keras2.get(j) instanceof List<?> r && r.size() > 3 && r.get(3) instanceof Map<?, ?> kw
                && !kw.isEmpty()) {
              throw new IllegalArgumentException(nodeAt + "[" + j + "]: call arguments " + show(kw)
                  + " are not supported");
            }
          }
        } else {
          List<Object> args = list(map(nodes.get(i), nodeAt).get("args"), nodeAt + ".args");
          if (args.size() == 1 && args.get(0) instanceof List) {
            args = list(args.get(0), nodeAt + ".args[0]");
          }
          for (int j = 0; j < args.size(); j++) {
            String argAt = nodeAt + ".args[" + j + "]";
            Map<String, Object> cfg = map(map(args.get(j), argAt).get("config"), argAt + ".config");
            in.add(ref(cfg.get("keras_history"), tensors, argAt + ".config.keras_history"));
          }
        }
        if (in.isEmpty()) {
          throw new IllegalArgumentException(nodeAt + " has no inputs");
        }
        tensors.put(name + "#" + i, layer.apply(in));
      }
    }
    Model m = new Model(refs(c.get("input_layers"), tensors, "Model config: input_layers"),
        refs(c.get("output_layers"), tensors, "Model config: output_layers"), Config.getString(c, "name", null));
    restoreTrainable(m, c);
    return m;
  }

  /** A model saved frozen loads frozen (its layers' own configs say trainable=false already). */
  private static void restoreTrainable(Model m, Map<String, Object> c) {
    if (!Config.getBool(c, "trainable", true)) {
      m.setTrainable(false);
    }
  }

  private static List<KerasTensor> refs(Object spec, Map<String, KerasTensor> tensors, String what) {
    List<Object> l = list(spec, what);
    if (!l.isEmpty() && !(l.get(0) instanceof List)) {
      l = List.of(l);
    }
    List<KerasTensor> out = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      out.add(ref(l.get(i), tensors, what + "[" + i + "]"));
    }
    return out;
  }
}

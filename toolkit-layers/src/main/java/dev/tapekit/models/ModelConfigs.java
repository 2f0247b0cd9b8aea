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

  @SuppressWarnings("unchecked")
  static Sequential sequentialFromConfig(Map<String, Object> c) {
    List<Layer> layers = new ArrayList<>();
    for (Object o : (List<Object>) c.getOrDefault("layers", List.of())) {
      layers.add(Layers.deserialize((Map<String, Object>) o));
    }
    Sequential s = new Sequential(layers, Config.getString(c, "name", null));
    long[] bis = Config.shapeFromList(c.get("build_input_shape"), "build_input_shape");
    if (bis != null && !s.built()) {
      s.build(bis);
    }
    return s;
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

  @SuppressWarnings("unchecked")
  static Model functionalFromConfig(Map<String, Object> c) {
    Map<String, KerasTensor> tensors = new HashMap<>();
    for (Object o : (List<Object>) c.get("layers")) {
      Map<String, Object> ser = (Map<String, Object>) o;
      Layer layer = Layers.deserialize(ser);
      String name = layer.name();
      if (layer instanceof Input) {
        tensors.put(name + "#0", ((Input) layer).output());
        continue;
      }
      List<Object> nodes = (List<Object>) ser.getOrDefault("inbound_nodes", List.of());
      for (int i = 0; i < nodes.size(); i++) {
        List<Object> args = (List<Object>) ((Map<String, Object>) nodes.get(i)).get("args");
        if (args.size() == 1 && args.get(0) instanceof List) {
          args = (List<Object>) args.get(0);
        }
        List<KerasTensor> in = new ArrayList<>();
        for (Object a : args) {
          List<Object> hist = (List<Object>) Config.getMap((Map<String, Object>) a, "config").get("keras_history");
          KerasTensor t = tensors.get(hist.get(0) + "#" + ((Number) hist.get(1)).intValue());
          if (t == null) {
            throw new IllegalArgumentException("Model config: layer \"" + name + "\" refers to unknown tensor " + hist);
          }
          in.add(t);
        }
        tensors.put(name + "#" + i, layer.apply(in));
      }
    }
    return new Model(refs(c.get("input_layers"), tensors), refs(c.get("output_layers"), tensors),
        Config.getString(c, "name", null));
  }

  @SuppressWarnings("unchecked")
  private static List<KerasTensor> refs(Object spec, Map<String, KerasTensor> tensors) {
    List<Object> l = (List<Object>) spec;
    if (!l.isEmpty() && !(l.get(0) instanceof List)) {
      l = List.of(l);
    }
    List<KerasTensor> out = new ArrayList<>();
    for (Object o : l) {
      List<Object> r = (List<Object>) o;
      KerasTensor t = tensors.get(r.get(0) + "#" + ((Number) r.get(1)).intValue());
      if (t == null) {
        throw new IllegalArgumentException("Model config: unknown tensor " + r);
      }
      out.add(t);
    }
    return out;
  }
}

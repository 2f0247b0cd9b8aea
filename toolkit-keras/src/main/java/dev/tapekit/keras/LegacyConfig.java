package dev.tapekit.keras;

import dev.tapekit.layers.Input;
import dev.tapekit.layers.Layer;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's architecture and training config in the Keras 2 form of legacy {@code .h5} files ({@code model_config},
 * {@code training_config}), which Keras 3's {@code legacy_h5_format.load_model_from_hdf5} and tf.keras 2 read:
 * objects as {@code {class_name, config}} without {@code module}, dtypes as strings, a Sequential's InputLayer with
 * {@code batch_input_shape}, functional {@code inbound_nodes} as nested {@code [layer, node, tensor, kwargs]} lists,
 * the optimizer under {@code optimizer_config}. Layer arguments are those Keras 3's layers take (its legacy loader
 * rebuilds every layer with {@code cls(**config)}).
 */
final class LegacyConfig {
  private LegacyConfig() {}

  /** {@code model_config}: {@code {class_name, config}} of the model. */
  static Map<String, Object> model(Model model) {
    checkActivations(model);
    return strip(modelForm(model));
  }

  private static Map<String, Object> modelForm(Model model) {
    if (model instanceof Sequential s) {
      Input in = s.inputLayer();
      if (in == null) {
        throw new IllegalArgumentException("Cannot save Sequential model \"" + s.name() + "\" in Keras's format before "
            + "it is built: give it an Input or call it once");
      }
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", s.name());
      List<Object> layers = new ArrayList<>();
      layers.add(inputLayer(in));
      for (Layer l : s.layers()) {
        layers.add(l instanceof Model m ? modelForm(m) : layer(l));
      }
      c.put("layers", layers);
      return object("Sequential", c);
    }
    Map<String, Object> c = new LinkedHashMap<>(model.getConfig());
    List<Object> layers = new ArrayList<>();
    for (Object o : (List<?>) c.get("layers")) {
      Map<?, ?> ser = (Map<?, ?>) o;
      Layer live = model.getLayer((String) ser.get("name"));
      Map<String, Object> entry = live instanceof Input in ? inputLayer(in)
          : live instanceof Model m ? modelForm(m) : layer(live);
      entry.put("name", live.name());
      entry.put("inbound_nodes", nodes((List<?>) ser.get("inbound_nodes")));
      layers.add(entry);
    }
    c.put("layers", layers);
    return object("Functional", c);
  }

  private static Map<String, Object> inputLayer(Input in) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("batch_input_shape", dev.tapekit.layers.Config.shapeToList(in.batchShape()));
    c.put("dtype", in.dtype().tfName());
    c.put("sparse", false);
    c.put("name", in.name());
    return object("InputLayer", c);
  }

  private static Map<String, Object> layer(Layer l) {
    Map<String, Object> c = new LinkedHashMap<>(l.getConfig());
    c.remove("batch_input_shape"); // the InputLayer carries the shape
    return object(l.className(), c);
  }

  /** Keras 3's {@code [{"args": [...], "kwargs": {}}]} as Keras 2's {@code [[[layer, node, tensor, {}], ...]]}. */
  private static List<Object> nodes(List<?> nodes) {
    List<Object> out = new ArrayList<>();
    for (Object n : nodes) {
      List<?> args = (List<?>) ((Map<?, ?>) n).get("args");
      List<?> tensors = args.size() == 1 && args.get(0) instanceof List<?> several ? several : args;
      List<Object> node = new ArrayList<>();
      for (Object t : tensors) {
        List<Object> ref = new ArrayList<>((List<?>) ((Map<?, ?>) ((Map<?, ?>) t).get("config")).get("keras_history"));
        ref.add(Map.of());
        node.add(ref);
      }
      out.add(node);
    }
    return out;
  }

  /** {@code training_config}: loss, metrics, loss_weights, weighted_metrics and the optimizer's config. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> training(Model model) {
    Map<String, Object> k3 = KerasV3Config.compileConfig(model);
    Map<String, Object> t = new LinkedHashMap<>();
    List<dev.tapekit.losses.Loss> losses = model.outputLosses();
    List<Object> serialized = losses.size() == 1 ? List.of(k3.get("loss")) : (List<Object>) k3.get("loss");
    List<Object> names = new ArrayList<>();
    for (int i = 0; i < losses.size(); i++) {
      names.add(losses.get(i) == null ? null : lossName(losses.get(i), serialized.get(i)));
    }
    t.put("loss", names.size() == 1 ? names.get(0) : names);
    t.put("metrics", k3.get("metrics"));
    t.put("weighted_metrics", null);
    t.put("loss_weights", k3.get("loss_weights"));
    t.put("optimizer_config", k3.get("optimizer"));
    return strip(t);
  }

  /**
   * A loss with its name's default arguments as that name ({@code "sparse_categorical_crossentropy"}), as tf.keras 2
   * wrote a loss compiled by name; any other as its serialized object.
   */
  private static Object lossName(dev.tapekit.losses.Loss loss, Object serialized) {
    String name = KerasV3Layout.snakeCase(loss.getClass().getSimpleName());
    try {
      return dev.tapekit.losses.Losses.get(name).getConfig().equals(loss.getConfig()) ? name : serialized;
    } catch (IllegalArgumentException e) {
      return serialized;
    }
  }

  /** Keras 3's serialized objects without {@code module} and {@code registered_name}, as Keras 2 wrote them. */
  @SuppressWarnings("unchecked")
  private static <T> T strip(T v) {
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String k = (String) e.getKey();
        if (!(m.containsKey("class_name") && (k.equals("module") || k.equals("registered_name")))) {
          out.put(k, strip(e.getValue()));
        }
      }
      return (T) out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      for (Object o : l) {
        out.add(strip(o));
      }
      return (T) out;
    }
    return v;
  }

  private static Map<String, Object> object(String className, Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("class_name", className);
    m.put("config", config);
    return m;
  }

  /**
   * Refuses hard_sigmoid: Keras 3's legacy loader reads it as Keras 3's {@code relu6(x + 3) / 6}, tf.keras 2 and
   * tapekit's legacy reader as Keras 2's {@code clip(0.2 x + 0.5, 0, 1)}, so no version string makes every reader
   * compute what the model computes.
   */
  private static void checkActivations(Layer layer) {
    if (layer instanceof Model m) {
      for (Layer l : m.layers()) {
        checkActivations(l);
      }
      return;
    }
    for (Map.Entry<String, Object> e : layer.getConfig().entrySet()) {
      if (e.getKey().endsWith("activation") && String.valueOf(e.getValue()).startsWith("hard_sigmoid")) {
        throw new IllegalArgumentException("Cannot save layer '" + layer.name() + "' (" + layer.className() + ") to a "
            + "legacy .h5 file: its " + e.getKey() + " '" + e.getValue() + "' means different functions to Keras 2 and "
            + "Keras 3 readers of .h5 files; save it as .keras instead");
      }
    }
  }
}

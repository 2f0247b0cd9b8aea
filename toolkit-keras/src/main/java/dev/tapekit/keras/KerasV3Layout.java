package dev.tapekit.keras;

import dev.tapekit.core.Variable;
import dev.tapekit.layers.BaseRNN;
import dev.tapekit.layers.Layer;
import dev.tapekit.models.Model;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where Keras 3 keeps each layer's variables in {@code model.weights.h5} (saving_lib's {@code _save_state}): the
 * model's own {@code vars} at the root, then its {@code layers} container, each layer under the snake_case of its
 * class name made unique in the container ({@code dense}, {@code dense_1}, ...; never the layer's own name), its
 * variables as datasets {@code vars/0}, {@code vars/1}, ... in Keras's order (trainable ones, then the others, each
 * as created). A recurrent layer's variables belong to its {@code cell}; a nested model has its own {@code layers}.
 * Every {@code vars} group carries the object's name as attribute {@code name}.
 */
final class KerasV3Layout {
  /** One {@code vars} group: its parent path ("" for the root), the object's name, the variables in order. */
  record Entry(String path, String name, Layer layer, List<Variable> vars) {
    /** The path of the {@code vars} group. */
    String varsPath() {
      return path.isEmpty() ? "vars" : path + "/vars";
    }
  }

  private KerasV3Layout() {}

  /** Every {@code vars} group of {@code model} in the order Keras writes them. */
  static List<Entry> of(Model model) {
    List<Entry> out = new ArrayList<>();
    addModel(model, "", out);
    return out;
  }

  private static void addModel(Model model, String path, List<Entry> out) {
    out.add(new Entry(path, model.name(), model, List.of()));
    Map<String, Integer> used = new HashMap<>();
    String base = path.isEmpty() ? "layers" : path + "/layers";
    for (Layer l : model.layers()) {
      String p = base + "/" + uniqueName(snakeCase(l.className()), used);
      if (l instanceof Model m) {
        addModel(m, p, out);
      } else if (l instanceof BaseRNN) {
        out.add(new Entry(p, l.name(), l, List.of()));
        out.add(new Entry(p + "/cell", snakeCase(l.className()) + "_cell", l, kerasOrder(l.weights())));
      } else {
        out.add(new Entry(p, l.name(), l, kerasOrder(l.weights())));
      }
    }
  }

  /** Keras's {@code _trainable_variables + _non_trainable_variables}: by each variable's own flag, as created. */
  static List<Variable> kerasOrder(List<Variable> weights) {
    List<Variable> out = new ArrayList<>();
    for (Variable v : weights) {
      if (v.trainable()) {
        out.add(v);
      }
    }
    for (Variable v : weights) {
      if (!v.trainable()) {
        out.add(v);
      }
    }
    return out;
  }

  /** saving_lib's {@code _get_unique_name}: the first use as is, then {@code name_1}, {@code name_2}, ... */
  static String uniqueName(String name, Map<String, Integer> used) {
    Integer n = used.get(name);
    if (n == null) {
      used.put(name, 0);
      return name;
    }
    used.put(name, n + 1);
    return name + "_" + (n + 1);
  }

  /** Keras's {@code naming.to_snake_case}: {@code MaxPooling2D} -> {@code max_pooling2d}, {@code LSTM} -> {@code lstm}. */
  static String snakeCase(String name) {
    String s = name.replaceAll("\\W+", "");
    s = s.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
    return s.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }
}

package dev.tapekit.keras;

import dev.tapekit.core.Optimizer;
import dev.tapekit.losses.Loss;
import dev.tapekit.losses.Losses;
import dev.tapekit.metrics.Metrics;
import dev.tapekit.models.Model;
import dev.tapekit.optimizers.Optimizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles a model from Keras 3's {@code compile_config} (what {@code Model.compile_from_config} passes to
 * {@code compile}): an optimizer, a loss and metrics, each a name ({@code "adam"}, {@code "mse"},
 * {@code "accuracy"}) or a serialized object {@code {module, class_name, config, registered_name}}.
 */
final class KerasCompile {
  private KerasCompile() {}

  /** Compiles {@code model}; {@code where} (file and field) starts every error message. */
  static void compile(Model model, Object compileConfig, String where) {
    if (!(compileConfig instanceof Map<?, ?> cc)) {
      throw new IllegalArgumentException(where + " must be an object, got " + show(compileConfig));
    }
    Optimizer opt;
    try {
      opt = optimizer(cc.get("optimizer"), where + ".optimizer");
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException(m.startsWith(where) ? m : where + ": " + m, e);
    }
    compile(model, opt, cc, where);
  }

  /**
   * Compiles with {@code opt} and the loss, loss_weights and metrics of {@code cc} (Keras 3's compile_config
   * or Keras 2's training_config, which hold them alike).
   */
  static void compile(Model model, Optimizer opt, Map<?, ?> cc, String where) {
    try {
      int n = model.outputCount();
      List<String> names = model.outputNames();
      // Keras 3 writes a multi-output model's loss, loss_weights and metrics as lists (or dicts by output name)
      List<Loss> losses = new ArrayList<>();
      List<Object> lossSpecs = perOutput(cc.get("loss"), n, names, where + ".loss", false);
      for (int i = 0; i < n; i++) {
        losses.add(lossSpecs.get(i) == null ? null : loss(lossSpecs.get(i), where + ".loss"));
      }
      List<Object> metricSpecs = perOutput(cc.get("metrics"), n, names, where + ".metrics", true);
      List<Object> metrics = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        List<Object> each = new ArrayList<>();
        Object spec = metricSpecs.get(i);
        for (Object m : spec == null ? List.of() : spec instanceof List<?> l ? l : List.of(spec)) {
          each.add(Metrics.deserialize(m, losses.get(i)));
        }
        metrics.add(each);
      }
      Object lw = cc.get("loss_weights");
      if (n == 1) {
        model.compile(opt, losses.get(0), lw instanceof List<?> l && l.size() == 1 ? l.get(0) : lw, metrics.get(0));
      } else {
        model.compile(opt, losses, lw, metrics);
      }
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException(m.startsWith(where) ? m : where + ": " + m, e);
    }
  }

  /**
   * A compile_config entry as one entry per output: with one output the value itself (a metrics list is that
   * output's list); with several a list (one per output) or a dict by output name; one loss applies to all.
   */
  private static List<Object> perOutput(Object v, int n, List<String> names, String where, boolean metrics) {
    if (n == 1) {
      boolean wrapped = v instanceof List<?> l && l.size() == 1 && (!metrics || l.get(0) instanceof List);
      return java.util.Collections.singletonList(wrapped ? ((List<?>) v).get(0) : v);
    }
    if (v == null) {
      return java.util.Collections.nCopies(n, null);
    }
    if (v instanceof List<?> l) {
      if (l.size() != n) {
        throw new IllegalArgumentException(where + " has " + l.size() + " entries for a model with " + n + " outputs "
            + names);
      }
      return new ArrayList<>(l);
    }
    if (v instanceof Map<?, ?> m && !m.containsKey("class_name")) {
      for (Object key : m.keySet()) {
        if (!names.contains(String.valueOf(key))) {
          throw new IllegalArgumentException(where + ": key \"" + key + "\" is not a model output; outputs are " + names);
        }
      }
      return names.stream().map(k -> (Object) m.get(k)).toList();
    }
    if (metrics) {
      throw new IllegalArgumentException(where + " must be a list per output or a dict by output name for a model with "
          + n + " outputs, got " + show(v));
    }
    return java.util.Collections.nCopies(n, v);
  }

  private static Optimizer optimizer(Object o, String where) {
    if (o instanceof String name) {
      return Optimizers.get(name);
    }
    if (o instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, ?> ser = (Map<String, ?>) m;
      return Optimizers.fromConfig(ser);
    }
    throw new IllegalArgumentException(where + " must be a name or a serialized optimizer, got " + show(o));
  }

  @SuppressWarnings("unchecked")
  private static Loss loss(Object o, String where) {
    if (o instanceof String name) {
      return Losses.get(name);
    }
    if (o instanceof Map<?, ?> m && m.get("class_name") instanceof String cls) {
      Object c = m.get("config");
      return Losses.fromConfig(cls, c instanceof Map ? (Map<String, Object>) c : null);
    }
    throw new IllegalArgumentException(where + " must be a loss name or a serialized loss, got " + show(o));
  }


  static String show(Object v) {
    String s = String.valueOf(v).replaceAll("\\p{Cntrl}", "?");
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}

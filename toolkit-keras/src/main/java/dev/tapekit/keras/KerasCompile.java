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
    Object lw = cc.get("loss_weights");
    if (lw != null) {
      throw new IllegalArgumentException(where + ".loss_weights: not supported (tapekit models have one output), got "
          + show(lw));
    }
    try {
      Optimizer opt = optimizer(cc.get("optimizer"), where + ".optimizer");
      Loss loss = loss(cc.get("loss"), where + ".loss");
      List<Object> metrics = new ArrayList<>();
      Object ms = cc.get("metrics");
      if (ms instanceof List<?> l) {
        for (Object m : l) {
          metrics.add(Metrics.deserialize(m, loss));
        }
      } else if (ms != null) {
        throw new IllegalArgumentException(where + ".metrics must be a list (one output), got " + show(ms));
      }
      model.compile(opt, loss, metrics);
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException e) {
      String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new IllegalArgumentException(m.startsWith(where) ? m : where + ": " + m, e);
    }
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
    throw new IllegalArgumentException(where + " must be a loss name or a serialized loss (one output), got " + show(o));
  }


  static String show(Object v) {
    String s = String.valueOf(v).replaceAll("\\p{Cntrl}", "?");
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}

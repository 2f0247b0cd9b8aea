package dev.tapekit.keras;

import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.models.Model;
import io.jhdf.api.Dataset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optimizer's variables in Keras 3's order ({@code optimizer/vars/<i>} of the weights file): {@code iterations}
 * (int64), {@code learning_rate} (float32, absent when it is a schedule), then what {@code build} adds, one
 * {@code add_optimizer_variables} call at a time, each call interleaving its slots per trainable variable (Adam:
 * momentum and velocity of the first variable, of the second, ...; then velocity_hat with amsgrad). Only optimizers
 * whose {@code build} is listed here are written; for others tapekit leaves the group out and Keras starts the
 * optimizer afresh, as it does when the counts differ ("Skipping variable loading for optimizer").
 */
final class KerasV3Optimizer {
  private static final Logger LOG = LoggerFactory.getLogger(KerasV3Optimizer.class);

  /** One optimizer variable: the step count, the learning rate, or a slot of a model variable. */
  record Slot(String kind, Variable variable, String slot) {}

  private KerasV3Optimizer() {}

  /** The add_optimizer_variables calls of Keras 3's {@code build}, or null when tapekit does not know them. */
  static List<List<String>> buildCalls(Optimizer opt) {
    Map<String, Object> c = opt.getConfig();
    return switch (opt.className()) {
      case "Adam", "AdamW" -> Boolean.TRUE.equals(c.get("amsgrad"))
          ? List.of(List.of("momentum", "velocity"), List.of("velocity_hat"))
          : List.of(List.of("momentum", "velocity"));
      case "Adamax" -> List.of(List.of("momentum", "norm"));
      case "Adagrad" -> List.of(List.of("accumulator"));
      case "SGD" -> number(c.get("momentum")) != 0 ? List.of(List.of("momentum")) : List.of();
      case "RMSprop" -> {
        List<List<String>> calls = new ArrayList<>();
        calls.add(List.of("velocity"));
        if (number(c.get("momentum")) > 0) {
          calls.add(List.of("momentum"));
        }
        if (Boolean.TRUE.equals(c.get("centered"))) {
          calls.add(List.of("average_gradient"));
        }
        yield calls;
      }
      default -> null;
    };
  }

  private static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : 0;
  }

  /** The optimizer variables of {@code model}'s optimizer in Keras's order, or null when not known. */
  static List<Slot> layout(Model model) {
    Optimizer opt = model.optimizer();
    List<List<String>> calls = buildCalls(opt);
    if (calls == null) {
      return null;
    }
    List<Slot> out = new ArrayList<>();
    out.add(new Slot("iterations", null, null));
    if (opt.getConfig().get("learning_rate") instanceof Number) {
      out.add(new Slot("learning_rate", null, null));
    }
    for (List<String> call : calls) {
      for (Variable v : model.trainableVariables()) {
        for (String s : call) {
          out.add(new Slot("slot", v, s));
        }
      }
    }
    return out;
  }

  /**
   * The values to write as {@code optimizer/vars/<i>}, or null (leave the group out) when the optimizer is not one
   * listed, or has not stepped yet: Keras then builds its own fresh slots.
   */
  static List<Object> values(Model model) {
    if (!model.compiled()) {
      return null;
    }
    List<Slot> layout = layout(model);
    Optimizer.State state;
    try {
      state = model.optimizer().state();
    } catch (UnsupportedOperationException e) {
      return null;
    }
    if (layout == null || state.steps() == 0) {
      return null;
    }
    List<Object> out = new ArrayList<>();
    for (Slot s : layout) {
      switch (s.kind()) {
        case "iterations" -> out.add(state.steps());
        case "learning_rate" -> out.add(((Number) model.optimizer().getConfig().get("learning_rate")).floatValue());
        default -> {
          Map<String, Tensor> slots = state.slots().get(s.variable());
          if (slots == null || slots.get(s.slot()) == null) {
            return null;
          }
          out.add(HdfArrays.of(slots.get(s.slot())));
        }
      }
    }
    return out;
  }

  /**
   * Restores the optimizer state of compiled {@code model} from {@code optimizer/vars} of {@code h5} when it holds
   * exactly the variables Keras's layout gives; otherwise logs why and leaves the optimizer fresh (as Keras does).
   */
  static void restore(Model model, H5File h5) {
    List<String> present = h5.children("optimizer/vars");
    if (!model.compiled() || present.isEmpty()) {
      return;
    }
    List<Slot> layout = layout(model);
    if (layout == null || layout.size() != present.size()) {
      LOG.warn("{}: skipping the optimizer's {} saved variables: tapekit's {} expects {}", h5.name(), present.size(),
          model.optimizer().className(), layout == null ? "an unknown layout" : layout.size());
      return;
    }
    long steps = 0;
    Map<Variable, Map<String, Tensor>> slots = new LinkedHashMap<>();
    for (int i = 0; i < layout.size(); i++) {
      Slot s = layout.get(i);
      String path = "optimizer/vars/" + i;
      switch (s.kind()) {
        case "iterations" -> steps = iterations(h5, path);
        case "learning_rate" -> { } // the compile_config's learning rate is the one in use
        default -> slots.computeIfAbsent(s.variable(), k -> new LinkedHashMap<>()).put(s.slot(),
            h5.floats(path, s.variable().shape(), "optimizer slot " + s.slot() + " of " + s.variable().name()));
      }
    }
    model.optimizer().restoreState(new Optimizer.State(steps, slots));
  }

  private static long iterations(H5File h5, String path) {
    Object v = h5.node(path) instanceof Dataset d && d.isScalar() ? d.getData() : null;
    if (!(v instanceof Long || v instanceof Integer)) {
      throw new IllegalArgumentException(h5.name() + ": /" + path + " (the optimizer's iterations) must be an integer "
          + "scalar");
    }
    long n = ((Number) v).longValue();
    if (n < 0) {
      throw new IllegalArgumentException(h5.name() + ": /" + path + " (the optimizer's iterations) is negative: " + n);
    }
    return n;
  }
}

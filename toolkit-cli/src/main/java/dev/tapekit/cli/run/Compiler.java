package dev.tapekit.cli.run;

import dev.tapekit.cli.config.CompileSpec;
import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.config.NamedSpec;
import dev.tapekit.core.Optimizer;
import dev.tapekit.losses.Loss;
import dev.tapekit.losses.Losses;
import dev.tapekit.metrics.Metric;
import dev.tapekit.metrics.Metrics;
import dev.tapekit.models.Model;
import dev.tapekit.optimizers.Optimizers;
import dev.tapekit.optimizers.schedules.Schedules;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code compile} section: optimizer, loss and metrics from their Keras-shaped entries. */
final class Compiler {
  private static final List<String> SCHEDULE_ENTRY_KEYS = List.of("class_name", "config", "module", "registered_name");

  private Compiler() {}

  /** What compile needs, built and checked. */
  record Compiled(Optimizer optimizer, Loss loss, List<Metric> metrics) {
    void applyTo(Model model) {
      model.compile(optimizer, loss, metrics);
    }
  }

  static Compiled prepare(CompileSpec c) {
    Optimizer opt = optimizer(c.optimizer());
    Loss loss = loss(c.loss());
    List<Metric> metrics = new ArrayList<>();
    for (NamedSpec m : c.metrics()) {
      metrics.add(metric(m, loss));
    }
    return new Compiled(opt, loss, metrics);
  }

  static Optimizer optimizer(NamedSpec s) {
    try {
      Optimizers.builder(s.className());
    } catch (IllegalArgumentException e) {
      throw Problems.unknownName(s, "optimizer", Optimizers.names());
    }
    Map<String, Object> config = new LinkedHashMap<>(s.config());
    Object lr = config.get("learning_rate");
    if (lr instanceof Map<?, ?> schedule) {
      String at = s.configPath("learning_rate");
      for (Object key : schedule.keySet()) {
        // Keras serializes schedules with module and registered_name next to class_name and config
        if (!SCHEDULE_ENTRY_KEYS.contains(String.valueOf(key))) {
          throw new ConfigException(at + "." + key, "unknown key" + dev.tapekit.cli.config.Names.suggestion(
              String.valueOf(key), SCHEDULE_ENTRY_KEYS) + "; valid keys: " + String.join(", ", SCHEDULE_ENTRY_KEYS));
        }
      }
      if (!(schedule.get("class_name") instanceof String)) {
        throw new ConfigException(at + ".class_name", "is required (a schedule class such as ExponentialDecay)");
      }
      config.put("learning_rate", schedule(new NamedSpec(String.valueOf(schedule.get("class_name")),
          castMap(schedule.get("config")), at)));
    }
    try {
      return Optimizers.get(s.className(), config);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw Problems.at(s, e);
    }
  }

  /** A learning-rate schedule entry ({@code {class_name: ExponentialDecay, config: {...}}}). */
  static dev.tapekit.core.LearningRateSchedule schedule(NamedSpec s) {
    if (!Schedules.names().contains(s.className())) {
      throw Problems.unknownName(s, "learning-rate schedule", Schedules.names());
    }
    try {
      return Schedules.get(s.className(), s.config());
    } catch (IllegalArgumentException | ClassCastException e) {
      throw Problems.at(s, e);
    }
  }

  static Loss loss(NamedSpec s) {
    Loss loss;
    try {
      loss = s.config().isEmpty() ? Losses.get(s.className()) : Losses.fromConfig(s.className(), s.config());
    } catch (IllegalArgumentException | ClassCastException e) {
      // "Unknown loss reduction ..." is a bad argument of a known loss, not an unknown loss
      if (!Losses.validNames().contains(s.className()) && String.valueOf(e.getMessage()).startsWith("Unknown loss")) {
        throw Problems.unknownName(s, "loss", Losses.validNames());
      }
      throw Problems.at(s, e);
    }
    // the losses read the keys they know and ignore the rest: a misspelt from_logits would pass silently
    List<String> valid = new ArrayList<>(loss.getConfig().keySet());
    for (String key : s.config().keySet()) {
      if (!valid.contains(key)) {
        throw Problems.unknownKey(s, key, valid);
      }
    }
    return loss;
  }

  static Metric metric(NamedSpec s, Loss loss) {
    try {
      return s.config().isEmpty() ? Metrics.get(s.className(), loss) : Metrics.fromConfig(s.className(), s.config(), loss);
    } catch (IllegalArgumentException e) {
      if (String.valueOf(e.getMessage()).startsWith("Unknown metric")) {
        throw Problems.unknownName(s, "metric", Metrics.validNames());
      }
      throw Problems.at(s, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    return o instanceof Map ? (Map<String, Object>) o : Map.of();
  }
}

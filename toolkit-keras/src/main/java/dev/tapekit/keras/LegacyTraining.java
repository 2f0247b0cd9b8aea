package dev.tapekit.keras;

import dev.tapekit.core.Optimizer;
import dev.tapekit.models.Model;
import dev.tapekit.optimizers.Optimizers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A legacy file's {@code training_config} ({@code optimizer_config}, {@code loss}, {@code metrics}) as a
 * {@code compile}: Keras 1/2's optimizer names ({@code lr}) in Keras 3's, {@code decay} dropped with Keras
 * 3's warning. The optimizer starts fresh: see {@link LegacyH5Reader} for why its saved state is not loaded.
 */
final class LegacyTraining {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyTraining.class);

  private LegacyTraining() {}

  static void compile(Model model, Map<String, Object> tc, KerasSource src) {
    KerasErrors.at(src.file(), "training_config", () -> {
      compileChecked(model, tc, src);
      return null;
    });
  }

  private static void compileChecked(Model model, Map<String, Object> tc, KerasSource src) {
    String at = src.file() + ": training_config: ";
    Optimizer optimizer = optimizer(KerasJson.map(tc.get("optimizer_config"), at + "optimizer_config"), at);
    if (model.outputCount() > 1) {
      // several outputs: loss, loss_weights and metrics per output (lists or dicts by output name), as Keras 3's
      if (tc.get("weighted_metrics") instanceof List<?> w && !w.isEmpty()) {
        throw new IllegalArgumentException(at + "weighted_metrics " + KerasJson.show(w) + " are not supported");
      }
      KerasCompile.compile(model, optimizer, tc, src.file() + ": training_config");
      return;
    }
    Object loss = tc.get("loss") instanceof Map<?, ?> lm && lm.containsKey("class_name")
        ? serializedLoss(KerasJson.map(lm, at + "loss"), at) : single(tc.get("loss"), at + "loss", model);
    if (!(loss instanceof String || loss instanceof dev.tapekit.losses.Loss)) {
      throw new IllegalArgumentException(at + "loss " + KerasJson.show(loss) + " is not supported (a loss name "
          + "or a serialized loss)");
    }
    Object metrics = tc.get("metrics");
    if (metrics instanceof Map) {
      metrics = single(metrics, at + "metrics", model);
    }
    List<Object> metricList = metrics == null ? List.of() : KerasJson.list(metrics, at + "metrics");
    for (Object m : metricList) {
      if (!(m instanceof String)) {
        throw new IllegalArgumentException(at + "metric " + KerasJson.show(m) + " is not supported (a metric name)");
      }
    }
    if (tc.get("weighted_metrics") instanceof List<?> w && !w.isEmpty()) {
      throw new IllegalArgumentException(at + "weighted_metrics " + KerasJson.show(w) + " are not supported");
    }
    Object lossWeights = tc.get("loss_weights");
    Number lossWeight = null;
    if (lossWeights != null) {
      Object w = single(lossWeights instanceof List<?> l && l.size() == 1 ? l.get(0) : lossWeights,
          at + "loss_weights", model);
      if (!(w instanceof Number n)) {
        throw new IllegalArgumentException(at + "loss_weights " + KerasJson.show(lossWeights) + " are not supported");
      }
      lossWeight = n;
    }
    if (tc.get("sample_weight_mode") != null) {
      LOG.warn("{}sample_weight_mode={} is not applied: tapekit weighs samples as Keras's default", at,
          tc.get("sample_weight_mode"));
    }
    try {
      model.compile(optimizer, loss, lossWeight, metricList);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + e.getMessage(), e);
    }
  }

  /** Keras 2's {@code {"class_name": "Adam", "config": {"lr": ...}}} as a Keras 3 optimizer. */
  static Optimizer optimizer(Map<String, Object> serialized, String at) {
    Object cls = serialized.get("class_name");
    if (!(cls instanceof String)) {
      throw new IllegalArgumentException(at + "optimizer_config has no class_name: " + KerasJson.show(serialized));
    }
    Map<String, Object> c = new LinkedHashMap<>(serialized.get("config") == null ? Map.of()
        : KerasJson.map(serialized.get("config"), at + "optimizer_config.config"));
    if (c.containsKey("lr")) {
      Object lr = c.remove("lr");
      c.putIfAbsent("learning_rate", lr);
    }
    if (c.get("decay") instanceof Number d && d.doubleValue() != 0) {
      // Keras 3 reads the file the same way
      LOG.warn("{}optimizer {}: Argument `decay` is no longer supported and will be ignored (decay={}).", at, cls, d);
    }
    c.remove("decay");
    try {
      return Optimizers.get((String) cls, c);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + "optimizer " + cls + ": " + e.getMessage(), e);
    }
  }

  /** A loss saved as an object ({@code {"class_name": "BinaryCrossentropy", "config": {"from_logits": true}}}). */
  private static dev.tapekit.losses.Loss serializedLoss(Map<String, Object> serialized, String at) {
    Object cfg = serialized.get("config");
    try {
      return dev.tapekit.losses.Losses.fromConfig(String.valueOf(serialized.get("class_name")),
          cfg == null ? null : KerasJson.map(cfg, at + "loss.config"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + "loss " + KerasJson.show(serialized) + ": " + e.getMessage(), e);
    }
  }

  /** The one entry of a per-output dict (a single-output model), or the value itself. */
  private static Object single(Object v, String what, Model model) {
    if (!(v instanceof Map<?, ?> m)) {
      return v;
    }
    if (m.size() != 1 || model.outputs().size() != 1) {
      throw new IllegalArgumentException(what + " per output " + KerasJson.show(m) + ": models with several "
          + "outputs are not supported");
    }
    return m.values().iterator().next();
  }
}

package dev.tapekit.models;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Masked;
import dev.tapekit.losses.Loss;
import dev.tapekit.losses.Losses;
import dev.tapekit.metrics.Metric;
import dev.tapekit.metrics.Metrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What compile() set per model output, as Keras's CompileLoss and CompileMetrics hold it: a loss (or none),
 * a loss weight (or none) and metrics per output, in the order of {@code model.outputs()}; a single-output
 * model is the one-output case. The total loss is {@code sum(weight_i * loss_i)}; with more than one loss
 * each output's unweighted loss is tracked as {@code <output>_loss}, and with more than one output the
 * metrics log as {@code <output>_<metric>}, as Keras 3 names them.
 */
final class CompiledOutputs {
  private final List<String> names;
  private final List<Loss> losses;
  private final List<Double> weights;
  private final List<List<Metric>> metrics;
  private final boolean trackEach;
  private final double[] lossTotals;
  private final double[] lossCounts;

  private CompiledOutputs(List<String> names, List<Loss> losses, List<Double> weights, List<List<Metric>> metrics) {
    this.names = names;
    this.losses = losses;
    this.weights = weights;
    this.metrics = metrics;
    this.trackEach = losses.stream().filter(l -> l != null).count() > 1;
    this.lossTotals = new double[losses.size()];
    this.lossCounts = new double[losses.size()];
  }

  /**
   * Resolves compile's arguments for the model's outputs. {@code loss}: a Loss or name applied to every output,
   * or a List (one per output, null for none) or Map by output name. {@code lossWeights}: null, a number (one
   * output), a List or a Map. {@code metrics}: with one output a flat List; with several a List with one entry
   * per output (a metric or a List of metrics) or a Map of output name to those.
   */
  static CompiledOutputs of(Model model, Object loss, Object lossWeights, Object metrics) {
    int n = model.outputCount();
    List<String> names = model.outputNames();
    List<Loss> ls = new ArrayList<>();
    for (Object l : loss instanceof List || loss instanceof Map ? perOutput(loss, n, names, "loss", true)
        : Collections.nCopies(n, loss)) {
      ls.add(l == null ? null : l instanceof Loss lo ? lo : Losses.get(l.toString()));
    }
    List<Double> ws = new ArrayList<>();
    if (lossWeights instanceof Number w && n == 1) {
      ws.add(w.doubleValue());
    } else {
      for (Object w : lossWeights == null ? Collections.nCopies(n, null)
          : perOutput(lossWeights, n, names, "loss_weights", true)) {
        if (w != null && !(w instanceof Number)) {
          throw new IllegalArgumentException("compile: loss_weights entries must be numbers, got " + w);
        }
        ws.add(w == null ? null : ((Number) w).doubleValue());
      }
    }
    List<List<Metric>> ms = new ArrayList<>();
    IdentityHashMap<Metric, Boolean> seen = new IdentityHashMap<>();
    List<?> perOutputMetrics = metrics == null ? Collections.nCopies(n, null)
        : n == 1 ? List.of(metrics instanceof Map<?, ?> m ? new ArrayList<>(m.values()) : metrics)
        : perOutput(metrics, n, names, "metrics", false);
    for (int i = 0; i < n; i++) {
      List<Metric> out = new ArrayList<>();
      Object spec = perOutputMetrics.get(i);
      for (Object m : spec == null ? List.of() : spec instanceof List<?> l ? flatten(l) : List.of(spec)) {
        Metric metric = m instanceof Metric mo ? mo : Metrics.get(m.toString(), ls.get(i));
        if (seen.put(metric, true) != null) {
          throw new IllegalArgumentException("compile: the metric object \"" + metric.name() + "\" is given twice; "
              + "each output needs its own metric objects (or names)");
        }
        out.add(metric);
      }
      ms.add(List.copyOf(out));
    }
    return new CompiledOutputs(names, Collections.unmodifiableList(ls), Collections.unmodifiableList(ws), List.copyOf(ms));
  }

  /** The entries of a one-output model's metrics (a Map's values may each be a List, as Keras flattens them). */
  private static List<Object> flatten(List<?> l) {
    List<Object> out = new ArrayList<>();
    for (Object o : l) {
      if (o instanceof List<?> inner) {
        out.addAll(flatten(inner));
      } else if (o != null) {
        out.add(o);
      }
    }
    return out;
  }

  /**
   * A List or Map argument as one entry per output: a List must have one entry per output (Keras's error
   * otherwise); a Map's keys must be output names, and all of them when {@code complete}.
   */
  private static List<Object> perOutput(Object spec, int n, List<String> names, String arg, boolean complete) {
    if (spec instanceof List<?> l) {
      if (l.size() != n) {
        throw new IllegalArgumentException("compile: for a model with " + n + " output(s) " + names + ", the `" + arg
            + "` argument as a list must have one entry per output, got " + l.size() + ": " + l);
      }
      return new ArrayList<>(l);
    }
    if (!(spec instanceof Map<?, ?> m)) {
      throw new IllegalArgumentException("compile: `" + arg + "` must be a List or a Map by output name for a model "
          + "with " + n + " outputs " + names + ", got " + spec);
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException("compile: `" + arg + "` as a Map needs a model with named outputs (a functional "
          + "model); pass a List");
    }
    for (Object key : m.keySet()) {
      if (!names.contains(String.valueOf(key))) {
        throw new IllegalArgumentException("compile: in the map `" + arg + "`, key \"" + key + "\" does not correspond "
            + "to any model output; outputs are " + names);
      }
    }
    List<Object> out = new ArrayList<>();
    for (String name : names) {
      if (complete && !m.containsKey(name)) {
        throw new IllegalArgumentException("compile: expected keys " + names + " in the map `" + arg + "`, found "
            + m.keySet());
      }
      out.add(m.get(name));
    }
    return out;
  }

  /** The number of outputs. */
  int size() {
    return losses.size();
  }

  /** The loss of each output (null entries: none), in output order. */
  List<Loss> losses() {
    return losses;
  }

  /** The loss weight of each output (null entries: none given), in output order. */
  List<Double> weights() {
    return weights;
  }

  /** The metrics of each output, in output order. */
  List<List<Metric>> metrics() {
    return metrics;
  }

  /** Every metric, output by output (Keras's {@code model.metrics} without the loss trackers). */
  List<Metric> flatMetrics() {
    List<Metric> out = new ArrayList<>();
    metrics.forEach(out::addAll);
    return out;
  }

  /** True when no output has a loss. */
  boolean noLoss() {
    return losses.stream().allMatch(l -> l == null);
  }

  /**
   * {@code sum(weight_i * loss_i)} over the outputs with a loss, each with its prediction's mask and sample
   * weights; records each unweighted loss for the {@code <output>_loss} logs. Null when no output has a loss.
   */
  Tensor loss(List<Tensor> y, List<Masked> yPred, List<Tensor> sw) {
    checkSizes(y, yPred);
    Tensor total = null;
    for (int i = 0; i < losses.size(); i++) {
      Loss l = losses.get(i);
      if (l == null) {
        continue;
      }
      Masked p = yPred.get(i);
      Tensor v = l.call(y.get(i), p.output(), sw == null ? null : sw.get(i), p.mask());
      if (trackEach) {
        long batch = p.output().rank() == 0 ? 1 : p.output().shape()[0];
        lossTotals[i] += v.doubleValue() * batch;
        lossCounts[i] += batch;
      }
      if (weights.get(i) != null) {
        v = Ops.multiply(v, weights.get(i));
      }
      total = total == null ? v : Ops.add(total, Ops.cast(v, total.dtype()));
    }
    return total;
  }

  /** Updates each output's metrics with its batch; masked positions do not count (the mask is the weight). */
  void updateMetrics(List<Tensor> y, List<Masked> yPred) {
    checkSizes(y, yPred);
    for (int i = 0; i < metrics.size(); i++) {
      Masked p = yPred.get(i);
      Tensor maskWeights = metrics.get(i).isEmpty() ? null : p.maskWeights();
      for (Metric m : metrics.get(i)) {
        if (maskWeights == null) {
          m.updateState(y.get(i), p.output());
        } else {
          m.updateState(y.get(i), p.output(), maskWeights);
        }
      }
    }
  }

  private void checkSizes(List<Tensor> y, List<Masked> yPred) {
    if (y.size() != size() || yPred.size() != size()) {
      throw new IllegalArgumentException("The model was compiled for " + size() + " output(s) " + names + ", got "
          + y.size() + " targets and " + yPred.size() + " predictions");
    }
  }

  void reset() {
    Arrays.fill(lossTotals, 0);
    Arrays.fill(lossCounts, 0);
    for (List<Metric> ms : metrics) {
      ms.forEach(Metric::resetState);
    }
  }

  /** Adds the per-output losses and the metrics under Keras 3's names (a repeated name gets "_1", "_2"). */
  void putLogs(Map<String, Double> out) {
    for (int i = 0; i < lossCounts.length; i++) {
      if (trackEach && lossCounts[i] > 0) {
        out.put(names.get(i) + "_loss", lossTotals[i] / lossCounts[i]);
      }
    }
    Map<String, Integer> repeats = new HashMap<>();
    for (int i = 0; i < metrics.size(); i++) {
      for (Metric m : metrics.get(i)) {
        String name = size() > 1 ? names.get(i) + "_" + m.name() : m.name();
        int k = repeats.merge(name, 1, Integer::sum);
        out.put(k == 1 ? name : name + "_" + (k - 1), m.result());
      }
    }
  }
}

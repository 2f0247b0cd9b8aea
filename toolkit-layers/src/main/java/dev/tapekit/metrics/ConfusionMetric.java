package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A metric with one value per threshold, from {@link Thresholded} counts: Precision, Recall and the four
 * confusion counts. {@link #results()} holds one value per threshold in the order given (Keras's list);
 * {@link #result()} is the value when there is one threshold and otherwise throws, naming the thresholds.
 */
public abstract class ConfusionMetric implements Metric {
  private final String name;
  private final Map<String, Object> config;
  final Thresholded counts;

  ConfusionMetric(String name, Map<String, Object> config, Thresholded counts) {
    this.name = name;
    this.config = config;
    this.counts = counts;
  }

  /** The value at the i-th threshold (in the order given). */
  abstract double at(int i);

  @Override
  public final void updateState(Tensor yTrue, Tensor yPred) {
    updateState(yTrue, yPred, null);
  }

  @Override
  public final void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    counts.update(name, yTrue, yPred, sampleWeight);
  }

  @Override
  public final double[] results() {
    double[] r = new double[counts.thresholds.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = at(i);
    }
    return r;
  }

  @Override
  public final double result() {
    if (counts.thresholds.length != 1) {
      throw new IllegalStateException(name + " has " + counts.thresholds.length + " thresholds "
          + Arrays.toString(counts.thresholds) + ", so its result is one value per threshold: use results()");
    }
    return at(0);
  }

  /** The thresholds, in the order given (top-k's default is {@link Thresholded#NEG_INF}). */
  public final double[] thresholds() {
    return counts.thresholds.clone();
  }

  @Override
  public final void resetState() {
    counts.reset();
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Map<String, Object> getConfig() {
    return new LinkedHashMap<>(config);
  }

  /** Keras's {@code name}, {@code thresholds} (null, a number or a list, as given) and the extra keys. */
  static Map<String, Object> config(MetricArgs a, Object... extra) {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", a.name());
    Object t = a.raw("thresholds");
    c.put("thresholds", t == null ? null : MetricArgs.asConfig(a.thresholds("thresholds", 0), t instanceof java.util.List));
    for (int i = 0; i < extra.length; i += 2) {
      c.put((String) extra[i], extra[i + 1]);
    }
    return c;
  }

  /** Builder setter of Keras's {@code thresholds}: one number or several. */
  static Object thresholdsValue(double... thresholds) {
    return MetricArgs.asConfig(thresholds, thresholds.length != 1);
  }
}

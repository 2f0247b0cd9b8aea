package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

/**
 * Keras's {@code SensitivitySpecificityBase}: confusion counts at {@code num_thresholds} evenly spaced
 * thresholds (0 and 1 included; one threshold means 0.5), and the best value of one rate among the
 * thresholds where another rate reaches the metric's target. SensitivityAtSpecificity,
 * SpecificityAtSensitivity, PrecisionAtRecall and RecallAtPrecision only choose the two rates.
 */
public abstract class SensitivitySpecificityBase implements Metric {
  private final String name;
  private final String valueKey;
  private final double value;
  private final int numThresholds;
  private final Integer classId;
  final Thresholded counts;

  SensitivitySpecificityBase(MetricArgs a, String valueKey) {
    this.name = a.name();
    this.valueKey = valueKey;
    this.value = a.unit(valueKey);
    this.numThresholds = a.integer("num_thresholds", 1, false);
    this.classId = a.integer("class_id", 0, true);
    double[] t = new double[numThresholds];
    if (numThresholds == 1) {
      t[0] = 0.5;
    } else {
      for (int i = 1; i < numThresholds - 1; i++) {
        t[i] = (float) (i / (double) (numThresholds - 1));
      }
      t[numThresholds - 1] = 1;
    }
    this.counts = new Thresholded(t, null, classId, false, null, null, numThresholds > 1);
  }

  double sensitivity(int i) {
    return Thresholded.divideNoNan(counts.tp(i, 0), counts.tp(i, 0) + counts.fn(i, 0));
  }

  double specificity(int i) {
    return Thresholded.divideNoNan(counts.tn(i, 0), counts.tn(i, 0) + counts.fp(i, 0));
  }

  double precision(int i) {
    return Thresholded.divideNoNan(counts.tp(i, 0), counts.tp(i, 0) + counts.fp(i, 0));
  }

  /** Keras's {@code _find_max_under_constraint}: max of {@code dependent} where constrained >= value, else 0. */
  final double maxWhere(IntToDoubleFunction constrained, IntToDoubleFunction dependent) {
    double best = 0;
    for (int i = 0; i < numThresholds; i++) {
      if (constrained.applyAsDouble(i) >= value) {
        best = Math.max(best, dependent.applyAsDouble(i));
      }
    }
    return best;
  }

  @Override
  public final void updateState(Tensor yTrue, Tensor yPred) {
    updateState(yTrue, yPred, null);
  }

  @Override
  public final void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    counts.update(name, yTrue, yPred, sampleWeight);
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
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("class_id", classId);
    c.put("num_thresholds", numThresholds);
    c.put(valueKey, value);
    return c;
  }

  /** Builder of the four: Keras's {@code num_thresholds} and {@code class_id}, and the target rate. */
  public abstract static class Builder<B extends Builder<B, M>, M extends SensitivitySpecificityBase>
      extends MetricBuilder<B, M> {
    Builder(String className, String defaultName, String valueKey) {
      super(className, defaultName, valueKey, REQUIRED, "num_thresholds", 200, "class_id", null);
    }

    /** Keras's {@code num_thresholds}: how many evenly spaced thresholds to try (default 200). */
    public B numThresholds(int numThresholds) {
      return set("num_thresholds", numThresholds);
    }

    /** Keras's {@code class_id}: the class (index on the last axis) the metric is computed for. */
    public B classId(int classId) {
      return set("class_id", classId);
    }
  }
}

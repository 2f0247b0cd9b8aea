package dev.tapekit.metrics;

import dev.tapekit.core.Tensor;

/**
 * The area under the ROC or precision-recall curve, approximated over {@code numThresholds} evenly
 * spaced thresholds with Keras's Riemann sums ({@code keras.metrics.AUC}): ROC uses the trapezoidal
 * ("interpolation") rule, PR the interpolation of Davis and Goadrich, as Keras does.
 */
public final class AUC implements Metric {
  /** Which curve. */
  public enum Curve { ROC, PR }

  /** How rectangles under the curve are sized. */
  public enum Summation { INTERPOLATION, MINORING, MAJORING }

  private final String name;
  private final Curve curve;
  private final Summation summation;
  private final Thresholded counts;
  private final int numThresholds;

  /** Named "auc": ROC, 200 thresholds, interpolation. */
  public AUC() {
    this("auc", 200, Curve.ROC, Summation.INTERPOLATION);
  }

  @Override
  public java.util.Map<String, Object> getConfig() {
    java.util.Map<String, Object> c = Metric.super.getConfig();
    c.put("num_thresholds", numThresholds);
    c.put("curve", curve.name());
    c.put("summation_method", summation.name().toLowerCase(java.util.Locale.ROOT));
    return c;
  }

  /** With every option. */
  public AUC(String name, int numThresholds, Curve curve, Summation summation) {
    if (numThresholds < 2) {
      throw new IllegalArgumentException("AUC: num_thresholds must be > 1, got " + numThresholds);
    }
    this.name = name;
    this.curve = curve;
    this.summation = summation;
    this.numThresholds = numThresholds;
    double eps = 1e-7;
    double[] t = new double[numThresholds];
    t[0] = -eps;
    for (int i = 1; i < numThresholds - 1; i++) {
      t[i] = (double) (float) (i / (double) (numThresholds - 1));
    }
    t[numThresholds - 1] = 1 + eps;
    this.counts = new Thresholded(t);
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred) {
    updateState(yTrue, yPred, null);
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    counts.update(name, yTrue, yPred, sampleWeight);
  }

  @Override
  public double result() {
    int n = counts.thresholds.length;
    double[] tp = counts.tp, fp = counts.fp, tn = counts.tn, fn = counts.fn;
    if (curve == Curve.PR && summation == Summation.INTERPOLATION) {
      return interpolatePrAuc();
    }
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double recall = Thresholded.divideNoNan(tp[i], tp[i] + fn[i]);
      if (curve == Curve.ROC) {
        x[i] = Thresholded.divideNoNan(fp[i], fp[i] + tn[i]);
        y[i] = recall;
      } else {
        x[i] = recall;
        y[i] = Thresholded.divideNoNan(tp[i], tp[i] + fp[i]);
      }
    }
    double sum = 0;
    for (int i = 0; i < n - 1; i++) {
      double h = switch (summation) {
        case INTERPOLATION -> (y[i] + y[i + 1]) / 2;
        case MINORING -> Math.min(y[i], y[i + 1]);
        case MAJORING -> Math.max(y[i], y[i + 1]);
      };
      sum += (x[i] - x[i + 1]) * h;
    }
    return sum;
  }

  /** Keras's interpolate_pr_auc (Davis and Goadrich 2006). */
  private double interpolatePrAuc() {
    int n = counts.thresholds.length;
    double[] tp = counts.tp, fp = counts.fp, fn = counts.fn;
    double sum = 0;
    for (int i = 0; i < n - 1; i++) {
      double dtp = tp[i] - tp[i + 1];
      double p0 = tp[i] + fp[i];
      double p1 = tp[i + 1] + fp[i + 1];
      double dp = p0 - p1;
      double slope = Thresholded.divideNoNan(dtp, Math.max(dp, 0));
      double intercept = tp[i + 1] - slope * p1;
      double ratio = p0 > 0 && p1 > 0 ? Thresholded.divideNoNan(p0, Math.max(p1, 0)) : 1.0;
      sum += Thresholded.divideNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1] + fn[i + 1], 0));
    }
    return sum;
  }

  @Override
  public void resetState() {
    counts.reset();
  }

  @Override
  public String name() {
    return name;
  }
}

package dev.tapekit.metrics;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The area under the ROC, precision-recall or PR-gain curve, approximated with Keras's Riemann sums over
 * {@code numThresholds} evenly spaced thresholds or the given {@code thresholds} ({@code keras.metrics.AUC}):
 * ROC uses the trapezoidal ("interpolation") rule, PR the interpolation of Davis and Goadrich, as Keras
 * does. With {@code multiLabel}, each column of [batch, labels] has its own curve and the result is their
 * mean (weighted by {@code labelWeights} when given); otherwise {@code labelWeights} weight the columns of
 * the flattened data. {@code fromLogits} applies a sigmoid first.
 */
public final class AUC implements Metric {
  /** Which curve ({@code "ROC"}, {@code "PR"} or {@code "PRGAIN"}). */
  public enum Curve { ROC, PR, PRGAIN }

  /** How rectangles under the curve are sized. */
  public enum Summation { INTERPOLATION, MINORING, MAJORING }

  private final String name;
  private final Curve curve;
  private final Summation summation;
  private final int numThresholds;
  private final double[] givenThresholds;
  private final boolean multiLabel;
  private final Integer numLabels;
  private final double[] labelWeights;
  private final boolean fromLogits;
  private final Thresholded counts;

  /** Named "auc": ROC, 200 thresholds, interpolation. */
  public AUC() {
    this(builder().args());
  }

  /** With the most used options. */
  public AUC(String name, int numThresholds, Curve curve, Summation summation) {
    this(builder().name(name).numThresholds(numThresholds).curve(curve).summationMethod(summation).args());
  }

  private AUC(MetricArgs a) {
    this.name = a.name();
    this.curve = Curve.valueOf(a.oneOf("curve", List.of("ROC", "PR", "PRGAIN", "roc", "pr", "prgain"))
        .toUpperCase(Locale.ROOT));
    this.summation = Summation.valueOf(a.oneOf("summation_method", List.of("interpolation", "minoring", "majoring",
        "Interpolation", "Minoring", "Majoring")).toUpperCase(Locale.ROOT));
    this.multiLabel = a.bool("multi_label");
    this.fromLogits = a.bool("from_logits");
    this.numLabels = a.integer("num_labels", 1, true);
    if (numLabels != null && !multiLabel) {
      throw new IllegalArgumentException("AUC: `num_labels` is needed only when `multi_label` is True. Received: "
          + "num_labels=" + numLabels);
    }
    this.labelWeights = a.optNumbers("label_weights", "a list of non-negative numbers");
    if (labelWeights != null) {
      for (double w : labelWeights) {
        if (w < 0) {
          throw a.bad("label_weights", "a list of non-negative numbers");
        }
      }
    }
    double[] inner;
    if (a.raw("thresholds") != null) {
      givenThresholds = a.thresholds("thresholds", 0);
      inner = givenThresholds.clone();
      java.util.Arrays.sort(inner);
      numThresholds = inner.length + 2;
    } else {
      givenThresholds = null;
      int n = a.integer("num_thresholds", 2, false);
      numThresholds = n;
      inner = new double[n - 2];
      for (int i = 0; i < inner.length; i++) {
        inner[i] = (float) ((i + 1) / (double) (n - 1));
      }
    }
    // Keras's endpoints: -eps and 1 + eps, so predictions of 0 and 1 fall inside
    double[] t = new double[numThresholds];
    t[0] = -1e-7;
    System.arraycopy(inner, 0, t, 1, inner.length);
    t[numThresholds - 1] = 1 + 1e-7;
    double[] withEnds = new double[inner.length + 2];
    System.arraycopy(inner, 0, withEnds, 1, inner.length);
    withEnds[withEnds.length - 1] = 1;
    this.counts = new Thresholded(t, null, null, multiLabel, numLabels, multiLabel ? null : labelWeights,
        Thresholded.evenlyDistributed(withEnds));
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("num_thresholds", numThresholds);
    c.put("curve", curve.name());
    c.put("summation_method", summation.name().toLowerCase(Locale.ROOT));
    c.put("multi_label", multiLabel);
    c.put("num_labels", numLabels);
    c.put("label_weights", labelWeights == null ? null : MetricArgs.asConfig(labelWeights, true));
    c.put("from_logits", fromLogits);
    if (givenThresholds != null) {
      c.put("thresholds", MetricArgs.asConfig(givenThresholds, true));
    }
    return c;
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred) {
    updateState(yTrue, yPred, null);
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    counts.update(name, yTrue, fromLogits && yPred != null ? Ops.sigmoid(Ops.stopGradient(yPred)) : yPred,
        sampleWeight);
    if (multiLabel && labelWeights != null && labelWeights.length != counts.labels()) {
      throw new IllegalArgumentException(name + ": label_weights has " + labelWeights.length + " entries, y_pred has "
          + counts.labels() + " labels");
    }
  }

  @Override
  public double result() {
    int labels = counts.labels();
    if (labels == 0) {
      return 0;
    }
    double[] byLabel = new double[labels];
    for (int l = 0; l < labels; l++) {
      byLabel[l] = curve == Curve.PR && summation == Summation.INTERPOLATION ? interpolatePrAuc(l) : riemann(l);
    }
    if (!multiLabel) {
      return byLabel[0];
    }
    if (labelWeights == null) {
      return java.util.Arrays.stream(byLabel).average().orElse(0);
    }
    double sum = 0;
    double total = 0;
    for (int l = 0; l < labels; l++) {
      sum += byLabel[l] * labelWeights[l];
      total += labelWeights[l];
    }
    return Thresholded.divideNoNan(sum, total);
  }

  private double riemann(int l) {
    int n = numThresholds;
    double[] x = new double[n];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      double tp = counts.tp(i, l), fp = counts.fp(i, l), tn = counts.tn(i, l), fn = counts.fn(i, l);
      double recall = Thresholded.divideNoNan(tp, tp + fn);
      switch (curve) {
        case ROC -> {
          x[i] = Thresholded.divideNoNan(fp, fp + tn);
          y[i] = recall;
        }
        case PR -> {
          x[i] = recall;
          y[i] = Thresholded.divideNoNan(tp, tp + fp);
        }
        case PRGAIN -> {
          // Keras's gains: recall gain 0 and precision gain 1 without true positives; recall gain >= 0
          double scale = Thresholded.divideNoNan(tp + fn, tn + fp);
          x[i] = tp == 0 ? 0 : Math.max(0, 1 - scale * Thresholded.divideNoNan(fn, tp));
          y[i] = tp == 0 ? 1 : 1 - scale * Thresholded.divideNoNan(fp, tp);
        }
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
  private double interpolatePrAuc(int l) {
    double sum = 0;
    for (int i = 0; i < numThresholds - 1; i++) {
      double dtp = counts.tp(i, l) - counts.tp(i + 1, l);
      double p0 = counts.tp(i, l) + counts.fp(i, l);
      double p1 = counts.tp(i + 1, l) + counts.fp(i + 1, l);
      double slope = Thresholded.divideNoNan(dtp, Math.max(p0 - p1, 0));
      double intercept = counts.tp(i + 1, l) - slope * p1;
      double ratio = p0 > 0 && p1 > 0 ? Thresholded.divideNoNan(p0, Math.max(p1, 0)) : 1.0;
      sum += Thresholded.divideNoNan(slope * (dtp + intercept * Math.log(ratio)),
          Math.max(counts.tp(i + 1, l) + counts.fn(i + 1, l), 0));
    }
    return sum;
  }

  /** The thresholds in use, Keras's {@code thresholds} property (with the -1e-7 and 1 + 1e-7 endpoints). */
  public double[] thresholds() {
    return counts.thresholds.clone();
  }

  @Override
  public void resetState() {
    counts.reset();
  }

  @Override
  public String name() {
    return name;
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link AUC}. */
  public static final class Builder extends MetricBuilder<Builder, AUC> {
    Builder() {
      super("AUC", "auc", "num_thresholds", 200, "curve", "ROC", "summation_method", "interpolation",
          "multi_label", false, "num_labels", null, "label_weights", null, "from_logits", false, "thresholds", null);
    }

    /** Keras's {@code num_thresholds} (> 1; default 200), ignored when {@link #thresholds} are given. */
    public Builder numThresholds(int numThresholds) {
      return set("num_thresholds", numThresholds);
    }

    /** Keras's {@code curve}. */
    public Builder curve(Curve curve) {
      return set("curve", curve.name());
    }

    /** Keras's {@code curve} by name: "ROC", "PR" or "PRGAIN". */
    public Builder curve(String curve) {
      return set("curve", curve);
    }

    /** Keras's {@code summation_method}. */
    public Builder summationMethod(Summation summation) {
      return set("summation_method", summation.name().toLowerCase(Locale.ROOT));
    }

    /** Keras's {@code summation_method} by name: "interpolation", "minoring" or "majoring". */
    public Builder summationMethod(String summation) {
      return set("summation_method", summation);
    }

    /** Keras's {@code thresholds}: the inner thresholds in [0, 1] (the endpoints are added). */
    public Builder thresholds(double... thresholds) {
      List<Double> l = new ArrayList<>();
      for (double t : thresholds) {
        l.add(t);
      }
      return set("thresholds", l);
    }

    /** Keras's {@code multi_label}: one curve per column of [batch, labels], then their mean. */
    public Builder multiLabel(boolean multiLabel) {
      return set("multi_label", multiLabel);
    }

    /** Keras's {@code num_labels} (with multi_label only): the number of columns, known before the first batch. */
    public Builder numLabels(int numLabels) {
      return set("num_labels", numLabels);
    }

    /** Keras's {@code label_weights}: one non-negative weight per label. */
    public Builder labelWeights(double... labelWeights) {
      return set("label_weights", MetricArgs.asConfig(labelWeights, true));
    }

    /** Keras's {@code from_logits}: predictions are logits, a sigmoid is applied first. */
    public Builder fromLogits(boolean fromLogits) {
      return set("from_logits", fromLogits);
    }

    @Override
    public AUC build() {
      return new AUC(args());
    }
  }
}

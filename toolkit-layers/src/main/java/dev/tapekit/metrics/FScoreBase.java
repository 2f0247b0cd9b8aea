package dev.tapekit.metrics;

import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The F-beta score per class over [batch, classes] one-hot or multi-label targets
 * (Keras's {@code FBetaScore}, whose subclass {@code F1Score} has beta 1: here {@link FBetaScore} and
 * {@link F1Score}). Without a threshold, each row's largest
 * prediction counts as positive. {@link #resultPerClass()} gives Keras's per-class array (average None);
 * {@link #result()} averages it: "macro" (the default here, and also for average None), "micro" (counts
 * pooled over classes) or "weighted" (by class support).
 */
public abstract class FScoreBase implements Metric {
  private final String name;
  private final String average;
  private final double beta;
  private final Double threshold;
  private double[] tp;
  private double[] fp;
  private double[] fn;
  private double[] support;

  @Override
  public java.util.Map<String, Object> getConfig() {
    java.util.Map<String, Object> c = Metric.super.getConfig();
    c.put("average", average);
    c.put("beta", beta);
    c.put("threshold", threshold);
    return c;
  }

  FScoreBase(MetricArgs a) {
    this.name = a.name();
    this.average = a.oneOf("average", java.util.Arrays.asList(null, "micro", "macro", "weighted"));
    this.beta = a.number("beta");
    if (!(beta > 0)) {
      throw a.bad("beta", "> 0");
    }
    if (a.raw("threshold") != null) {
      double t = a.number("threshold");
      if (!(t > 0 && t <= 1)) {
        throw a.bad("threshold", "in (0, 1]");
      }
      this.threshold = t;
    } else {
      this.threshold = null;
    }
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred) {
    updateState(yTrue, yPred, null);
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    if (yTrue == null || yPred == null || yPred.rank() != 2 || !Arrays.equals(yTrue.shape(), yPred.shape())) {
      throw new IllegalArgumentException(name + ": y_true and y_pred must both have shape [batch, classes], got "
          + (yTrue == null ? "null" : Shapes.str(yTrue.shape())) + " and "
          + (yPred == null ? "null" : Shapes.str(yPred.shape())));
    }
    INDArray p = yPred.array().castTo(DataType.DOUBLE);
    INDArray t = yTrue.array().castTo(DataType.DOUBLE);
    INDArray predPos = threshold == null
        ? p.subColumnVector(p.max(1).reshape(p.size(0), 1)).gte(0).castTo(DataType.DOUBLE)
            .muli(org.nd4j.linalg.ops.transforms.Transforms.abs(p, true).gt(1e-9).castTo(DataType.DOUBLE))
        : p.gt(threshold).castTo(DataType.DOUBLE);
    INDArray w = null;
    if (sampleWeight != null) {
      w = sampleWeight.array().castTo(DataType.DOUBLE);
      w = (w.rank() < 2 ? w.reshape(w.length(), 1) : w).broadcast(p.shape());
    }
    INDArray tpB = predPos.mul(t);
    INDArray fpB = predPos.mul(t.rsub(1.0));
    INDArray fnB = predPos.rsub(1.0).mul(t);
    INDArray sB = t.dup();
    if (w != null) {
      tpB.muli(w);
      fpB.muli(w);
      fnB.muli(w);
      sB.muli(w);
    }
    int classes = (int) p.size(1);
    if (tp == null) {
      int k = "micro".equals(average) ? 1 : classes;
      tp = new double[k];
      fp = new double[k];
      fn = new double[k];
      support = new double[k];
    }
    add(tp, tpB);
    add(fp, fpB);
    add(fn, fnB);
    add(support, sB);
  }

  private void add(double[] acc, INDArray batch) {
    if (acc.length == 1 && "micro".equals(average)) {
      acc[0] += batch.sumNumber().doubleValue();
      return;
    }
    if (batch.size(1) != acc.length) {
      throw new IllegalArgumentException(name + ": got " + batch.size(1) + " classes, earlier batches had "
          + acc.length);
    }
    double[] s = batch.sum(0).data().asDouble();
    for (int i = 0; i < acc.length; i++) {
      acc[i] += s[i];
    }
  }

  /** The score of each class (one value for "micro"); Keras's result with average None. */
  public double[] resultPerClass() {
    return scores();
  }

  /** Keras's result: the per-class scores for average None, else the one averaged value. */
  @Override
  public double[] results() {
    return average == null ? scores() : new double[] {result()};
  }

  private double[] scores() {
    if (tp == null) {
      return new double[0];
    }
    double eps = 1e-7;
    double b2 = beta * beta;
    double[] f = new double[tp.length];
    for (int i = 0; i < f.length; i++) {
      double precision = tp[i] / (tp[i] + fp[i] + eps);
      double recall = tp[i] / (tp[i] + fn[i] + eps);
      f[i] = precision * recall / (b2 * precision + recall + eps) * (1 + b2);
    }
    return f;
  }

  @Override
  public double result() {
    double[] f = scores();
    if (f.length == 0) {
      return 0;
    }
    if ("weighted".equals(average)) {
      double total = Arrays.stream(support).sum() + 1e-7;
      double r = 0;
      for (int i = 0; i < f.length; i++) {
        r += f[i] * support[i] / total;
      }
      return r;
    }
    return Arrays.stream(f).average().orElse(0);
  }

  @Override
  public void resetState() {
    tp = null;
    fp = null;
    fn = null;
    support = null;
  }

  @Override
  public String name() {
    return name;
  }

  /** Builder setters shared by FBetaScore and F1Score. */
  public abstract static class Base<B extends Base<B, M>, M extends FScoreBase> extends MetricBuilder<B, M> {
    Base(String className, String defaultName, Object... keyDefaults) {
      super(className, defaultName, keyDefaults);
    }

    /** Keras's {@code average}: null (per class), "micro", "macro" or "weighted". */
    public B average(String average) {
      return set("average", average);
    }

    /** Keras's {@code threshold} in (0, 1]; without one, each row's largest prediction is positive. */
    public B threshold(double threshold) {
      return set("threshold", threshold);
    }
  }
}

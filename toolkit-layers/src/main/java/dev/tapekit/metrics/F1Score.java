package dev.tapekit.metrics;

import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The F-beta score per class over [batch, classes] one-hot or multi-label targets
 * ({@code keras.metrics.F1Score} / {@code FBetaScore}). Without a threshold, each row's largest
 * prediction counts as positive. {@link #resultPerClass()} gives Keras's per-class array (average None);
 * {@link #result()} averages it: "macro" (the default here, and also for average None), "micro" (counts
 * pooled over classes) or "weighted" (by class support).
 */
public final class F1Score implements Metric {
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
    c.put("threshold", threshold);
    if (beta != 1.0) {
      c.put("beta", beta);
    }
    return c;
  }

  /** Named "f1_score", no averaging (result() is the macro mean), argmax thresholding. */
  public F1Score() {
    this("f1_score", null, null);
  }

  /** With Keras's {@code average} (null, "micro", "macro", "weighted") and {@code threshold} (may be null). */
  public F1Score(String name, String average, Double threshold) {
    this(name, average, 1.0, threshold);
  }

  /** An F-beta score ({@code keras.metrics.FBetaScore}). */
  public F1Score(String name, String average, double beta, Double threshold) {
    if (average != null && !average.equals("micro") && !average.equals("macro") && !average.equals("weighted")) {
      throw new IllegalArgumentException("F1Score: average must be null, micro, macro or weighted, got " + average);
    }
    if (!(beta > 0)) {
      throw new IllegalArgumentException("F1Score: beta must be > 0, got " + beta);
    }
    if (threshold != null && !(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("F1Score: threshold must be in (0, 1], got " + threshold);
    }
    this.name = name;
    this.average = average;
    this.beta = beta;
    this.threshold = threshold;
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
    double[] f = resultPerClass();
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
}

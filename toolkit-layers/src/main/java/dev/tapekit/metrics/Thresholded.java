package dev.tapekit.metrics;

import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Weighted confusion counts at thresholds, as Keras's {@code update_confusion_matrix_variables}: a
 * prediction is positive at threshold t when {@code y_pred > t}; a label is positive when non-zero.
 * Counts are kept in the order the thresholds were given ({@code tp(i, label)}); with {@code multiLabel}
 * each label (column of [batch, labels]) has its own counts, otherwise everything is flattened.
 *
 * <p>Options as Keras's: {@code topK} keeps each row's k largest predictions and sets the rest to
 * {@link #NEG_INF}; {@code classId} keeps one column; {@code labelWeights} weight the columns of flattened
 * data; {@code clip} clips predictions to [0, 1] as Keras's evenly-spaced fast path does.
 */
final class Thresholded {
  /** Keras's NEG_INF: what top-k filtering gives the predictions it drops, and top-k's default threshold. */
  static final double NEG_INF = -1e10;

  final double[] thresholds;
  private final double[] sorted;
  private final int[] order;
  private final Integer topK;
  private final Integer classId;
  private final boolean multiLabel;
  private final double[] labelWeights;
  private final boolean clip;
  private int labels;
  private double[] tp;
  private double[] fp;
  private double[] tn;
  private double[] fn;

  /** Plain counts: no top-k, class id or label weights; clipped when the thresholds are evenly spaced. */
  Thresholded(double[] thresholds) {
    this(thresholds, null, null, false, null, null, evenlyDistributed(thresholds));
  }

  Thresholded(double[] thresholds, Integer topK, Integer classId, boolean multiLabel, Integer numLabels,
      double[] labelWeights, boolean clip) {
    this.thresholds = thresholds.clone();
    Integer[] idx = new Integer[thresholds.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> Double.compare(thresholds[a], thresholds[b]));
    this.order = Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    this.sorted = Arrays.stream(order).mapToDouble(i -> thresholds[i]).toArray();
    this.topK = topK;
    this.classId = classId;
    this.multiLabel = multiLabel;
    this.labelWeights = labelWeights == null ? null : labelWeights.clone();
    this.clip = clip;
    if (!multiLabel || numLabels != null) {
      allocate(multiLabel ? numLabels : 1);
    }
  }

  /** Keras's {@code is_evenly_distributed_thresholds}: at least 3, i / (n - 1) within 1e-7. */
  static boolean evenlyDistributed(double[] t) {
    if (t.length < 3) {
      return false;
    }
    for (int i = 0; i < t.length; i++) {
      double even = (float) i / (float) (t.length - 1);
      if (Math.abs(t[i] - even) > 1e-7 + 1e-5 * Math.abs(even)) {
        return false;
      }
    }
    return true;
  }

  private void allocate(int n) {
    labels = n;
    int size = thresholds.length * n;
    tp = new double[size];
    fp = new double[size];
    tn = new double[size];
    fn = new double[size];
  }

  /** The number of labels counted separately (1 unless multi-label); 0 before a multi-label metric's first batch. */
  int labels() {
    return labels;
  }

  double tp(int threshold, int label) {
    return tp == null ? 0 : tp[threshold * labels + label];
  }

  double fp(int threshold, int label) {
    return fp == null ? 0 : fp[threshold * labels + label];
  }

  double tn(int threshold, int label) {
    return tn == null ? 0 : tn[threshold * labels + label];
  }

  double fn(int threshold, int label) {
    return fn == null ? 0 : fn[threshold * labels + label];
  }

  void reset() {
    if (tp != null) {
      Arrays.fill(tp, 0);
      Arrays.fill(fp, 0);
      Arrays.fill(tn, 0);
      Arrays.fill(fn, 0);
    }
  }

  void update(String who, Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    if (yTrue == null || yPred == null) {
      throw new IllegalArgumentException(who + ": y_true and y_pred must not be null");
    }
    INDArray p = yPred.array().castTo(DataType.DOUBLE);
    INDArray t = yTrue.array().castTo(DataType.DOUBLE);
    if (t.rank() == p.rank() + 1 && t.size(-1) == 1 || p.rank() == t.rank() + 1 && p.size(-1) == 1) {
      t = t.reshape(p.shape());
    }
    if (!Arrays.equals(t.shape(), p.shape())) {
      throw new IllegalArgumentException(who + ": y_true of shape " + Shapes.str(yTrue.shape())
          + " and y_pred of shape " + Shapes.str(yPred.shape()) + " must match");
    }
    if (classId != null && p.rank() < 2) {
      throw new IllegalArgumentException(who + ": when class_id is provided, y_pred must be a 2D array with shape "
          + "(num_samples, num_classes), found shape: " + Shapes.str(yPred.shape()));
    }
    double[] pv = p.dup('c').data().asDouble();
    double[] tv = t.dup('c').data().asDouble();
    double[] wv = weights(who, sampleWeight, p);
    int last = p.rank() == 0 ? 1 : (int) p.size(-1);
    if (topK != null) {
      filterTopK(pv, last, topK);
    }
    if (classId != null) {
      if (classId >= last) {
        throw new IllegalArgumentException(who + ": class_id " + classId + " is out of range for predictions of "
            + "shape " + Shapes.str(yPred.shape()));
      }
      pv = column(pv, last, classId);
      tv = column(tv, last, classId);
      wv = wv == null ? null : column(wv, last, classId);
      last = 1;
    }
    int l = 1;
    if (multiLabel) {
      if (p.rank() != 2) {
        throw new IllegalArgumentException(who + ": y_pred must have rank 2 when multi_label=True, got shape "
            + Shapes.str(yPred.shape()));
      }
      if (tp == null) {
        allocate(last);
      } else if (labels != last) {
        throw new IllegalArgumentException(who + ": y_pred has " + last + " labels, the metric counts " + labels);
      }
      l = labels;
    } else if (labelWeights != null) {
      if (labelWeights.length != last) {
        throw new IllegalArgumentException(who + ": label_weights has " + labelWeights.length + " entries, y_pred "
            + "has " + last + " labels");
      }
      wv = wv == null ? new double[pv.length] : wv;
      for (int i = 0; i < pv.length; i++) {
        wv[i] = (sampleWeight == null ? 1 : wv[i]) * labelWeights[i % last];
      }
    }
    count(pv, tv, wv, l);
  }

  /** Adds every prediction to the bucket of thresholds it exceeds, then cumulates from the top. */
  private void count(double[] pv, double[] tv, double[] wv, int l) {
    int n = sorted.length;
    double[] pos = new double[(n + 1) * l];
    double[] neg = new double[(n + 1) * l];
    for (int i = 0; i < pv.length; i++) {
      double v = clip ? Math.min(1, Math.max(0, pv[i])) : pv[i];
      // k = number of thresholds strictly below the prediction: positive at sorted thresholds 0..k-1
      int k = Arrays.binarySearch(sorted, v);
      k = k >= 0 ? lowest(k, v) : -k - 1;
      int label = l == 1 ? 0 : i % l;
      double w = wv == null ? 1 : wv[i];
      if (tv[i] != 0) {
        pos[k * l + label] += w;
      } else {
        neg[k * l + label] += w;
      }
    }
    for (int label = 0; label < l; label++) {
      double totalPos = 0;
      double totalNeg = 0;
      for (int k = 0; k <= n; k++) {
        totalPos += pos[k * l + label];
        totalNeg += neg[k * l + label];
      }
      double above = 0;
      double aboveNeg = 0;
      for (int s = n - 1; s >= 0; s--) {
        above += pos[(s + 1) * l + label];
        aboveNeg += neg[(s + 1) * l + label];
        int at = order[s] * l + label;
        tp[at] += above;
        fp[at] += aboveNeg;
        fn[at] += totalPos - above;
        tn[at] += totalNeg - aboveNeg;
      }
    }
  }

  /** Keras's {@code _filter_top_k}: per row of {@code width}, all but the k largest become NEG_INF (ties: first index). */
  private static void filterTopK(double[] v, int width, int k) {
    Integer[] idx = new Integer[width];
    for (int row = 0; row < v.length / width; row++) {
      int base = row * width;
      for (int j = 0; j < width; j++) {
        idx[j] = j;
      }
      Arrays.sort(idx, (a, b) -> Double.compare(v[base + b], v[base + a]));
      for (int j = Math.min(k, width); j < width; j++) {
        v[base + idx[j]] = NEG_INF;
      }
    }
  }

  private static double[] column(double[] v, int width, int col) {
    double[] out = new double[v.length / width];
    for (int i = 0; i < out.length; i++) {
      out[i] = v[i * width + col];
    }
    return out;
  }

  /** For a prediction equal to sorted[k] (not above it), the first such index. */
  private int lowest(int k, double v) {
    while (k > 0 && sorted[k - 1] == v) {
      k--;
    }
    return k;
  }

  private static double[] weights(String who, Tensor sampleWeight, INDArray p) {
    if (sampleWeight == null) {
      return null;
    }
    INDArray w = sampleWeight.array().castTo(DataType.DOUBLE);
    if (w.rank() < p.rank()) {
      long[] s = Arrays.copyOf(w.shape(), p.rank());
      Arrays.fill(s, w.rank(), s.length, 1);
      w = w.reshape(s);
    }
    try {
      Shapes.broadcast(who, w.shape(), p.shape());
      return w.broadcast(p.shape()).dup('c').data().asDouble();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(who + ": sample_weight of shape " + Shapes.str(sampleWeight.shape())
          + " does not match predictions of shape " + Shapes.str(p.shape()), e);
    }
  }

  static double divideNoNan(double a, double b) {
    return b == 0 ? 0 : a / b;
  }
}

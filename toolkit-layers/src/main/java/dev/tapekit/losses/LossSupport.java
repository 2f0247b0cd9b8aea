package dev.tapekit.losses;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;

/** Shape plumbing shared by losses and metrics: Keras's rank matching and weighted reductions. */
public final class LossSupport {
  private LossSupport() {}

  /**
   * Keras's {@code squeeze_or_expand_to_same_rank}: when ranks differ by one and the longer one ends
   * in 1, squeeze that axis (or expand a rank-1 partner instead).
   */
  public static Tensor[] sameRank(Tensor a, Tensor b) {
    int ra = a.rank(), rb = b.rank();
    if (ra == rb + 1 && a.shape()[ra - 1] == 1) {
      return rb == 1 ? new Tensor[] {a, Ops.expandDims(b, -1)} : new Tensor[] {Ops.squeeze(a, -1), b};
    }
    if (rb == ra + 1 && b.shape()[rb - 1] == 1) {
      return ra == 1 ? new Tensor[] {Ops.expandDims(a, -1), b} : new Tensor[] {a, Ops.squeeze(b, -1)};
    }
    return new Tensor[] {a, b};
  }

  /** Throws a message naming {@code who} unless the shapes broadcast together. */
  public static void requireBroadcastable(String who, String what1, Tensor a, String what2, Tensor b) {
    try {
      Shapes.broadcast(who, a.shape(), b.shape());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(who + ": " + what1 + " of shape " + Shapes.str(a.shape()) + " and "
          + what2 + " of shape " + Shapes.str(b.shape()) + " are incompatible", e);
    }
  }

  /** Casts labels to the prediction's floating dtype, as Keras converts both to the loss dtype. */
  public static Tensor castLike(Tensor labels, Tensor pred) {
    return labels.dtype() == pred.dtype() ? labels : Ops.cast(labels, pred.dtype());
  }

  /** Throws unless {@code t} is a non-null floating tensor of rank at least {@code minRank}. */
  public static void requirePrediction(String who, Tensor yPred, int minRank) {
    if (yPred == null) {
      throw new IllegalArgumentException(who + ": y_pred is null");
    }
    if (!yPred.dtype().isFloating()) {
      throw new IllegalArgumentException(who + ": y_pred must be float32 or float64, got " + yPred.dtype());
    }
    if (yPred.rank() < minRank) {
      throw new IllegalArgumentException(who + ": y_pred must have rank >= " + minRank + ", got shape "
          + Shapes.str(yPred.shape()));
    }
  }

  /**
   * Keras's {@code reduce_weighted_values}: multiplies per-sample losses by the sample weights (matched
   * in rank, then broadcast) and reduces them. {@link Reduction#MEAN_WITH_SAMPLE_WEIGHT} divides by the
   * sum of the weights (as given, after rank matching, as Keras's {@code reduce_values} sums them).
   */
  public static Tensor reduceWeighted(String who, Tensor values, Tensor sampleWeight, Reduction reduction) {
    Tensor w = null;
    if (sampleWeight != null) {
      w = sampleWeight.dtype() == values.dtype() ? sampleWeight : Ops.cast(sampleWeight, values.dtype());
      Tensor[] p = sameRank(values, w);
      values = p[0];
      w = p[1];
      Tensor perSample = w;
      // weights of shape [batch] against losses of shape [batch, d...] apply per sample
      while (perSample.rank() > 0 && perSample.rank() < values.rank()) {
        perSample = Ops.expandDims(perSample, -1);
      }
      requireBroadcastable(who, "losses", values, "sample_weight", perSample);
      values = Ops.multiply(values, perSample);
    }
    if (reduction == Reduction.NONE || values.rank() == 0) {
      return values;
    }
    Tensor sum = Ops.reduceSum(values);
    if (reduction == Reduction.SUM) {
      return sum;
    }
    if (reduction == Reduction.MEAN_WITH_SAMPLE_WEIGHT && w != null) {
      // divide_no_nan: all-zero weights give 0, not NaN
      Tensor total = Ops.reduceSum(w);
      return total.array().sumNumber().doubleValue() == 0 ? Tensor.zeros(values.dtype()) : Ops.divide(sum, total);
    }
    long n = values.size();
    // Keras's divide_no_nan: an empty batch has loss 0
    return n == 0 ? Tensor.zeros(values.dtype()) : Ops.divide(sum, (double) n);
  }

  /**
   * Keras's {@code apply_mask}: merges a bool mask into the sample weights; for sum_over_batch_size the
   * (and mean) the mask is scaled by total / valid so the mean runs over the valid entries only.
   */
  public static Tensor applyMask(Tensor sampleWeight, Tensor mask, DType dtype, Reduction reduction) {
    Tensor m = Ops.cast(mask, dtype);
    if (reduction.dividesBySize()) {
      double total = m.size();
      double valid = m.array().sumNumber().doubleValue();
      m = Ops.multiply(m, total / (valid + 1e-7));
    }
    if (sampleWeight == null) {
      return m;
    }
    Tensor w = sampleWeight.dtype() == dtype ? sampleWeight : Ops.cast(sampleWeight, dtype);
    Tensor[] p = sameRank(m, w);
    m = p[0];
    w = p[1];
    while (w.rank() > 0 && w.rank() < m.rank()) {
      w = Ops.expandDims(w, -1);
    }
    return Ops.multiply(w, m);
  }

  /** The scalar dtype-matched constant {@code value}. */
  static Tensor constant(double value, DType dtype) {
    return Tensor.scalar(value, dtype);
  }
}

package dev.tapekit.metrics;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import dev.tapekit.losses.LossSupport;

/**
 * Per-sample metric functions as Keras defines them ({@code keras.metrics.accuracy} and friends); each
 * returns float32 1/0 matches. Call them on tensors that are not being recorded.
 */
public final class MetricFunctions {
  private MetricFunctions() {}

  /** 1 where y_true equals y_pred exactly. */
  public static Tensor accuracy(Tensor yTrue, Tensor yPred) {
    Tensor[] p = LossSupport.sameRank(Ops.cast(yTrue, yPred.dtype()), yPred);
    LossSupport.requireBroadcastable("accuracy", "y_true", p[0], "y_pred", p[1]);
    return Ops.cast(Ops.equal(p[0], p[1]), DType.FLOAT32);
  }

  /** 1 where (y_pred > threshold) equals y_true. */
  public static Tensor binaryAccuracy(Tensor yTrue, Tensor yPred, double threshold) {
    Tensor[] p = LossSupport.sameRank(yTrue, yPred);
    LossSupport.requireBroadcastable("binary_accuracy", "y_true", p[0], "y_pred", p[1]);
    DType labelType = p[0].dtype() == DType.BOOL ? DType.FLOAT32 : p[0].dtype();
    Tensor predicted = Ops.cast(Ops.greater(p[1], threshold), labelType);
    return Ops.cast(Ops.equal(Ops.cast(p[0], labelType), predicted), DType.FLOAT32);
  }

  /** 1 where argmax(y_true) equals argmax(y_pred) along the last axis (one-hot labels). */
  public static Tensor categoricalAccuracy(Tensor yTrue, Tensor yPred) {
    requireSameShape("categorical_accuracy", yTrue, yPred);
    return Ops.cast(Ops.equal(Ops.argMax(yTrue, -1), Ops.argMax(yPred, -1)), DType.FLOAT32);
  }

  /** 1 where the integer label equals argmax(y_pred); labels of shape [d...] or [d..., 1]. */
  public static Tensor sparseCategoricalAccuracy(Tensor yTrue, Tensor yPred) {
    Tensor labels = sparseLabels("sparse_categorical_accuracy", yTrue, yPred);
    return Ops.cast(Ops.equal(labels, Ops.argMax(yPred, -1)), DType.FLOAT32);
  }

  /**
   * 1 where the true class (argmax of one-hot labels) is among the k highest predictions; ties at the
   * boundary count as inside, as {@code tf.math.in_top_k}.
   */
  public static Tensor topKCategoricalAccuracy(Tensor yTrue, Tensor yPred, int k) {
    requireSameShape("top_k_categorical_accuracy", yTrue, yPred);
    return inTopK(Ops.argMax(yTrue, -1), yPred, k);
  }

  /** Top-k accuracy with integer labels. */
  public static Tensor sparseTopKCategoricalAccuracy(Tensor yTrue, Tensor yPred, int k) {
    return inTopK(sparseLabels("sparse_top_k_categorical_accuracy", yTrue, yPred), yPred, k);
  }

  /**
   * Top-k accuracy when predictions are class ids sorted from the highest score (Keras's
   * {@code from_sorted_ids=True}): 1 where the label is among each row's first k ids.
   */
  public static Tensor sparseTopKFromSortedIds(Tensor yTrue, Tensor yPred, int k) {
    long rows = yPred.rank() == 2 ? yPred.shape()[0] : -1;
    if (rows < 0 || yTrue.size() != rows) {
      throw new IllegalArgumentException("sparse_top_k_categorical_accuracy: with from_sorted_ids, y_pred must be "
          + "(batch, N) sorted ids and y_true (batch,) labels, got " + Shapes.str(yTrue.shape()) + " and "
          + Shapes.str(yPred.shape()));
    }
    double[] labels = yTrue.toDoubleArray();
    double[] ids = yPred.toDoubleArray();
    int width = (int) yPred.shape()[1];
    float[] out = new float[(int) rows];
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < Math.min(k, width); j++) {
        out[r] = ids[r * width + j] == labels[r] ? 1 : out[r];
      }
    }
    return Tensor.of(out);
  }

  private static Tensor inTopK(Tensor labels, Tensor yPred, int k) {
    int classes = (int) yPred.shape()[yPred.rank() - 1];
    Tensor oneHot = Ops.oneHot(labels, classes, 1.0, 0.0, yPred.dtype());
    Tensor target = Ops.reduceSum(Ops.multiply(oneHot, yPred), new int[] {-1}, true);
    Tensor above = Ops.reduceSum(Ops.cast(Ops.greater(yPred, target), DType.FLOAT32), new int[] {-1}, false);
    return Ops.cast(Ops.less(above, (double) k), DType.FLOAT32);
  }

  /** Squared error per element (what RootMeanSquaredError averages). */
  public static Tensor squaredError(Tensor yTrue, Tensor yPred) {
    Tensor[] p = LossSupport.sameRank(LossSupport.castLike(yTrue, yPred), yPred);
    LossSupport.requireBroadcastable("root_mean_squared_error", "y_true", p[0], "y_pred", p[1]);
    return Ops.square(Ops.subtract(p[1], p[0]));
  }

  private static Tensor sparseLabels(String who, Tensor yTrue, Tensor yPred) {
    Tensor labels = yTrue;
    if (labels.rank() == yPred.rank() && labels.rank() > 0 && labels.shape()[labels.rank() - 1] == 1) {
      labels = Ops.squeeze(labels, -1);
    }
    long[] want = java.util.Arrays.copyOf(yPred.shape(), Math.max(0, yPred.rank() - 1));
    if (yPred.rank() < 1 || !java.util.Arrays.equals(labels.shape(), want)) {
      throw new IllegalArgumentException(who + ": labels of shape " + Shapes.str(yTrue.shape())
          + " do not match predictions of shape " + Shapes.str(yPred.shape()) + "; expected labels of shape "
          + Shapes.str(want));
    }
    return Ops.cast(labels, DType.INT64);
  }

  private static void requireSameShape(String who, Tensor yTrue, Tensor yPred) {
    if (!java.util.Arrays.equals(yTrue.shape(), yPred.shape()) || yPred.rank() < 1) {
      throw new IllegalArgumentException(who + ": y_true and y_pred must have the same shape [batch, classes], got "
          + Shapes.str(yTrue.shape()) + " and " + Shapes.str(yPred.shape()));
    }
  }
}

package dev.tapekit.losses;

import static dev.tapekit.losses.LossSupport.requireBroadcastable;
import static dev.tapekit.losses.LossSupport.sameRank;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Per-sample loss functions, like {@code keras.losses.mean_squared_error} and friends: each returns one
 * loss per sample (the last axis reduced) without weighting or reduction. Labels must already have the
 * prediction's dtype except for {@link #sparseCategoricalCrossentropy}. Written in {@link Ops}, so they
 * are differentiable.
 */
public final class LossFunctions {
  /** Keras's {@code backend.epsilon()}: the clipping bound of probabilities. */
  public static final double EPSILON = 1e-7;

  private static final int[] LAST = {-1};

  private LossFunctions() {}

  private static Tensor[] matched(String who, Tensor yTrue, Tensor yPred) {
    LossSupport.requirePrediction(who, yPred, 1);
    Tensor[] p = sameRank(yTrue, yPred);
    requireBroadcastable(who, "y_true", p[0], "y_pred", p[1]);
    return p;
  }

  private static Tensor meanLast(Tensor x) {
    return Ops.reduceMean(x, LAST, false);
  }

  /** mean((y_true - y_pred)^2) over the last axis. */
  public static Tensor meanSquaredError(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("mean_squared_error", yTrue, yPred);
    return meanLast(Ops.square(Ops.subtract(p[0], p[1])));
  }

  /** mean(|y_true - y_pred|) over the last axis. */
  public static Tensor meanAbsoluteError(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("mean_absolute_error", yTrue, yPred);
    return meanLast(Ops.abs(Ops.subtract(p[0], p[1])));
  }

  /** 100 * mean(|(y_true - y_pred) / max(|y_true|, eps)|) over the last axis. */
  public static Tensor meanAbsolutePercentageError(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("mean_absolute_percentage_error", yTrue, yPred);
    Tensor diff = Ops.abs(Ops.divide(Ops.subtract(p[0], p[1]), Ops.maximum(Ops.abs(p[0]), EPSILON)));
    return Ops.multiply(meanLast(diff), 100.0);
  }

  /** mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2) over the last axis. */
  public static Tensor meanSquaredLogarithmicError(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("mean_squared_logarithmic_error", yTrue, yPred);
    Tensor first = Ops.log(Ops.add(Ops.maximum(p[1], EPSILON), 1.0));
    Tensor second = Ops.log(Ops.add(Ops.maximum(p[0], EPSILON), 1.0));
    return meanLast(Ops.square(Ops.subtract(first, second)));
  }

  /** Negative cosine similarity along {@code axis}: -sum(l2norm(y_true) * l2norm(y_pred)). */
  public static Tensor cosineSimilarity(Tensor yTrue, Tensor yPred, int axis) {
    Tensor[] p = matched("cosine_similarity", yTrue, yPred);
    return Ops.negative(Ops.reduceSum(Ops.multiply(l2Normalize(p[0], axis), l2Normalize(p[1], axis)),
        new int[] {axis}, false));
  }

  /**
   * x / ||x|| along an axis with Keras's floor of 1e-12 on the norm; written as max(sum x^2, 1e-24) so
   * the gradient of an all-zero vector is finite.
   */
  public static Tensor l2Normalize(Tensor x, int axis) {
    Tensor squareSum = Ops.reduceSum(Ops.square(x), new int[] {axis}, true);
    return Ops.multiply(x, Ops.rsqrt(Ops.maximum(squareSum, 1e-24)));
  }

  /** Huber loss: 0.5 e^2 where |e| <= delta, else delta (|e| - 0.5 delta); mean over the last axis. */
  public static Tensor huber(Tensor yTrue, Tensor yPred, double delta) {
    Tensor[] p = matched("huber_loss", yTrue, yPred);
    Tensor error = Ops.subtract(p[1], p[0]);
    Tensor absError = Ops.abs(error);
    Tensor quadratic = Ops.multiply(Ops.square(error), 0.5);
    Tensor linear = Ops.subtract(Ops.multiply(absError, delta), 0.5 * delta * delta);
    return meanLast(Ops.where(Ops.lessEqual(absError, delta), quadratic, linear));
  }

  /** log(cosh(y_pred - y_true)), computed as x + softplus(-2x) - log 2; mean over the last axis. */
  public static Tensor logCosh(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("log_cosh", yTrue, yPred);
    Tensor x = Ops.subtract(p[1], p[0]);
    return meanLast(Ops.subtract(Ops.add(x, Ops.softplus(Ops.multiply(x, -2.0))), Math.log(2.0)));
  }

  /** sum(y_true * log(y_true / y_pred)) over the last axis, both clipped to [eps, 1]. */
  public static Tensor klDivergence(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("kl_divergence", yTrue, yPred);
    Tensor t = Ops.clipByValue(p[0], EPSILON, 1.0);
    Tensor q = Ops.clipByValue(p[1], EPSILON, 1.0);
    return Ops.reduceSum(Ops.multiply(t, Ops.log(Ops.divide(t, q))), LAST, false);
  }

  /** mean(y_pred - y_true * log(y_pred + eps)) over the last axis. */
  public static Tensor poisson(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("poisson", yTrue, yPred);
    return meanLast(Ops.subtract(p[1], Ops.multiply(p[0], Ops.log(Ops.add(p[1], EPSILON)))));
  }

  /** Labels of only 0 and 1 become -1 and 1, as Keras's hinge losses expect. */
  static Tensor hingeLabels(Tensor yTrue) {
    INDArray a = yTrue.array();
    boolean binary = a.length() == 0
        || a.eq(0).castTo(org.nd4j.linalg.api.buffer.DataType.INT).addi(a.eq(1).castTo(
            org.nd4j.linalg.api.buffer.DataType.INT)).minNumber().intValue() == 1;
    return binary ? Ops.subtract(Ops.multiply(yTrue, 2.0), 1.0) : yTrue;
  }

  /** mean(max(1 - y_true * y_pred, 0)) over the last axis; 0/1 labels are mapped to -1/1. */
  public static Tensor hinge(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("hinge", yTrue, yPred);
    return meanLast(Ops.maximum(Ops.subtract(1.0, Ops.multiply(hingeLabels(p[0]), p[1])), 0.0));
  }

  /** mean(max(1 - y_true * y_pred, 0)^2) over the last axis; 0/1 labels are mapped to -1/1. */
  public static Tensor squaredHinge(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("squared_hinge", yTrue, yPred);
    return meanLast(Ops.square(Ops.maximum(Ops.subtract(1.0, Ops.multiply(hingeLabels(p[0]), p[1])), 0.0)));
  }

  /** max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) over the last axis. */
  public static Tensor categoricalHinge(Tensor yTrue, Tensor yPred) {
    Tensor[] p = matched("categorical_hinge", yTrue, yPred);
    Tensor pos = Ops.reduceSum(Ops.multiply(p[0], p[1]), LAST, false);
    Tensor neg = Ops.reduceMax(Ops.multiply(Ops.subtract(1.0, p[0]), p[1]), LAST, false);
    return Ops.maximum(Ops.add(Ops.subtract(neg, pos), 1.0), 0.0);
  }

  /**
   * Binary cross-entropy averaged over {@code axis}; probabilities are clipped to [eps, 1 - eps],
   * logits use the stable {@code sigmoid_cross_entropy_with_logits}. Labels are smoothed toward 0.5.
   */
  public static Tensor binaryCrossentropy(Tensor yTrue, Tensor yPred, boolean fromLogits, double labelSmoothing,
      int axis) {
    String who = "binary_crossentropy";
    LossSupport.requirePrediction(who, yPred, 1);
    requireSameShape(who, yTrue, yPred);
    Tensor t = labelSmoothing > 0 ? Ops.add(Ops.multiply(yTrue, 1.0 - labelSmoothing), 0.5 * labelSmoothing) : yTrue;
    Tensor bce;
    if (fromLogits) {
      bce = Ops.sigmoidCrossEntropyWithLogits(t, yPred);
    } else {
      Tensor out = Ops.clipByValue(yPred, EPSILON, 1.0 - EPSILON);
      bce = Ops.negative(Ops.add(Ops.multiply(t, Ops.log(out)),
          Ops.multiply(Ops.subtract(1.0, t), Ops.log(Ops.subtract(1.0, out)))));
    }
    return Ops.reduceMean(bce, new int[] {axis}, false);
  }

  /**
   * Categorical cross-entropy along {@code axis} with one-hot (or soft) labels. Probabilities are
   * renormalized and clipped to [eps, 1 - eps]; logits use a stable log-softmax (x - logsumexp x).
   */
  public static Tensor categoricalCrossentropy(Tensor yTrue, Tensor yPred, boolean fromLogits,
      double labelSmoothing, int axis) {
    String who = "categorical_crossentropy";
    LossSupport.requirePrediction(who, yPred, 1);
    requireSameShape(who, yTrue, yPred);
    int ax = Shapes.axis(who, axis, yPred.rank());
    Tensor t = yTrue;
    if (labelSmoothing > 0) {
      double classes = yPred.shape()[ax];
      t = Ops.add(Ops.multiply(yTrue, 1.0 - labelSmoothing), labelSmoothing / classes);
    }
    if (fromLogits) {
      // one fused, stable op with its own gradient rule (fewer native calls per training step)
      return Ops.softmaxCrossEntropyWithLogits(Ops.cast(t, yPred.dtype()), yPred, ax);
    }
    return Ops.negative(Ops.reduceSum(Ops.multiply(t, logProbabilities(yPred, ax)), new int[] {ax}, false));
  }

  /** log_softmax, exact for logits far apart (the core computes x - max - log(sum(exp(x - max)))). */
  static Tensor logSoftmax(Tensor logits, int axis) {
    return Ops.logSoftmax(logits, axis);
  }

  /** log of predictions renormalized along the axis and clipped to [eps, 1 - eps], as Keras does. */
  private static Tensor logProbabilities(Tensor yPred, int axis) {
    Tensor out = Ops.divide(yPred, Ops.reduceSum(yPred, new int[] {axis}, true));
    return Ops.log(Ops.clipByValue(out, EPSILON, 1.0 - EPSILON));
  }

  /**
   * Cross-entropy with integer class labels of shape [d...] (or [d..., 1]) against predictions of shape
   * [d..., classes]. Labels may be int32, int64 or integer-valued floats.
   */
  public static Tensor sparseCategoricalCrossentropy(Tensor yTrue, Tensor yPred, boolean fromLogits) {
    String who = "sparse_categorical_crossentropy";
    LossSupport.requirePrediction(who, yPred, 1);
    if (fromLogits) {
      // the core op checks the label range in Java and fuses log-softmax, one-hot and the sum
      return Ops.sparseSoftmaxCrossEntropyWithLogits(sparseLabelsUnchecked(who, yTrue, yPred), yPred);
    }
    Tensor labels = sparseLabels(who, yTrue, yPred);
    int last = yPred.rank() - 1;
    Tensor oneHot = Ops.oneHot(labels, (int) yPred.shape()[last], 1.0, 0.0, yPred.dtype());
    Tensor logP = fromLogits ? logSoftmax(yPred, last) : logProbabilities(yPred, last);
    return Ops.negative(Ops.reduceSum(Ops.multiply(oneHot, logP), LAST, false));
  }

  /** Labels squeezed to [d...], cast to int64 and checked against the class count. */
  static Tensor sparseLabels(String who, Tensor yTrue, Tensor yPred) {
    Tensor labels = sparseLabelsUnchecked(who, yTrue, yPred);
    long[] ps = yPred.shape();
    long classes = ps[ps.length - 1];
    if (labels.size() > 0) {
      double min = labels.array().minNumber().doubleValue();
      double max = labels.array().maxNumber().doubleValue();
      if (min < 0 || max >= classes) {
        throw new IllegalArgumentException(who + ": received a label value of " + (long) (min < 0 ? min : max)
            + " which is outside the valid range of [0, " + classes + ") for predictions of shape "
            + Shapes.str(ps));
      }
    }
    return labels;
  }

  /** Labels squeezed to [d...] and cast to int64 if floating, without a range check. */
  static Tensor sparseLabelsUnchecked(String who, Tensor yTrue, Tensor yPred) {
    if (yTrue == null) {
      throw new IllegalArgumentException(who + ": y_true is null");
    }
    long[] ps = yPred.shape();
    long[] want = Arrays.copyOf(ps, ps.length - 1);
    Tensor labels = yTrue;
    if (labels.rank() == yPred.rank() && labels.shape()[labels.rank() - 1] == 1) {
      labels = Ops.squeeze(labels, -1);
    }
    if (!Arrays.equals(labels.shape(), want)) {
      throw new IllegalArgumentException(who + ": labels of shape " + Shapes.str(yTrue.shape())
          + " do not match predictions of shape " + Shapes.str(ps) + "; expected integer labels of shape "
          + Shapes.str(want));
    }
    if (labels.dtype() == DType.BOOL) {
      throw new IllegalArgumentException(who + ": labels must be integer class ids, got bool");
    }
    if (labels.dtype().isFloating()) {
      // a cast would turn NaN into -9223372036854775808 and report that as the label
      double[] v = labels.toDoubleArray();
      for (int i = 0; i < v.length; i++) {
        if (!Double.isFinite(v[i])) {
          throw new IllegalArgumentException(who + ": received a label value of " + v[i] + " (at index " + i
              + "), which is not a class id");
        }
      }
      labels = Ops.cast(labels, DType.INT64);
    }
    return labels;
  }

  private static void requireSameShape(String who, Tensor yTrue, Tensor yPred) {
    if (yTrue == null) {
      throw new IllegalArgumentException(who + ": y_true is null");
    }
    if (!Arrays.equals(yTrue.shape(), yPred.shape())) {
      throw new IllegalArgumentException(who + ": y_true and y_pred must have the same shape, got y_true "
          + Shapes.str(yTrue.shape()) + " and y_pred " + Shapes.str(yPred.shape()));
    }
  }
}

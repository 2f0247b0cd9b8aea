package dev.tapekit.metrics;

import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code _IoUBase} and {@code IoU.result}: a weighted confusion matrix of class ids (rows true,
 * columns predicted) and the intersection-over-union tp / (tp + fp + fn) of the target classes, averaged
 * over those that occur. Labels and predictions are class ids unless {@code sparse_y_true}/{@code
 * sparse_y_pred} is false (then the argmax along {@code axis}); ids outside [0, num_classes) and
 * {@code ignore_class} are left out. Weights accumulate as floats (Keras's IoU defaults to an int dtype,
 * which truncates fractional weights; its docstring examples are float arithmetic, as here).
 */
public abstract class IoUBase implements Metric {
  private final String name;
  final int numClasses;
  final int[] targetClassIds;
  final Integer ignoreClass;
  final boolean sparseYTrue;
  final boolean sparseYPred;
  final int axis;
  private final double[][] cm;

  IoUBase(MetricArgs a, int numClasses, int[] targetClassIds, boolean sparseYTrue, boolean sparseYPred) {
    this.name = a.name();
    this.numClasses = numClasses;
    this.targetClassIds = targetClassIds;
    this.ignoreClass = a.raw("ignore_class") == null ? null : a.integer("ignore_class", Integer.MIN_VALUE, true);
    this.sparseYTrue = sparseYTrue;
    this.sparseYPred = sparseYPred;
    this.axis = a.raw("axis") == null ? -1 : a.integer("axis", Integer.MIN_VALUE, false);
    this.cm = new double[numClasses][numClasses];
  }

  /** The predicted class ids of {@code yPred}, before flattening (BinaryIoU thresholds instead). */
  INDArray predictedIds(INDArray yPred) {
    return sparseYPred ? yPred : yPred.argMax(axis < 0 ? yPred.rank() + axis : axis).castTo(DataType.DOUBLE);
  }

  @Override
  public final void updateState(Tensor yTrue, Tensor yPred) {
    updateState(yTrue, yPred, null);
  }

  @Override
  public final void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    if (yTrue == null || yPred == null) {
      throw new IllegalArgumentException(name + ": y_true and y_pred must not be null");
    }
    INDArray t = yTrue.array().castTo(DataType.DOUBLE);
    if (!sparseYTrue) {
      t = t.argMax(axis < 0 ? t.rank() + axis : axis).castTo(DataType.DOUBLE);
    }
    double[] tv = t.dup('c').data().asDouble();
    double[] pv = predictedIds(yPred.array().castTo(DataType.DOUBLE)).dup('c').data().asDouble();
    if (tv.length != pv.length) {
      throw new IllegalArgumentException(name + ": y_true of shape " + Shapes.str(yTrue.shape()) + " and y_pred of "
          + "shape " + Shapes.str(yPred.shape()) + " hold different numbers of class ids");
    }
    double[] wv = null;
    if (sampleWeight != null) {
      INDArray w = sampleWeight.array().castTo(DataType.DOUBLE);
      wv = w.length() == 1 ? null : w.dup('c').data().asDouble();
      if (wv != null && wv.length != tv.length) {
        throw new IllegalArgumentException(name + ": sample_weight of shape " + Shapes.str(sampleWeight.shape())
            + " does not match y_true of shape " + Shapes.str(yTrue.shape()));
      }
    }
    double scalar = sampleWeight != null && wv == null ? sampleWeight.array().getDouble(0) : 1;
    for (int i = 0; i < tv.length; i++) {
      // Keras converts ids to ints (truncating) before comparing
      long ti = (long) tv[i];
      long pi = (long) pv[i];
      if (ti < 0 || ti >= numClasses || pi < 0 || pi >= numClasses || ignoreClass != null && ti == ignoreClass) {
        continue;
      }
      cm[(int) ti][(int) pi] += wv == null ? scalar : wv[i];
    }
  }

  /** The IoU of each target class (0 for a class that never occurs), in target order. */
  public final double[] perClass() {
    double[] out = new double[targetClassIds.length];
    for (int k = 0; k < out.length; k++) {
      int c = targetClassIds[k];
      double denominator = denominator(c);
      out[k] = denominator > 1e-9 ? cm[c][c] / (denominator + 1e-7) : 0;
    }
    return out;
  }

  private double denominator(int c) {
    double predicted = 0;
    double actual = 0;
    for (int i = 0; i < numClasses; i++) {
      predicted += cm[i][c];
      actual += cm[c][i];
    }
    return predicted + actual - cm[c][c];
  }

  /** The mean IoU over the target classes that occur (Keras's sum / (valid + 1e-7)). */
  @Override
  public final double result() {
    double sum = 0;
    int valid = 0;
    double[] iou = perClass();
    for (int k = 0; k < iou.length; k++) {
      if (denominator(targetClassIds[k]) > 1e-9) {
        sum += iou[k];
        valid++;
      }
    }
    return sum / (valid + 1e-7);
  }

  @Override
  public final void resetState() {
    for (double[] row : cm) {
      java.util.Arrays.fill(row, 0);
    }
  }

  @Override
  public final String name() {
    return name;
  }

  /** Every IoU argument under Keras's keys; each class keeps those its Keras config has. */
  final Map<String, Object> fullConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("num_classes", numClasses);
    c.put("target_class_ids", java.util.Arrays.stream(targetClassIds).boxed().toList());
    c.put("ignore_class", ignoreClass);
    c.put("sparse_y_true", sparseYTrue);
    c.put("sparse_y_pred", sparseYPred);
    c.put("axis", axis);
    return c;
  }

  /** {@link #fullConfig()} restricted to {@code keys}. */
  final Map<String, Object> configOf(List<String> keys) {
    Map<String, Object> c = new LinkedHashMap<>();
    fullConfig().forEach((k, v) -> {
      if (keys.contains(k)) {
        c.put(k, v);
      }
    });
    return c;
  }

  /** The IoU metrics' builder: each class takes the subset of these setters its Keras constructor has. */
  public static final class Builder<M extends IoUBase> extends MetricBuilder<Builder<M>, M> {
    private final Function<MetricArgs, M> factory;

    Builder(String className, String defaultName, Function<MetricArgs, M> factory, Object... keyDefaults) {
      super(className, defaultName, keyDefaults);
      this.factory = factory;
    }

    /** Keras's {@code num_classes}: the number of class ids (required). */
    public Builder<M> numClasses(int numClasses) {
      return set("num_classes", numClasses);
    }

    /** Keras's {@code target_class_ids}: the classes whose IoU is averaged. */
    public Builder<M> targetClassIds(int... ids) {
      return set("target_class_ids", java.util.Arrays.stream(ids).boxed().toList());
    }

    /** Keras's {@code ignore_class}: a label id left out of the matrix. */
    public Builder<M> ignoreClass(int ignoreClass) {
      return set("ignore_class", ignoreClass);
    }

    /** Keras's {@code sparse_y_true}: false for one-hot (or score) labels, reduced by argmax. */
    public Builder<M> sparseYTrue(boolean sparse) {
      return set("sparse_y_true", sparse);
    }

    /** Keras's {@code sparse_y_pred}: false for scores, reduced by argmax. */
    public Builder<M> sparseYPred(boolean sparse) {
      return set("sparse_y_pred", sparse);
    }

    /** Keras's {@code axis}: the class axis of dense labels or predictions. */
    public Builder<M> axis(int axis) {
      return set("axis", axis);
    }

    /** Keras's {@code threshold} (BinaryIoU): predictions at or above it are class 1. */
    public Builder<M> threshold(double threshold) {
      return set("threshold", threshold);
    }

    @Override
    public M build() {
      return factory.apply(args());
    }
  }
}

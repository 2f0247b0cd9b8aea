package dev.tapekit.core;

import dev.tapekit.core.kernels.Buffers;
import dev.tapekit.core.kernels.FastKernels;
import dev.tapekit.core.kernels.Elementwise;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Reductions over axes, with TensorFlow's {@code axis=None} meaning all axes. */
abstract class ReductionOps extends MathOps {
  ReductionOps() {}

  /** The reduced axes, or null for all; an empty array means no reduction, as in TensorFlow. */
  private static int[] resolve(String op, Tensor x, int[] axis) {
    return axis == null ? Shapes.all(x.rank()) : Shapes.axes(op, axis, x.rank());
  }

  /** The keep-dims shape: reduced axes become 1. */
  static long[] keptShape(long[] shape, int[] axes) {
    long[] kept = shape.clone();
    for (int a : axes) {
      kept[a] = 1;
    }
    return kept;
  }

  private static long[] reducedShape(long[] shape, int[] axes, boolean keepDims) {
    if (keepDims) {
      return keptShape(shape, axes);
    }
    long[] out = new long[shape.length - (int) Arrays.stream(axes).distinct().count()];
    int n = 0;
    outer:
    for (int i = 0; i < shape.length; i++) {
      for (int a : axes) {
        if (a == i) {
          continue outer;
        }
      }
      out[n++] = shape[i];
    }
    return out;
  }

  /** Runs an ND4J reduction and reshapes to TensorFlow's result shape. */
  private static INDArray reduce(String op, Tensor x, int[] axes, boolean keepDims) {
    INDArray a = x.array();
    long[] shape = reducedShape(x.shape(), axes, keepDims);
    if (axes.length == 0) {
      return a.dup();
    }
    if (a.length() == 0) {
      return identityFill(op, x.dtype(), shape);
    }
    if ((op.equals("Sum") || op.equals("Mean")) && axes.length == x.rank() && FastKernels.enabled()
        && Elementwise.applies(a)) {
      return Elementwise.total(a, op.equals("Mean") ? 1.0 / a.length() : 1.0, shape); // one Java pass
    }
    INDArray r;
    switch (op) {
      case "Sum": r = a.sum(axes); break;
      case "Mean": r = a.mean(axes); break;
      case "Max": r = a.max(axes); break;
      case "Min": r = a.min(axes); break;
      case "Prod": r = a.prod(axes); break;
      default: throw new IllegalStateException(op);
    }
    return Arrays.equals(r.shape(), shape) ? r : r.reshape(shape);
  }

  /**
   * TensorFlow's reduction of an empty input: every result element is the reducer's identity (sum 0,
   * prod 1, max -inf and min +inf, or the integer type's extremes) and a mean is NaN.
   */
  private static INDArray identityFill(String op, DType dtype, long[] shape) {
    DataType type = dtype.nd4j();
    boolean floating = dtype.isFloating();
    switch (op) {
      case "Sum": return Nd4j.zeros(type, shape);
      case "Prod": return Nd4j.valueArrayOf(shape, 1.0, type);
      case "Mean": return Nd4j.valueArrayOf(shape, Double.NaN, type);
      case "Max":
        return floating ? Nd4j.valueArrayOf(shape, Double.NEGATIVE_INFINITY, type)
            : Nd4j.valueArrayOf(shape, dtype == DType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE, type);
      case "Min":
        return floating ? Nd4j.valueArrayOf(shape, Double.POSITIVE_INFINITY, type)
            : Nd4j.valueArrayOf(shape, dtype == DType.INT32 ? Integer.MAX_VALUE : Long.MAX_VALUE, type);
      default: throw new IllegalStateException(op);
    }
  }

  /** Spreads an upstream gradient of a reduction back over the input's shape. */
  private static Tensor spread(Tensor g, Tensor x, int[] axes) {
    return Ops.broadcastTo(Ops.reshape(g, keptShape(x.shape(), axes)), x.shape());
  }

  /**
   * {@code spread(g) * scale} for a reduction over every axis. With nothing recording the backward pass
   * (first order) this is one filled array instead of reshape, broadcast and multiply (~4 native calls).
   */
  private static Tensor spreadAll(Tensor g, Tensor x, int[] axes, double scale) {
    if (axes.length == x.rank() && !Tapes.recording() && g.size() == 1 && x.size() > 0) {
      return wrap(Buffers.filled(x.shape(), g.array().getDouble(0) * scale, x.array().dataType()));
    }
    Tensor s = spread(g, x, axes);
    return scale == 1.0 ? s : multiply(s, scale);
  }

  // ---------------------------------------------------------------- sum and mean

  /** Sum of all elements. */
  public static Tensor reduceSum(TensorLike x) {
    return reduceSum(x, null, false);
  }

  /** Sum over axes. */
  public static Tensor reduceSum(TensorLike x, int... axis) {
    return reduceSum(x, axis, false);
  }

  /** Sum over axes, keeping them as size 1 when {@code keepDims}. */
  public static Tensor reduceSum(TensorLike x, int[] axis, boolean keepDims) {
    Tensor a = t(x);
    int[] axes = resolve("Sum", a, axis);
    Tensor out = wrap(reduce("Sum", a, axes, keepDims));
    return record1("Sum", out, g -> new Tensor[] {spreadAll(g, a, axes, 1.0)}, a);
  }

  /** Mean of all elements. */
  public static Tensor reduceMean(TensorLike x) {
    return reduceMean(x, null, false);
  }

  /** Mean over axes. */
  public static Tensor reduceMean(TensorLike x, int... axis) {
    return reduceMean(x, axis, false);
  }

  /** Mean over axes, keeping them when {@code keepDims}. */
  public static Tensor reduceMean(TensorLike x, int[] axis, boolean keepDims) {
    Tensor a = t(x);
    requireFloating("Mean", a);
    int[] axes = resolve("Mean", a, axis);
    long count = 1;
    for (int ax : axes) {
      count *= a.shape()[ax];
    }
    double scale = 1.0 / Math.max(count, 1);
    Tensor out = wrap(reduce("Mean", a, axes, keepDims));
    return record1("Mean", out, g -> new Tensor[] {spreadAll(g, a, axes, scale)}, a);
  }

  // ---------------------------------------------------------------- max, min, prod

  /** Maximum of all elements. */
  public static Tensor reduceMax(TensorLike x) {
    return reduceMax(x, null, false);
  }

  public static Tensor reduceMax(TensorLike x, int... axis) {
    return reduceMax(x, axis, false);
  }

  /** Maximum over axes; ties share the gradient equally, as TensorFlow. */
  public static Tensor reduceMax(TensorLike x, int[] axis, boolean keepDims) {
    return extremum("Max", t(x), axis, keepDims);
  }

  public static Tensor reduceMin(TensorLike x) {
    return reduceMin(x, null, false);
  }

  public static Tensor reduceMin(TensorLike x, int... axis) {
    return reduceMin(x, axis, false);
  }

  /** Minimum over axes; ties share the gradient equally. */
  public static Tensor reduceMin(TensorLike x, int[] axis, boolean keepDims) {
    return extremum("Min", t(x), axis, keepDims);
  }

  private static Tensor extremum(String op, Tensor a, int[] axis, boolean keepDims) {
    int[] axes = resolve(op, a, axis);
    Tensor out = wrap(reduce(op, a, axes, keepDims));
    return record1(op, out, g -> {
      Tensor y = spread(out, a, axes);
      Tensor indicators = Ops.cast(equal(y, a), a.dtype());
      Tensor count = spread(reduceSum(indicators, axes, true), a, axes);
      return new Tensor[] {divide(multiply(indicators, spread(g, a, axes)), count)};
    }, a);
  }

  public static Tensor reduceProd(TensorLike x) {
    return reduceProd(x, null, false);
  }

  public static Tensor reduceProd(TensorLike x, int... axis) {
    return reduceProd(x, axis, false);
  }

  /**
   * Product over axes. The gradient of each element is the product of the other elements of its group,
   * as TensorFlow's: exact with one zero or several (prod / x is NaN there), and differentiable again.
   */
  public static Tensor reduceProd(TensorLike x, int[] axis, boolean keepDims) {
    Tensor a = t(x);
    int[] axes = resolve("Prod", a, axis);
    Tensor out = wrap(reduce("Prod", a, axes, keepDims));
    return record1("Prod", out, g -> new Tensor[] {multiply(spread(g, a, axes), productOfOthers(a, axes))}, a);
  }

  /**
   * Each element's product of the other elements of its reduction group (TensorFlow's _ProdGrad): the
   * reduced axes move to the front and flatten to n rows, and the exclusive cumulative products of the rows
   * from both ends multiply. No division, and every step is a recorded op (slice, pad, multiply).
   */
  private static Tensor productOfOthers(Tensor a, int[] axes) {
    long[] s = a.shape();
    boolean[] reduced = new boolean[s.length];
    for (int ax : axes) {
      reduced[ax] = true;
    }
    int[] perm = new int[s.length];
    int k = 0;
    long n = 1;
    for (int d = 0; d < s.length; d++) {
      if (reduced[d]) {
        perm[k++] = d;
        n *= s[d];
      }
    }
    boolean moves = false;
    for (int d = 0; d < s.length; d++) {
      if (!reduced[d]) {
        moves |= k != d;
        perm[k++] = d;
      }
    }
    if (n <= 1 || a.size() == 0) {
      return Ops.onesLike(a);
    }
    Tensor moved = moves ? Ops.transpose(a, perm) : a;
    Tensor rows = Ops.reshape(moved, n, -1);
    Tensor others = Ops.reshape(multiply(exclusiveCumprod(rows, false), exclusiveCumprod(rows, true)), moved.shape());
    if (!moves) {
      return others;
    }
    int[] inverse = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      inverse[perm[i]] = i;
    }
    return Ops.transpose(others, inverse);
  }

  /**
   * Row i of the result is the product of rows 0..i-1 of {@code rows} (of rows i+1..n-1 when {@code reverse});
   * log2(n) doubling steps.
   */
  private static Tensor exclusiveCumprod(Tensor rows, boolean reverse) {
    long n = rows.shape()[0];
    Tensor c = shiftRows(rows, 1, reverse);
    for (long k = 1; k < n; k *= 2) {
      c = multiply(c, shiftRows(c, k, reverse));
    }
    return c;
  }

  /** Rows moved down by k (up when {@code reverse}), the vacated rows filled with ones. */
  private static Tensor shiftRows(Tensor rows, long k, boolean reverse) {
    long n = rows.shape()[0];
    if (k >= n) {
      return Ops.onesLike(rows);
    }
    Tensor kept = Ops.slice(rows, new long[] {reverse ? k : 0, 0}, new long[] {n - k, -1});
    return Ops.pad(kept, new long[][] {{reverse ? 0 : k, reverse ? k : 0}, {0, 0}}, 1.0);
  }

  /** log(sum(exp(x))) computed stably by shifting with the (gradient-stopped) maximum. */
  public static Tensor reduceLogSumExp(TensorLike x, int[] axis, boolean keepDims) {
    Tensor a = t(x);
    int[] axes = resolve("LogSumExp", a, axis);
    Tensor m = Ops.stopGradient(reduceMax(a, axes, true));
    Tensor finiteM = Ops.where(Ops.isFinite(m), m, Ops.zerosLike(m));
    Tensor lse = add(log(reduceSum(exp(subtract(a, finiteM)), axes, true)), finiteM);
    return keepDims ? lse : Ops.reshape(lse, reducedShape(a.shape(), axes, false));
  }

  public static Tensor reduceLogSumExp(TensorLike x) {
    return reduceLogSumExp(x, null, false);
  }

  public static Tensor reduceLogSumExp(TensorLike x, int... axis) {
    return reduceLogSumExp(x, axis, false);
  }

  // ---------------------------------------------------------------- arg max / min (not differentiable)

  /** Index of the largest value along an axis, int64 ({@code tf.math.argmax}). */
  public static Tensor argMax(TensorLike x, int axis) {
    Tensor a = t(x);
    int ax = Shapes.axis("ArgMax", axis, a.rank());
    return wrap(a.array().argMax(ax).castTo(DataType.LONG));
  }

  /** Index of the largest value along axis 0. */
  public static Tensor argMax(TensorLike x) {
    return argMax(x, 0);
  }

  /** Index of the smallest value along an axis, int64. */
  public static Tensor argMin(TensorLike x, int axis) {
    Tensor a = t(x);
    int ax = Shapes.axis("ArgMin", axis, a.rank());
    return wrap(org.nd4j.linalg.factory.Nd4j.argMin(a.array(), ax).castTo(DataType.LONG));
  }

  public static Tensor argMin(TensorLike x) {
    return argMin(x, 0);
  }
}

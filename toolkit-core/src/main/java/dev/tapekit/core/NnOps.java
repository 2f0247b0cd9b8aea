package dev.tapekit.core;

import dev.tapekit.core.kernels.Buffers;
import dev.tapekit.core.kernels.FastKernels;
import dev.tapekit.core.kernels.Elementwise;
import dev.tapekit.core.kernels.Gemm;
import dev.tapekit.core.kernels.SoftmaxCrossEntropy;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Matrix products, activations, softmax and the cross-entropy losses of {@code tf.nn}. */
abstract class NnOps extends ArrayOps {
  NnOps() {}

  // ---------------------------------------------------------------- matmul

  /**
   * Matrix product of the last two axes ({@code tf.linalg.matmul}); leading axes are a batch and broadcast
   * with NumPy's rules ({@code [2, 3, 4] x [4, 5]}, {@code [2, 3, 4] x [1, 4, 5]} give {@code [2, 3, 5]}).
   */
  public static Tensor matmul(TensorLike x, TensorLike y) {
    return matmul(x, y, false, false);
  }

  /** Matrix product with either operand transposed first (fused into the BLAS call). */
  public static Tensor matmul(TensorLike x, TensorLike y, boolean transposeA, boolean transposeB) {
    Tensor a = t(x), b = t(y);
    sameDType("MatMul", a, b);
    requireFloating("MatMul", a);
    long[] as = a.shape(), bs = b.shape();
    if (as.length < 2 || bs.length < 2) {
      throw new IllegalArgumentException("MatMul: operands must have rank >= 2, got shapes " + Shapes.str(as)
          + " and " + Shapes.str(bs));
    }
    int ra = as.length, rb = bs.length;
    long m = transposeA ? as[ra - 1] : as[ra - 2];
    long inner1 = transposeA ? as[ra - 2] : as[ra - 1];
    long inner2 = transposeB ? bs[rb - 1] : bs[rb - 2];
    long n = transposeB ? bs[rb - 2] : bs[rb - 1];
    long[] batch = batchBroadcast(Arrays.copyOf(as, ra - 2), Arrays.copyOf(bs, rb - 2));
    if (inner1 != inner2 || batch == null) {
      throw new IllegalArgumentException("MatMul: cannot multiply shapes " + Shapes.str(as)
          + (transposeA ? "^T" : "") + " and " + Shapes.str(bs) + (transposeB ? "^T" : ""));
    }
    long[] outShape = Arrays.copyOf(batch, batch.length + 2);
    outShape[batch.length] = m;
    outShape[batch.length + 1] = n;
    // [..., m, k] x [k, n]: one 2-D product of all rows, as TensorFlow folds the batch into the rows
    boolean fold = ra > 2 && rb == 2 && !transposeA && a.size() > 0 && b.size() > 0;
    INDArray out;
    if (a.size() == 0 || b.size() == 0) {
      // NOTE: BLAS and Nd4j.gemm reject empty operands; the product is empty, or zeros when k = 0
      out = Nd4j.zeros(a.array().dataType(), outShape);
    } else if (ra == 2 && rb == 2) {
      out = product(a.array(), b.array(), transposeA, transposeB);
    } else if (fold) {
      INDArray rows = a.array().reshape('c', a.size() / inner1, inner1);
      out = product(rows, b.array(), false, transposeB).reshape('c', outShape);
    } else {
      out = Nd4j.matmul(bcast(a.array(), withBatch(batch, as)), bcast(b.array(), withBatch(batch, bs)), null,
          transposeA, transposeB, false);
    }
    return record1("MatMul", wrap(out), g -> {
      // TensorFlow's _MatMulGrad, one case per pair of flags; only the gradients the tape needs. Each is
      // summed over the batch axes its input was broadcast along (TensorFlow's BatchMatMulV2 gradient).
      boolean da = GradFn.needs(0);
      boolean db = GradFn.needs(1);
      Tensor[] r;
      if (fold) {
        // the folded rows again: b's gradient is one 2-D product, no [batch..., k, n] intermediate
        Tensor a2 = Ops.reshape(a, -1, inner1);
        Tensor g2 = Ops.reshape(g, -1, n);
        r = new Tensor[] {da ? (transposeB ? matmul(g, b) : matmul(g, b, false, true)) : null,
            db ? (transposeB ? matmul(g2, a2, true, false) : matmul(a2, g2, true, false)) : null};
      } else if (!transposeA && !transposeB) {
        r = new Tensor[] {da ? matmul(g, b, false, true) : null, db ? matmul(a, g, true, false) : null};
      } else if (!transposeA) {
        r = new Tensor[] {da ? matmul(g, b, false, false) : null, db ? matmul(g, a, true, false) : null};
      } else if (!transposeB) {
        r = new Tensor[] {da ? matmul(b, g, false, true) : null, db ? matmul(a, g, false, false) : null};
      } else {
        r = new Tensor[] {da ? matmul(b, g, true, true) : null, db ? matmul(g, a, true, true) : null};
      }
      return new Tensor[] {r[0] == null ? null : sumTo(r[0], as), r[1] == null ? null : sumTo(r[1], bs)};
    }, a, b);
  }

  /** NumPy's broadcast of two batch shapes, or null when they are incompatible. */
  /** A 2-D product: CBLAS on ND4J's host buffers when tapekit's kernels may run, else ND4J's own gemm. */
  private static INDArray product(INDArray a, INDArray b, boolean transposeA, boolean transposeB) {
    return FastKernels.enabled() ? Gemm.multiply(a, b, transposeA, transposeB)
        : Nd4j.gemm(a, b, transposeA, transposeB);
  }

  private static long[] batchBroadcast(long[] a, long[] b) {
    try {
      return Shapes.broadcast("MatMul", a, b);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The batch shape followed by the operand's last two dimensions. */
  private static long[] withBatch(long[] batch, long[] shape) {
    long[] s = Arrays.copyOf(batch, batch.length + 2);
    s[batch.length] = shape[shape.length - 2];
    s[batch.length + 1] = shape[shape.length - 1];
    return s;
  }

  /** Adds a bias vector along the last axis ({@code tf.nn.bias_add}, NHWC). */
  public static Tensor biasAdd(TensorLike value, TensorLike bias) {
    Tensor v = t(value), b = t(bias);
    checkBias("BiasAdd", v, b);
    INDArray out = FastKernels.enabled() && Elementwise.applies(v.array(), b.array())
        ? Elementwise.addBias(v.array(), b.array())
        : Nd4j.exec(new AddOp(v.array(), b.array()))[0];
    return record1("BiasAdd", wrap(out), g -> new Tensor[] {g, biasGradient(g, b)}, v, b);
  }

  /**
   * {@code relu(biasAdd(value, bias))} as one op: the BiasAdd + Relu fusion TensorFlow's graph optimizer
   * makes for Dense and Conv2D layers. One pass over the activation forward and one backward instead of
   * two each; the same values and gradients as the two ops.
   */
  public static Tensor biasAddRelu(TensorLike value, TensorLike bias) {
    Tensor v = t(value), b = t(bias);
    checkBias("BiasAddRelu", v, b);
    requireFloating("BiasAddRelu", v);
    INDArray out = FastKernels.enabled() && Elementwise.applies(v.array(), b.array())
        ? Elementwise.addBiasRelu(v.array(), b.array())
        : Transforms.relu(Nd4j.exec(new AddOp(v.array(), b.array()))[0], false);
    Tensor y = wrap(out);
    return record1("BiasAddRelu", y, g -> {
      // first order: one pass
      if (!Tapes.recording() && FastKernels.enabled() && Elementwise.applies(g.array(), y.array())) {
        INDArray[] r = Elementwise.biasReluGrad(g.array(), y.array(), b.shape());
        return new Tensor[] {wrap(r[0]), GradFn.needs(1) ? wrap(r[1]) : null};
      }
      // relu's mask from the output: y > 0 exactly where value + bias > 0
      Tensor masked = reluGrad(g, y);
      return new Tensor[] {masked, GradFn.needs(1) ? sumTo(masked, b.shape()) : null};
    }, v, b);
  }

  private static void checkBias(String op, Tensor v, Tensor b) {
    if (b.rank() != 1 || v.rank() < 1 || v.shape()[v.rank() - 1] != b.shape()[0]) {
      throw new IllegalArgumentException(op + ": bias of shape " + Shapes.str(b.shape())
          + " must be a vector matching the last dimension of value of shape " + Shapes.str(v.shape()));
    }
    sameDType(op, v, b);
  }

  /** The sum of {@code g} over all axes but the last (TensorFlow's BiasAddGrad). */
  private static Tensor biasGradient(Tensor g, Tensor bias) {
    if (!GradFn.needs(1)) {
      return null;
    }
    if (!Tapes.recording() && FastKernels.enabled() && Elementwise.applies(g.array())) {
      return wrap(Elementwise.sumToLastAxis(g.array(), bias.shape()));
    }
    return sumTo(g, bias.shape());
  }

  // ---------------------------------------------------------------- activations

  /** max(x, 0); the gradient at 0 is 0, as TensorFlow. */
  public static Tensor relu(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Relu", a);
    Tensor out = wrap(FastKernels.enabled() && Elementwise.applies(a.array())
        ? Elementwise.relu(a.array()) : Transforms.relu(a.array(), true));
    return record1("Relu", out, g -> new Tensor[] {reluGrad(g, a)}, a);
  }

  /**
   * The gradient of relu: {@code gradients} where {@code features > 0}, else 0 (TensorFlow's ReluGrad,
   * one fused op). Linear in {@code gradients}, so it is its own gradient there; zero almost everywhere
   * in {@code features}.
   */
  public static Tensor reluGrad(TensorLike gradients, TensorLike features) {
    Tensor g = t(gradients), a = t(features);
    sameDType("ReluGrad", a, g);
    if (!Arrays.equals(a.shape(), g.shape())) {
      throw new IllegalArgumentException("ReluGrad: gradients of shape " + Shapes.str(g.shape())
          + " and features of shape " + Shapes.str(a.shape()) + " must match");
    }
    Tensor out = wrap(FastKernels.enabled() && Elementwise.applies(a.array(), g.array())
        ? Elementwise.reluGrad(g.array(), a.array())
        : exec("relu_bp", new INDArray[] {a.array(), g.array()}, null, new double[] {0.0}, null));
    return record1("ReluGrad", out, up -> new Tensor[] {reluGrad(up, a), null}, g, a);
  }

  /** min(max(x, 0), 6). */
  public static Tensor relu6(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Relu6", a);
    Tensor out = wrap(Transforms.relu6(a.array(), true));
    return record1("Relu6", out,
        g -> new Tensor[] {where(logicalAnd(greater(a, 0.0), less(a, 6.0)), g, zerosLike(g))}, a);
  }

  /** x where x > 0, alpha * x elsewhere ({@code tf.nn.leaky_relu}, alpha 0.2). */
  public static Tensor leakyRelu(TensorLike x, double alpha) {
    Tensor a = t(x);
    return where(greater(a, 0.0), a, multiply(a, alpha));
  }

  public static Tensor leakyRelu(TensorLike x) {
    return leakyRelu(x, 0.2);
  }

  /** Exponential linear unit, alpha 1 ({@code tf.nn.elu}). */
  public static Tensor elu(TensorLike x) {
    return elu(x, 1.0);
  }

  /** x where x > 0, alpha * (e^x - 1) elsewhere (Keras's elu with alpha). */
  public static Tensor elu(TensorLike x, double alpha) {
    Tensor a = t(x);
    Tensor negative = minimum(a, 0.0);
    return where(greater(a, 0.0), a, multiply(expm1(negative), alpha));
  }

  /** Scaled ELU with the self-normalising constants. */
  public static Tensor selu(TensorLike x) {
    double alpha = 1.6732632423543772848170429916717;
    double scale = 1.0507009873554804934193349852946;
    return multiply(elu(x, alpha), scale);
  }

  /** Gaussian error linear unit, exact form: x * Phi(x). */
  public static Tensor gelu(TensorLike x) {
    return gelu(x, false);
  }

  /** GELU; {@code approximate} uses the tanh form, as {@code tf.nn.gelu}. */
  public static Tensor gelu(TensorLike x, boolean approximate) {
    Tensor a = t(x);
    if (approximate) {
      Tensor inner = multiply(add(a, multiply(pow(a, 3.0), 0.044715)), Math.sqrt(2.0 / Math.PI));
      return multiply(multiply(a, 0.5), add(tanh(inner), 1.0));
    }
    return multiply(multiply(a, 0.5), add(erf(multiply(a, 1.0 / Math.sqrt(2.0))), 1.0));
  }

  /** 1 / (1 + e^-x). */
  public static Tensor sigmoid(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Sigmoid", a);
    Tensor out = wrap(Transforms.sigmoid(a.array(), true));
    return record1("Sigmoid", out, g -> new Tensor[] {multiply(g, multiply(out, subtract(1.0, out)))}, a);
  }

  /** Keras 3's hard sigmoid: relu6(x + 3) / 6. */
  public static Tensor hardSigmoid(TensorLike x) {
    return divide(relu6(add(x, 3.0)), 6.0);
  }

  /** log(1 + e^x), computed stably: about e^x for very negative x, x for large x. */
  public static Tensor softplus(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Softplus", a);
    // NOTE: max(x, 0) + log1p(exp(-|x|)) in double per element never overflows, unlike log(1 + exp(x)), and
    // keeps e^x's digits for x < -17, where log(1 + e^x) rounds 1 + e^x to 1 and returns 0.
    INDArray out = perElement(a.array(), v -> Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))));
    return record1("Softplus", wrap(out), g -> new Tensor[] {multiply(g, sigmoid(a))}, a);
  }

  /** x / (1 + |x|). */
  public static Tensor softsign(TensorLike x) {
    Tensor a = t(x);
    return divide(a, add(abs(a), 1.0));
  }

  /** x * sigmoid(x) (also called SiLU). */
  public static Tensor swish(TensorLike x) {
    Tensor a = t(x);
    return multiply(a, sigmoid(a));
  }

  // ---------------------------------------------------------------- softmax

  /** Softmax along the last axis. */
  public static Tensor softmax(TensorLike logits) {
    return softmax(logits, -1);
  }

  /** Softmax along an axis. */
  public static Tensor softmax(TensorLike logits, int axis) {
    Tensor a = t(logits);
    requireFloating("Softmax", a);
    int ax = Shapes.axis("Softmax", axis, a.rank());
    Tensor out = wrap(exec("softmax", new INDArray[] {a.array()}, new int[] {ax}, null, null));
    return record1("Softmax", out, g -> new Tensor[] {
        multiply(out, subtract(g, reduceSum(multiply(g, out), new int[] {ax}, true)))}, a);
  }

  /** log(softmax(x)) along the last axis, computed stably. */
  public static Tensor logSoftmax(TensorLike logits) {
    return logSoftmax(logits, -1);
  }

  /** log(softmax(x)) along an axis. */
  public static Tensor logSoftmax(TensorLike logits, int axis) {
    Tensor a = t(logits);
    requireFloating("LogSoftmax", a);
    int ax = Shapes.axis("LogSoftmax", axis, a.rank());
    Tensor out = wrap(stableLogSoftmax(a.array(), ax));
    return record1("LogSoftmax", out, g -> new Tensor[] {
        subtract(g, multiply(exp(out), reduceSum(g, new int[] {ax}, true)))}, a);
  }

  /**
   * log(softmax(x)) along an axis as x - max - log(sum(exp(x - max))).
   * NOTE: libnd4j's log_softmax takes log of the softmax, which underflows to -inf for logits far apart.
   */
  static INDArray stableLogSoftmax(INDArray x, int axis) {
    INDArray shifted = x.sub(x.max(true, axis));
    INDArray lse = Transforms.log(Transforms.exp(shifted, true).sum(true, axis), false);
    return shifted.subi(lse);
  }

  private static float[] toFloats(double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return f;
  }

  // ---------------------------------------------------------------- losses of tf.nn

  /**
   * Per-example cross-entropy between label distributions and logits along {@code axis}
   * ({@code tf.nn.softmax_cross_entropy_with_logits}); both inputs get gradients.
   */
  public static Tensor softmaxCrossEntropyWithLogits(TensorLike labels, TensorLike logits, int axis) {
    Tensor z = t(labels), a = t(logits);
    sameDType("SoftmaxCrossEntropyWithLogits", a, z);
    if (!Arrays.equals(z.shape(), a.shape())) {
      throw new IllegalArgumentException("SoftmaxCrossEntropyWithLogits: labels of shape " + Shapes.str(z.shape())
          + " and logits of shape " + Shapes.str(a.shape()) + " must match");
    }
    int ax = Shapes.axis("SoftmaxCrossEntropyWithLogits", axis, a.rank());
    if (ax != a.rank() - 1 || !FastKernels.enabled()) {
      return softmaxCrossEntropyAlong(z, a, ax);
    }
    int classes = (int) a.shape()[ax];
    long[] rowShape = Arrays.copyOf(a.shape(), ax);
    double[] zs = Buffers.doubles(z.array());
    SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.dense(a.array(), classes, zs);
    Tensor out = wrap(ce.loss(rowShape));
    return record1("SoftmaxCrossEntropyWithLogits", out, g -> {
      if (!Tapes.recording()) { // first order: one fused pass (the formulas below, computed in Java)
        return new Tensor[] {GradFn.needs(0) ? wrap(ce.denseLabelsGradient(g.array(), z.shape())) : null,
            GradFn.needs(1) ? wrap(ce.denseLogitsGradient(g.array(), zs, a.shape())) : null};
      }
      return softmaxCrossEntropyRule(g, z, a, ax);
    }, z, a);
  }

  /** The cross-entropy along an inner axis, with ND4J ops. */
  private static Tensor softmaxCrossEntropyAlong(Tensor z, Tensor a, int ax) {
    INDArray logSm = stableLogSoftmax(a.array(), ax);
    Tensor out = wrap(logSm.mul(z.array()).sum(ax).negi());
    return record1("SoftmaxCrossEntropyWithLogits", out, g -> softmaxCrossEntropyRule(g, z, a, ax), z, a);
  }

  /** The gradient in differentiable ops, so that second-order gradients work. */
  private static Tensor[] softmaxCrossEntropyRule(Tensor g, Tensor z, Tensor a, int ax) {
    Tensor gk = expandDims(g, ax);
    Tensor ls = logSoftmax(a, ax);
    Tensor dLogits = multiply(gk, subtract(multiply(exp(ls), reduceSum(z, new int[] {ax}, true)), z));
    Tensor dLabels = multiply(gk, negative(ls));
    return new Tensor[] {dLabels, dLogits};
  }

  /** Softmax cross-entropy along the last axis. */
  public static Tensor softmaxCrossEntropyWithLogits(TensorLike labels, TensorLike logits) {
    return softmaxCrossEntropyWithLogits(labels, logits, -1);
  }

  /**
   * Per-example cross-entropy with integer class labels ({@code tf.nn.sparse_softmax_cross_entropy_with_logits}):
   * labels of shape [d...], logits of shape [d..., classes].
   */
  public static Tensor sparseSoftmaxCrossEntropyWithLogits(TensorLike labels, TensorLike logits) {
    Tensor y = t(labels), a = t(logits);
    requireFloating("SparseSoftmaxCrossEntropyWithLogits", a);
    long[] ls = a.shape();
    if (y.dtype().isFloating() || y.rank() != a.rank() - 1
        || !Arrays.equals(y.shape(), Arrays.copyOf(ls, ls.length - 1))) {
      throw new IllegalArgumentException("SparseSoftmaxCrossEntropyWithLogits: labels must be integers of shape "
          + Shapes.str(Arrays.copyOf(ls, ls.length - 1)) + " for logits of shape " + Shapes.str(ls) + ", got "
          + y.dtype() + " labels of shape " + Shapes.str(y.shape()));
    }
    int classes = (int) ls[ls.length - 1];
    // NOTE: labels are read once into Java: the range check and the one-hot cost no native reductions.
    long[] ids = y.toLongArray();
    for (long id : ids) {
      if (id < 0 || id >= classes) {
        throw new IllegalArgumentException("SparseSoftmaxCrossEntropyWithLogits: received a label value of "
            + id + " which is outside the valid range of [0, " + classes + ")");
      }
    }
    if (!FastKernels.enabled()) { // ND4J's ops: the one-hot labels against the log-softmax
      Tensor hot = oneHot(ids, classes, a);
      int last = a.rank() - 1;
      Tensor out = wrap(stableLogSoftmax(a.array(), last).muli(hot.array()).sum(last).negi());
      return record1("SparseSoftmaxCrossEntropyWithLogits", out,
          g -> new Tensor[] {null, multiply(expandDims(g, -1), subtract(softmax(a, -1), hot))}, y, a);
    }
    SoftmaxCrossEntropy ce = SoftmaxCrossEntropy.sparse(a.array(), classes, ids);
    Tensor out = wrap(ce.loss(y.shape()));
    return record1("SparseSoftmaxCrossEntropyWithLogits", out, g -> {
      if (!Tapes.recording()) { // first order: one fused pass computing the formula below
        return new Tensor[] {null, wrap(ce.sparseGradient(g.array(), ids, ls))};
      }
      return new Tensor[] {null, multiply(expandDims(g, -1), subtract(softmax(a, -1), oneHot(ids, classes, a)))};
    }, y, a);
  }

  private static Tensor oneHot(long[] ids, int classes, Tensor like) {
    double[] hot = new double[ids.length * classes];
    for (int i = 0; i < ids.length; i++) {
      hot[i * classes + (int) ids[i]] = 1.0;
    }
    long[] shape = Arrays.copyOf(like.shape(), like.rank());
    return like.dtype() == DType.FLOAT64 ? Tensor.of(hot, shape) : Tensor.of(toFloats(hot), shape);
  }

  /**
   * Elementwise logistic loss from logits, stable for large |x| ({@code tf.nn.sigmoid_cross_entropy_with_logits}):
   * max(x, 0) - x * z + log(1 + e^-|x|), written as TensorFlow writes it so the gradient at 0 is exact.
   */
  public static Tensor sigmoidCrossEntropyWithLogits(TensorLike labels, TensorLike logits) {
    Tensor z = t(labels), x = t(logits);
    sameDType("SigmoidCrossEntropyWithLogits", x, z);
    if (!Arrays.equals(z.shape(), x.shape())) {
      throw new IllegalArgumentException("SigmoidCrossEntropyWithLogits: labels of shape " + Shapes.str(z.shape())
          + " and logits of shape " + Shapes.str(x.shape()) + " must match");
    }
    Tensor cond = greaterEqual(x, 0.0);
    Tensor zeros = zerosLike(x);
    Tensor reluLogits = where(cond, x, zeros);
    Tensor negAbsLogits = where(cond, negative(x), x);
    return add(subtract(reluLogits, multiply(x, z)), log1p(exp(negAbsLogits)));
  }

  /** sum(x^2) / 2 ({@code tf.nn.l2_loss}). */
  public static Tensor l2Loss(TensorLike t) {
    return divide(reduceSum(square(t)), 2.0);
  }
}

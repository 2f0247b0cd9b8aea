package dev.tapekit.core;

import dev.tapekit.core.kernels.Buffers;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shared plumbing of the op families. {@link Ops} is split over package-private classes by family
 * (math, reductions, arrays, neural-network, convolution, random) that extend one another, so users see
 * one flat {@code Ops} namespace while each file stays small.
 */
abstract class OpSupport {
  OpSupport() {}

  /** Reads an op input (a variable read is recorded on active tapes). */
  static Tensor t(TensorLike x) {
    if (x == null) {
      throw new IllegalArgumentException("op input is null");
    }
    return x.read();
  }

  static Tensor wrap(INDArray a) {
    return Tensor.wrap(a);
  }

  /** Records a single-output op. */
  static Tensor record(String op, Tensor out, GradFn rule, Tensor... inputs) {
    return Tapes.record(op, out, rule, inputs);
  }

  /** Records a single-output op whose rule sees only the output's upstream gradient. */
  static Tensor record1(String op, Tensor out, java.util.function.Function<Tensor, Tensor[]> rule,
      Tensor... inputs) {
    return Tapes.record(op, out, up -> rule.apply(up[0]), inputs);
  }

  /** Runs a libnd4j custom op by name and returns its first output. */
  static INDArray exec(String name, INDArray[] inputs, int[] iargs, double[] targs, boolean[] bargs) {
    DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(name).addInputs(inputs);
    if (iargs != null && iargs.length > 0) {
      b.addIntegerArguments(iargs);
    }
    if (targs != null && targs.length > 0) {
      b.addFloatingPointArguments(Arrays.stream(targs).boxed().toArray(Double[]::new));
    }
    if (bargs != null && bargs.length > 0) {
      b.addBooleanArguments(bargs);
    }
    return Nd4j.exec(b.build())[0];
  }

  /** Runs a legacy (strict) transform into its preallocated output and returns that output. */
  static INDArray strict(org.nd4j.linalg.api.ops.BaseTransformOp op) {
    Nd4j.getExecutioner().exec(op);
    return op.z();
  }

  /** Runs a libnd4j custom op and returns all outputs. */
  static INDArray[] execAll(String name, INDArray[] inputs, int[] iargs) {
    DynamicCustomOp.DynamicCustomOpsBuilder b = DynamicCustomOp.builder(name).addInputs(inputs);
    if (iargs != null && iargs.length > 0) {
      b.addIntegerArguments(iargs);
    }
    return Nd4j.exec(b.build());
  }

  /** Both operands must share a dtype, as in TensorFlow (no silent promotion). */
  static void sameDType(String op, Tensor x, Tensor y) {
    if (x.dtype() != y.dtype()) {
      throw new IllegalArgumentException("cannot compute " + op + " as input #1(zero-based) was expected to be a "
          + x.dtype() + " tensor but is a " + y.dtype() + " tensor");
    }
  }

  static void requireFloating(String op, Tensor x) {
    if (!x.dtype().isFloating()) {
      throw new IllegalArgumentException(op + ": expected a float32 or float64 tensor, got " + x.dtype());
    }
  }

  /** A scalar operand in {@code like}'s dtype. */
  static Tensor scalarLike(double v, Tensor like) {
    if (like.dtype() == DType.FLOAT32 || like.dtype() == DType.FLOAT64) { // pooled, released with the step
      return wrap(Buffers.filled(new long[0], v, like.array().dataType()));
    }
    return Tensor.scalar(v, like.dtype());
  }

  /** Sums a broadcast gradient back to {@code shape} (the un-broadcast of the rules). */
  static Tensor sumTo(Tensor g, long[] shape) {
    long[] gs = g.shape();
    if (Arrays.equals(gs, shape)) {
      return g;
    }
    int[] axes = Shapes.broadcastAxes(shape, gs);
    Tensor s = axes.length == 0 ? g : Ops.reduceSum(g, axes, false);
    return Arrays.equals(s.shape(), shape) ? s : Ops.reshape(s, shape);
  }

  /** ND4J-level broadcast (no recording), a copy only when the shape changes. */
  static INDArray bcast(INDArray a, long[] shape) {
    if (Arrays.equals(a.shape(), shape)) {
      return a;
    }
    INDArray target = Nd4j.createFromArray(shape);
    return exec("broadcast_to", new INDArray[] {a, target}, null, null, null);
  }

  static long[] longs(int[] a) {
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i];
    }
    return out;
  }
}

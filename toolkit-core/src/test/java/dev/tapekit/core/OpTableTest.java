package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The op table: one row per differentiable op of {@link Ops} with sample inputs, gradient-checked in
 * float64 at first and second order against central finite differences.
 *
 * <p>Format of a row: {@code op(name, fn, inputs...)} where {@code name} is the {@code Ops} method,
 * {@code fn} applies it to the inputs (extra arguments fixed inline), and each input is a float64
 * tensor drawn uniformly from a domain chosen away from the op's kinks and poles ({@code in(lo, hi,
 * shape)}) or an integer tensor ({@code ints(...)}, not differentiated). {@code firstOrderOnly()}
 * marks rows whose second derivative is zero almost everywhere or undefined at the sample. Every public
 * {@code Ops} method must appear here or in {@link #NOT_DIFFERENTIABLE}: a new op without a row fails
 * {@link #everyOpHasARow()}.
 */
class OpTableTest {
  /** Ops without gradients by nature (integer/bool outputs, constants, random draws) or aliases. */
  static final Set<String> NOT_DIFFERENTIABLE = Set.of(
      "argMax", "argMin", "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual",
      "logicalAnd", "logicalOr", "logicalXor", "logicalNot", "isFinite", "zerosLike", "onesLike", "oneHot",
      "randomUniform", "randomNormal", "truncatedNormal", "stopGradient", "mul", "argsort", "linspace");

  record Input(long[] shape, double lo, double hi, boolean integer, long[] values) {}

  record OpSpec(String name, Function<List<Tensor>, Tensor> fn, List<Input> inputs, boolean secondOrder,
      double step) {
    OpSpec firstOrderOnly() {
      return new OpSpec(name, fn, inputs, false, step);
    }

    /** A larger finite-difference step, for rows that pass through float32. */
    OpSpec step(double h) {
      return new OpSpec(name, fn, inputs, secondOrder, h);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static OpSpec op(String name, Function<List<Tensor>, Tensor> fn, Input... inputs) {
    return new OpSpec(name, fn, List.of(inputs), true, 1e-6);
  }

  static Input in(double lo, double hi, long... shape) {
    return new Input(shape, lo, hi, false, null);
  }

  static Input ints(long[] values, long... shape) {
    return new Input(shape, 0, 0, true, values);
  }

  static Tensor x(List<Tensor> a) { return a.get(0); }
  static Tensor y(List<Tensor> a) { return a.get(1); }
  static Tensor z(List<Tensor> a) { return a.get(2); }

  static final List<OpSpec> TABLE = List.of(
      // arithmetic, broadcasting
      op("add", a -> Ops.add(x(a), y(a)), in(-2, 2, 2, 3), in(-2, 2, 3)),
      op("subtract", a -> Ops.subtract(x(a), y(a)), in(-2, 2, 2, 1), in(-2, 2, 1, 3)),
      op("multiply", a -> Ops.multiply(x(a), y(a)), in(-2, 2, 2, 3), in(-2, 2, 2, 1)),
      op("divide", a -> Ops.divide(x(a), y(a)), in(-2, 2, 2, 3), in(0.5, 2, 3)),
      op("negative", a -> Ops.negative(x(a)), in(-2, 2, 2, 3)),
      op("pow", a -> Ops.pow(x(a), y(a)), in(0.5, 2, 2, 3), in(-1.5, 2.5, 3)),
      op("square", a -> Ops.square(x(a)), in(-2, 2, 4)),
      op("squaredDifference", a -> Ops.squaredDifference(x(a), y(a)), in(-2, 2, 4), in(-2, 2, 4)),
      op("sqrt", a -> Ops.sqrt(x(a)), in(0.5, 3, 4)),
      op("rsqrt", a -> Ops.rsqrt(x(a)), in(0.5, 3, 4)),
      op("reciprocal", a -> Ops.reciprocal(x(a)), in(0.5, 3, 4)),
      op("exp", a -> Ops.exp(x(a)), in(-2, 2, 4)),
      op("log", a -> Ops.log(x(a)), in(0.5, 3, 4)),
      op("log1p", a -> Ops.log1p(x(a)), in(-0.5, 3, 4)),
      op("expm1", a -> Ops.expm1(x(a)), in(-2, 2, 4)),
      op("abs", a -> Ops.abs(x(a)), in(0.2, 2, 4)).firstOrderOnly(),
      op("sign", a -> Ops.multiply(Ops.sign(x(a)), x(a)), in(0.2, 2, 4)),
      op("maximum", a -> Ops.maximum(x(a), y(a)), in(-2, -0.5, 4), in(0.5, 2, 4)).firstOrderOnly(),
      op("minimum", a -> Ops.minimum(x(a), y(a)), in(-2, -0.5, 4), in(0.5, 2, 4)).firstOrderOnly(),
      op("clipByValue", a -> Ops.clipByValue(x(a), -0.5, 0.5), in(-0.4, 0.4, 4)).firstOrderOnly(),
      op("clipByNorm", a -> Ops.clipByNorm(x(a), 0.5), in(0.5, 1.5, 4)),
      op("erf", a -> Ops.erf(x(a)), in(-1.5, 1.5, 4)),
      // trigonometric and hyperbolic
      op("sin", a -> Ops.sin(x(a)), in(-3, 3, 4)),
      op("cos", a -> Ops.cos(x(a)), in(-3, 3, 4)),
      op("tan", a -> Ops.tan(x(a)), in(-1, 1, 4)),
      op("asin", a -> Ops.asin(x(a)), in(-0.8, 0.8, 4)),
      op("acos", a -> Ops.acos(x(a)), in(-0.8, 0.8, 4)),
      op("atan", a -> Ops.atan(x(a)), in(-2, 2, 4)),
      op("sinh", a -> Ops.sinh(x(a)), in(-2, 2, 4)),
      op("cosh", a -> Ops.cosh(x(a)), in(-2, 2, 4)),
      op("tanh", a -> Ops.tanh(x(a)), in(-2, 2, 4)),
      op("asinh", a -> Ops.asinh(x(a)), in(-2, 2, 4)),
      op("acosh", a -> Ops.acosh(x(a)), in(1.5, 3, 4)),
      op("atanh", a -> Ops.atanh(x(a)), in(-0.8, 0.8, 4)),
      // activations
      op("relu", a -> Ops.relu(x(a)), in(0.1, 1, 2, 2)).firstOrderOnly(),
      op("reluGrad", a -> Ops.reluGrad(x(a), Ops.subtract(y(a), 0.5)), in(-1, 1, 2, 3), in(0, 1, 2, 3)).firstOrderOnly(),
      op("relu6", a -> Ops.relu6(x(a)), in(0.5, 5.5, 4)).firstOrderOnly(),
      op("leakyRelu", a -> Ops.leakyRelu(Ops.add(x(a), y(a))), in(-2, -1, 2), in(1.5, 2, 2)).firstOrderOnly(),
      op("elu", a -> Ops.elu(x(a)), in(-2, -0.2, 4)),
      op("selu", a -> Ops.selu(x(a)), in(-2, -0.2, 4)),
      op("gelu", a -> Ops.add(Ops.gelu(x(a)), Ops.gelu(x(a), true)), in(-2, 2, 4)),
      op("sigmoid", a -> Ops.sigmoid(x(a)), in(-3, 3, 4)),
      op("hardSigmoid", a -> Ops.hardSigmoid(x(a)), in(-2.5, 2.5, 4)).firstOrderOnly(),
      op("softplus", a -> Ops.softplus(x(a)), in(-3, 3, 4)),
      op("softsign", a -> Ops.softsign(x(a)), in(0.2, 2, 4)),
      op("swish", a -> Ops.swish(x(a)), in(-3, 3, 4)),
      op("softmax", a -> Ops.softmax(x(a), 0), in(-2, 2, 3, 2)),
      op("logSoftmax", a -> Ops.logSoftmax(x(a)), in(-2, 2, 2, 3)),
      // reductions
      op("reduceSum", a -> Ops.reduceSum(x(a), new int[] {1}, true), in(-2, 2, 2, 3)),
      op("reduceMean", a -> Ops.reduceMean(x(a), 0), in(-2, 2, 2, 3)),
      op("reduceMax", a -> Ops.reduceMax(x(a), 1), in(-2, 2, 2, 3)).firstOrderOnly(),
      op("reduceMin", a -> Ops.reduceMin(x(a)), in(-2, 2, 2, 3)).firstOrderOnly(),
      op("reduceProd", a -> Ops.reduceProd(x(a), 1), in(0.5, 2, 2, 3)),
      op("reduceLogSumExp", a -> Ops.reduceLogSumExp(x(a), 1), in(-2, 2, 2, 3)),
      // linear algebra
      op("matmul", a -> Ops.add(Ops.matmul(x(a), y(a)), Ops.matmul(y(a), x(a), true, true)),
          in(-1, 1, 2, 3), in(-1, 1, 3, 2)),
      op("biasAdd", a -> Ops.biasAdd(x(a), y(a)), in(-1, 1, 2, 3), in(-1, 1, 3)),
      // both sides of relu's kink, away from it: x + y > 0.2 and -x + y < -0.2
      op("biasAddRelu", a -> Ops.add(Ops.biasAddRelu(x(a), y(a)), Ops.biasAddRelu(Ops.negative(x(a)), y(a))),
          in(0.3, 1, 2, 3), in(-0.1, 0.1, 3)),
      // shapes
      op("identity", a -> Ops.identity(x(a)), in(-1, 1, 3)),
      op("cast", a -> Ops.cast(Ops.cast(x(a), DType.FLOAT32), DType.FLOAT64), in(-1, 1, 3)).firstOrderOnly().step(1e-2),
      op("reshape", a -> Ops.reshape(x(a), 3, -1), in(-1, 1, 2, 3)),
      op("transpose", a -> Ops.add(Ops.transpose(x(a)), Ops.transpose(Ops.reshape(x(a), 1, 2, 3), 2, 0, 1)
          .reshape(3, 2)), in(-1, 1, 2, 3)),
      op("expandDims", a -> Ops.expandDims(x(a), -1), in(-1, 1, 2, 3)),
      op("squeeze", a -> Ops.add(Ops.squeeze(x(a)), Ops.squeeze(x(a), 0)), in(-1, 1, 1, 3)),
      op("broadcastTo", a -> Ops.broadcastTo(x(a), 2, 2, 3), in(-1, 1, 1, 3)),
      op("concat", a -> Ops.concat(List.of(x(a), y(a)), 1), in(-1, 1, 2, 1), in(-1, 1, 2, 3)),
      op("stack", a -> Ops.stack(List.of(x(a), y(a)), 1), in(-1, 1, 2, 3), in(-1, 1, 2, 3)),
      op("unstack", a -> Ops.multiply(Ops.unstack(x(a), 1).get(0), Ops.unstack(x(a), 1).get(2)), in(-1, 1, 2, 3)),
      op("split", a -> Ops.multiply(Ops.split(x(a), new long[] {1, 2}, 1).get(0),
          Ops.reduceSum(Ops.split(x(a), 3, 1).get(2))), in(-1, 1, 2, 3)),
      op("slice", a -> Ops.slice(x(a), new long[] {0, 1}, new long[] {2, -1}), in(-1, 1, 2, 3)),
      op("pad", a -> Ops.pad(x(a), new long[][] {{1, 0}, {0, 2}}, 0.5), in(-1, 1, 2, 3)),
      op("tile", a -> Ops.tile(x(a), 2, 3), in(-1, 1, 2, 2)),
      op("gather", a -> Ops.add(Ops.gather(x(a), y(a), 0), Ops.gather(x(a), y(a), 1)),
          in(-1, 1, 3, 3), ints(new long[] {2, 0, 2}, 3)),
      op("unsortedSegmentSum", a -> Ops.unsortedSegmentSum(x(a), y(a), 3), in(-1, 1, 4, 2),
          ints(new long[] {2, 0, 2, 1}, 4)),
      // both directions and a non-last axis; uniform samples have no ties, so the order is stable under the step
      op("sort", a -> Ops.add(Ops.sort(x(a)), Ops.multiply(Ops.sort(x(a), 0, false), Ops.sort(x(a), 1, false))),
          in(-1, 1, 2, 3)),
      op("where", a -> Ops.where(Ops.greater(z(a), 0.0), x(a), y(a)), in(-1, 1, 2, 3), in(-1, 1, 3),
          in(-1, 1, 2, 3)),
      // nn
      op("dropout", a -> Ops.dropout(x(a), 0.5, 11), in(-1, 1, 4, 4)),
      op("softmaxCrossEntropyWithLogits", a -> Ops.softmaxCrossEntropyWithLogits(Ops.softmax(y(a)), x(a)),
          in(-2, 2, 2, 3), in(-1, 1, 2, 3)),
      op("sparseSoftmaxCrossEntropyWithLogits", a -> Ops.sparseSoftmaxCrossEntropyWithLogits(y(a), x(a)),
          in(-2, 2, 3, 4), ints(new long[] {3, 0, 1}, 3)),
      op("sigmoidCrossEntropyWithLogits", a -> Ops.sigmoidCrossEntropyWithLogits(y(a), x(a)),
          in(-3, 3, 2, 3), in(0, 1, 2, 3)),
      op("l2Loss", a -> Ops.l2Loss(x(a)), in(-1, 1, 2, 3)),
      // convolution and pooling (NHWC)
      op("conv2d", a -> Ops.add(Ops.reduceSum(Ops.conv2d(x(a), y(a), new int[] {1, 1}, "SAME", new int[] {1, 1})),
          Ops.reduceSum(Ops.conv2d(x(a), y(a), 2, "VALID"))), in(-1, 1, 1, 5, 5, 2), in(-1, 1, 3, 3, 2, 2)),
      op("conv2dBackpropInput", a -> Ops.conv2dBackpropInput(new long[] {1, 5, 5, 2}, y(a), x(a),
          new int[] {1, 1}, "SAME", new int[] {1, 1}), in(-1, 1, 1, 5, 5, 3), in(-1, 1, 3, 3, 2, 3)),
      op("conv2dBackpropFilter", a -> Ops.conv2dBackpropFilter(x(a), new long[] {3, 3, 2, 3}, y(a),
          new int[] {1, 1}, "VALID", new int[] {1, 1}), in(-1, 1, 1, 5, 5, 2), in(-1, 1, 1, 3, 3, 3)),
      op("maxPool2d", a -> Ops.maxPool2d(Ops.add(x(a), Ops.multiply(y(a), 0.01)), new int[] {2, 2},
          new int[] {2, 2}, "VALID"), distinctGrid(), in(-1, 1, 1, 4, 4, 1)).firstOrderOnly(),
      op("maxPool2dGrad", a -> Ops.maxPool2dGrad(x(a), y(a), new int[] {2, 2}, new int[] {2, 2}, "VALID"),
          distinctGrid(), in(-1, 1, 1, 2, 2, 1)).firstOrderOnly(),
      op("maxPool2dGradGrad", a -> Ops.maxPool2dGradGrad(x(a), y(a), new int[] {2, 2}, new int[] {2, 2},
          "VALID"), distinctGrid(), in(-1, 1, 1, 4, 4, 1)).firstOrderOnly(),
      op("avgPool2d", a -> Ops.avgPool2d(x(a), new int[] {2, 2}, new int[] {1, 1}, "SAME"), in(-1, 1, 1, 3, 3, 2)),
      op("avgPool2dGrad", a -> Ops.avgPool2dGrad(new long[] {1, 3, 3, 2}, x(a), new int[] {2, 2},
          new int[] {1, 1}, "SAME"), in(-1, 1, 1, 3, 3, 2)));

  /** A 4x4 grid of well-separated values (no ties within a pooling window); integers are never ties. */
  static Input distinctGrid() {
    long[] v = {3, 15, 7, 1, 12, 5, 9, 14, 0, 10, 2, 13, 8, 4, 11, 6};
    return new Input(new long[] {1, 4, 4, 1}, 0, 0, false, v);
  }

  static Stream<OpSpec> table() {
    return TABLE.stream();
  }

  static List<Tensor> sample(OpSpec spec) {
    SplittableRandom r = new SplittableRandom(spec.name().hashCode());
    List<Tensor> out = new ArrayList<>();
    for (Input in : spec.inputs()) {
      int n = (int) Shapes.size(in.shape());
      if (in.integer()) {
        out.add(Tensor.ofLongs(in.values(), in.shape()));
      } else if (in.values() != null) {
        double[] v = Arrays.stream(in.values()).mapToDouble(d -> d).toArray();
        out.add(Tensor.of(v, in.shape()));
      } else {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
          v[i] = in.lo() + (in.hi() - in.lo()) * r.nextDouble();
        }
        out.add(Tensor.exact(v, in.shape()));
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void firstOrderGradientMatchesFiniteDifferences(OpSpec spec) {
    GradientCheck.Result r = GradientCheck.defaults().withStep(spec.step()).firstOrder(spec.fn(), sample(spec));
    assertTrue(r.passed(), spec.name() + ": " + r);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void secondOrderGradientMatchesFiniteDifferences(OpSpec spec) {
    if (!spec.secondOrder()) {
      return; // documented in the row: second derivative zero or undefined at the sample
    }
    GradientCheck.Result r = GradientCheck.defaults().withTolerance(1e-4, 1e-3).secondOrder(spec.fn(), sample(spec));
    assertTrue(r.passed(), spec.name() + ": " + r);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void rowIsRecordedOnTheTape(OpSpec spec) {
    List<Tensor> xs = sample(spec);
    try (GradientTape tape = new GradientTape()) {
      tape.watch(xs.stream().filter(t -> t.dtype().isFloating()).toArray(Tensor[]::new));
      Tensor y = spec.fn().apply(xs);
      assertTrue(tape.recordedOps() > 0, spec.name() + " recorded nothing");
      assertTrue(tape.gradient(Ops.reduceSum(y), xs.get(0)) != null, spec.name() + " gives no gradient");
    }
  }

  @Test
  void everyOpHasARow() {
    Set<String> ops = Arrays.stream(Ops.class.getMethods())
        .filter(m -> Modifier.isStatic(m.getModifiers()) && m.getReturnType() != void.class)
        .filter(m -> m.getDeclaringClass() != Object.class)
        .map(Method::getName)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> rows = TABLE.stream().map(OpSpec::name).collect(Collectors.toSet());
    Set<String> missing = new TreeSet<>(ops);
    missing.removeAll(rows);
    missing.removeAll(NOT_DIFFERENTIABLE);
    assertEquals(Set.of(), missing, "ops without a row in the op table (add one, or list them as not differentiable)");
    Set<String> stale = new TreeSet<>(rows);
    stale.removeAll(ops);
    assertEquals(Set.of(), stale, "rows naming no op");
  }
}

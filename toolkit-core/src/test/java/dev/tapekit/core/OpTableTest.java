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
import java.util.function.DoubleUnaryOperator;
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
 *
 * <p>The same rows check float32 accuracy: {@code .hard(...)} adds sets of hard inputs (tiny and huge
 * magnitudes, near poles, zeros), and every row is evaluated in float32 and in float64 on the same
 * float32-rounded inputs, at its domain sample and at each hard set, values and first-order gradients
 * (tolerances in {@link Float32Tolerance}, {@code .float32(rtol, atol)} per row). {@code .exact(f)} holds
 * the float64 result of a one-input row to {@code f}. A row without hard inputs fails
 * {@link #everyRowHasFloat32HardInputs()} unless its op is in {@link #FLOAT32_DOMAIN_ONLY}.
 */
class OpTableTest {
  /** Ops without gradients by nature (integer/bool outputs, constants, random draws) or aliases. */
  static final Set<String> NOT_DIFFERENTIABLE = Set.of(
      "argMax", "argMin", "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual",
      "logicalAnd", "logicalOr", "logicalXor", "logicalNot", "isFinite", "zerosLike", "onesLike", "oneHot",
      "randomUniform", "randomNormal", "truncatedNormal", "stopGradient", "mul", "argsort", "linspace");

  /**
   * Rows without float32 hard inputs: their float32 check runs at the row's sampled domain only. These ops
   * move or select values without rounding (or add, once); any other row must list its hard inputs.
   */
  static final Set<String> FLOAT32_DOMAIN_ONLY = Set.of(
      "maximum", "minimum", "clipByValue", "biasAdd", "biasAddRelu", "identity", "cast", "reshape", "transpose",
      "expandDims", "squeeze", "broadcastTo", "concat", "stack", "unstack", "split", "slice", "pad", "tile",
      "gather", "unsortedSegmentSum", "sort", "where", "dropout", "conv2d", "conv2dBackpropInput",
      "conv2dBackpropFilter", "maxPool2d", "maxPool2dGrad", "maxPool2dGradGrad", "avgPool2d", "avgPool2dGrad",
      "conv2dBiasReluMaxPool");

  /** A sampled ({@code lo..hi}), integer ({@code values}) or fixed real ({@code reals}) input. */
  record Input(long[] shape, double lo, double hi, boolean integer, long[] values, double[] reals) {}

  /**
   * Float32 tolerances: a value passes when |f32 - f64| <= atol + rtol * |f64| (f64 evaluated on the same,
   * float32-rounded inputs); a gradient when |g32 - g64| <= gradRtol * |g64| + gradScale * max|g64|.
   */
  record Float32Tolerance(double rtol, double atol, double gradRtol, double gradScale) {}

  /** Four ulps of float32 relative; gradients (rules composed of several rounded ops) 1e-5 and 1e-6 of scale. */
  static final Float32Tolerance FLOAT32_DEFAULT = new Float32Tolerance(4 * 0x1p-23, 0, 1e-5, 1e-6);

  record OpSpec(String name, Function<List<Tensor>, Tensor> fn, List<Input> inputs, boolean secondOrder,
      double step, List<List<Input>> hard, Float32Tolerance tolerance, DoubleUnaryOperator exact) {
    OpSpec firstOrderOnly() {
      return new OpSpec(name, fn, inputs, false, step, hard, tolerance, exact);
    }

    /** A larger finite-difference step, for rows that pass through float32. */
    OpSpec step(double h) {
      return new OpSpec(name, fn, inputs, secondOrder, h, hard, tolerance, exact);
    }

    /** Hard float32 inputs for a one-input row: a vector of these values (tiny, huge, near poles...). */
    OpSpec hard(double... values) {
      return hard(vals(new long[] {values.length}, values));
    }

    /** One set of hard float32 inputs, one per input of the row. */
    OpSpec hard(Input... set) {
      List<List<Input>> h = new ArrayList<>(hard);
      h.add(List.of(set));
      return new OpSpec(name, fn, inputs, secondOrder, step, List.copyOf(h), tolerance, exact);
    }

    /** Looser float32 value tolerances (composite ops: every intermediate is rounded). */
    OpSpec float32(double rtol, double atol) {
      return new OpSpec(name, fn, inputs, secondOrder, step, hard,
          new Float32Tolerance(rtol, atol, tolerance.gradRtol(), tolerance.gradScale()), exact);
    }

    /** Other float32 gradient tolerances. */
    OpSpec float32Gradient(double rtol, double scale) {
      return new OpSpec(name, fn, inputs, secondOrder, step, hard,
          new Float32Tolerance(tolerance.rtol(), tolerance.atol(), rtol, scale), exact);
    }

    /** For one-input elementwise rows: the float64 result must match this (java.lang.Math) to 4 ulps. */
    OpSpec exact(DoubleUnaryOperator f) {
      return new OpSpec(name, fn, inputs, secondOrder, step, hard, tolerance, f);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static OpSpec op(String name, Function<List<Tensor>, Tensor> fn, Input... inputs) {
    return new OpSpec(name, fn, List.of(inputs), true, 1e-6, List.of(), FLOAT32_DEFAULT, null);
  }

  static Input in(double lo, double hi, long... shape) {
    return new Input(shape, lo, hi, false, null, null);
  }

  static Input ints(long[] values, long... shape) {
    return new Input(shape, 0, 0, true, values, null);
  }

  /** A fixed real input (rounded to float32 in the float32 checks). */
  static Input vals(long[] shape, double... values) {
    return new Input(shape, 0, 0, false, null, values);
  }

  /** Each value and its negation. */
  static double[] pm(double... values) {
    double[] out = new double[2 * values.length];
    for (int i = 0; i < values.length; i++) {
      out[2 * i] = values[i];
      out[2 * i + 1] = -values[i];
    }
    return out;
  }

  static long[] v(long... shape) { return shape; }

  static Tensor x(List<Tensor> a) { return a.get(0); }
  static Tensor y(List<Tensor> a) { return a.get(1); }
  static Tensor z(List<Tensor> a) { return a.get(2); }

  static final List<OpSpec> TABLE = List.of(
      // arithmetic, broadcasting
      op("add", a -> Ops.add(x(a), y(a)), in(-2, 2, 2, 3), in(-2, 2, 3))
          .hard(vals(v(4), 1e-30, 3e38, -1, 1e-7), vals(v(4), 1, 3e38, 1.0000001, 1)),
      op("subtract", a -> Ops.subtract(x(a), y(a)), in(-2, 2, 2, 1), in(-2, 2, 1, 3))
          .hard(vals(v(4), 1e-30, 3e38, 1.0000001, 1e-7), vals(v(4), 1, -3e38, 1, 1)),
      op("multiply", a -> Ops.multiply(x(a), y(a)), in(-2, 2, 2, 3), in(-2, 2, 2, 1))
          .hard(vals(v(4), 1e-20, 1e20, 3, -1e-30), vals(v(4), 1e-20, 1e20, 1.0 / 3, 1e30)),
      op("divide", a -> Ops.divide(x(a), y(a)), in(-2, 2, 2, 3), in(0.5, 2, 3))
          .hard(vals(v(4), 1, 1e-30, 1, -7), vals(v(4), 3, 1e10, 1e-30, 1e-3)),
      op("negative", a -> Ops.negative(x(a)), in(-2, 2, 2, 3)).hard(pm(1e-30, 3e38)).exact(x -> -x),
      op("pow", a -> Ops.pow(x(a), y(a)), in(0.5, 2, 2, 3), in(-1.5, 2.5, 3))
          .hard(vals(v(4), 1.0000001, 10, 1e-10, 0.5), vals(v(4), 1e6, 30, 3, -100)),
      op("square", a -> Ops.square(x(a)), in(-2, 2, 4)).hard(pm(1e-20, 1e-15, 3, 1e19, 1e20)).exact(x -> x * x),
      op("squaredDifference", a -> Ops.squaredDifference(x(a), y(a)), in(-2, 2, 4), in(-2, 2, 4))
          .hard(vals(v(3), 1.0000001, 1e18, 1e-20), vals(v(3), 1, -1e18, -1e-20)),
      op("sqrt", a -> Ops.sqrt(x(a)), in(0.5, 3, 4)).hard(2e-38, 1e-30, 2, 3e38).exact(Math::sqrt),
      op("rsqrt", a -> Ops.rsqrt(x(a)), in(0.5, 3, 4)).hard(1e-30, 2, 3, 1e30).exact(x -> 1 / Math.sqrt(x)),
      op("reciprocal", a -> Ops.reciprocal(x(a)), in(0.5, 3, 4)).hard(pm(2e-38, 3, 1e30)).exact(x -> 1 / x),
      op("exp", a -> Ops.exp(x(a)), in(-2, 2, 4)).hard(pm(1e-30, 1e-7, 1, 20, 87, 89)).exact(Math::exp),
      op("log", a -> Ops.log(x(a)), in(0.5, 3, 4)).hard(2e-38, 1e-30, 0.99999994, 1.0000001, 2, 3e38)
          .exact(Math::log),
      // log1p, expm1: the naive forms lose all digits below |x| ~ 1e-7 (float32) and 1e-16 (float64)
      op("log1p", a -> Ops.log1p(x(a)), in(-0.5, 3, 4))
          .hard(pm(1e-30, 1e-10, 1e-7, 1e-5, 1e-4, 3e-4, 0.1, 0.49, 0.51))
          .hard(-0.99999994, 0.99, 2, 1e10, 3e38).exact(Math::log1p),
      op("expm1", a -> Ops.expm1(x(a)), in(-2, 2, 4))
          .hard(pm(1e-30, 1e-10, 1e-7, 1e-5, 1e-4, 3e-4, 0.1, 0.49, 0.51, 20)).hard(-100, 88, 89)
          .exact(Math::expm1),
      op("abs", a -> Ops.abs(x(a)), in(0.2, 2, 4)).firstOrderOnly().hard(pm(1e-30, 3e38)).exact(Math::abs),
      op("sign", a -> Ops.multiply(Ops.sign(x(a)), x(a)), in(0.2, 2, 4)).hard(pm(1e-30, 3e38)),
      op("maximum", a -> Ops.maximum(x(a), y(a)), in(-2, -0.5, 4), in(0.5, 2, 4)).firstOrderOnly(),
      op("minimum", a -> Ops.minimum(x(a), y(a)), in(-2, -0.5, 4), in(0.5, 2, 4)).firstOrderOnly(),
      op("clipByValue", a -> Ops.clipByValue(x(a), -0.5, 0.5), in(-0.4, 0.4, 4)).firstOrderOnly(),
      op("clipByNorm", a -> Ops.clipByNorm(x(a), 0.5), in(0.5, 1.5, 4)).hard(1e-3, 2e-3).hard(3, 4, 1e-7)
          .float32(1e-6, 0),
      op("erf", a -> Ops.erf(x(a)), in(-1.5, 1.5, 4)).hard(pm(1e-30, 1e-7, 0.5, 3, 5)),
      // trigonometric and hyperbolic
      op("sin", a -> Ops.sin(x(a)), in(-3, 3, 4)).hard(pm(1e-30, 1e-7, 3.1415927, 100, 1e4)).exact(Math::sin),
      op("cos", a -> Ops.cos(x(a)), in(-3, 3, 4)).hard(pm(1e-30, 1e-7, 1.5707964, 100, 1e4)).exact(Math::cos),
      op("tan", a -> Ops.tan(x(a)), in(-1, 1, 4)).hard(pm(1e-30, 1e-7, 1.5, 1.5707963, 100)).exact(Math::tan),
      op("asin", a -> Ops.asin(x(a)), in(-0.8, 0.8, 4)).hard(pm(1e-30, 1e-7, 0.5, 0.99999994)).exact(Math::asin),
      op("acos", a -> Ops.acos(x(a)), in(-0.8, 0.8, 4)).hard(pm(1e-30, 1e-7, 0.5, 0.99999994)).exact(Math::acos),
      op("atan", a -> Ops.atan(x(a)), in(-2, 2, 4)).hard(pm(1e-30, 1e-7, 1, 1e30)).exact(Math::atan),
      op("sinh", a -> Ops.sinh(x(a)), in(-2, 2, 4)).hard(pm(1e-30, 1e-5, 1, 20, 88, 89.5)).exact(Math::sinh),
      op("cosh", a -> Ops.cosh(x(a)), in(-2, 2, 4)).hard(pm(1e-30, 1e-5, 1, 20, 88, 89.5)).exact(Math::cosh),
      op("tanh", a -> Ops.tanh(x(a)), in(-2, 2, 4))
          .hard(pm(1e-30, 1e-10, 1e-5, 1e-3, 0.1, 0.25, 0.49, 0.51, 1, 5, 10, 20)).exact(Math::tanh),
      op("asinh", a -> Ops.asinh(x(a)), in(-2, 2, 4))
          .hard(pm(1e-30, 1e-10, 1e-5, 1e-3, 0.5, 2.5, 10, 1e5, 1e20, 3e38)),
      op("acosh", a -> Ops.acosh(x(a)), in(1.5, 3, 4)).hard(1.0000001, 1.0001, 1.01, 1.5, 3, 1e5, 1e20, 3e38),
      op("atanh", a -> Ops.atanh(x(a)), in(-0.8, 0.8, 4)).hard(pm(1e-30, 1e-10, 1e-5, 0.5, 0.99999994)),
      // activations
      op("relu", a -> Ops.relu(x(a)), in(0.1, 1, 2, 2)).firstOrderOnly().hard(pm(1e-30, 3e38)),
      op("reluGrad", a -> Ops.reluGrad(x(a), Ops.subtract(y(a), 0.5)), in(-1, 1, 2, 3), in(0, 1, 2, 3))
          .firstOrderOnly().hard(vals(v(4), 1e-30, 3e38, -1, 7), vals(v(4), 1, 2, 0.50000006, 0.49999997)),
      op("relu6", a -> Ops.relu6(x(a)), in(0.5, 5.5, 4)).firstOrderOnly().hard(1e-30, 5.9999995, 6.0000005, 3e38),
      op("leakyRelu", a -> Ops.leakyRelu(Ops.add(x(a), y(a))), in(-2, -1, 2), in(1.5, 2, 2)).firstOrderOnly()
          .hard(vals(v(3), -1e-30, -3e38, 1e-30), vals(v(3), 0, 0, 0)),
      // elu, selu: e^x - 1 through expm1 (the naive form loses all digits for tiny negative x)
      op("elu", a -> Ops.elu(x(a)), in(-2, -0.2, 4)).hard(-1e-30, -1e-10, -1e-7, -1e-5, -3e-4, -0.3, -20, -100),
      op("selu", a -> Ops.selu(x(a)), in(-2, -0.2, 4)).hard(-1e-30, -1e-10, -1e-7, -1e-5, -3e-4, -0.3, -20, -100)
          .float32(1e-6, 0),
      op("gelu", a -> Ops.add(Ops.gelu(x(a)), Ops.gelu(x(a), true)), in(-2, 2, 4)).hard(pm(1e-30, 1e-5, 3, 5))
          .float32(2e-6, 1e-6),
      op("sigmoid", a -> Ops.sigmoid(x(a)), in(-3, 3, 4)).hard(pm(1e-30, 1e-5, 1, 17, 30)).hard(-87, -88.5)
          .exact(x -> 1 / (1 + Math.exp(-x))),
      op("hardSigmoid", a -> Ops.hardSigmoid(x(a)), in(-2.5, 2.5, 4)).firstOrderOnly()
          .hard(pm(1e-30, 1e-7, 2.99)),
      // softplus: log1p(exp(-|x|)) + max(x, 0), e^x for very negative x
      op("softplus", a -> Ops.softplus(x(a)), in(-3, 3, 4)).hard(pm(1e-30, 1e-5, 1, 16, 17, 18, 20, 50))
          .hard(-87, -100, 1e30).exact(x -> Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)))),
      op("softsign", a -> Ops.softsign(x(a)), in(0.2, 2, 4)).hard(pm(1e-30, 1, 1e30)),
      op("swish", a -> Ops.swish(x(a)), in(-3, 3, 4)).hard(pm(1e-30, 1e-5, 20)).hard(-50, -87),
      op("softmax", a -> Ops.softmax(x(a), 0), in(-2, 2, 3, 2)).hard(vals(v(3, 2), 0, 1e-7, -100, 0, 1e-7, -50))
          .float32(1e-6, 0),
      op("logSoftmax", a -> Ops.logSoftmax(x(a)), in(-2, 2, 2, 3)).hard(vals(v(2, 3), 0, 100, -100, 1e-7, 0, -1e-7))
          .float32(1e-6, 0),
      // reductions
      op("reduceSum", a -> Ops.reduceSum(x(a), new int[] {1}, true), in(-2, 2, 2, 3))
          .hard(vals(v(2, 3), 1e-30, 3e-30, 5e-30, 1, 1e-8, 1e-8)).float32(1e-6, 1e-6),
      op("reduceMean", a -> Ops.reduceMean(x(a), 0), in(-2, 2, 2, 3))
          .hard(vals(v(2, 3), 1e-30, 1, 1e30, 3e-30, 1e-8, 1e30)).float32(1e-6, 1e-6),
      op("reduceMax", a -> Ops.reduceMax(x(a), 1), in(-2, 2, 2, 3)).firstOrderOnly()
          .hard(vals(v(2, 3), 1e-30, 3e38, -3e38, 1, 1, 0.5)),
      op("reduceMin", a -> Ops.reduceMin(x(a)), in(-2, 2, 2, 3)).firstOrderOnly()
          .hard(vals(v(2, 3), 1e-30, 3e38, -3e38, 1, -3e38, 0.5)),
      // the gradient is the product of the other elements: exact with one zero and with several
      op("reduceProd", a -> Ops.reduceProd(x(a), 1), in(0.5, 2, 2, 3))
          .hard(vals(v(3, 3), 0, 2, 3, 0, 0, 4, 1.5, 2, 2.5)).hard(vals(v(2, 3), 1e-20, 1e-20, 1e-5, 1e10, 1e10, 1e10))
          .float32(1e-6, 0),
      op("reduceProd", a -> Ops.reduceProd(x(a)), vals(v(2, 3), 0, 1.5, -2, 0.5, 1.25, -0.75))
          .hard(vals(v(2, 2), 0, 0, 3, 4)).float32(1e-6, 0),
      op("reduceProd", a -> Ops.add(Ops.reduceProd(x(a), 0),
          Ops.reduceProd(x(a), new int[] {0, 2}, true).reshape(3, 1)),
          vals(v(2, 3, 2), 0, 1.5, -2, 0.5, 1.25, 0, 0, 0.75, 1, -1.5, 2, 0.5))
          .hard(vals(v(2, 3, 2), 0, 1.5, -2, 0.5, 1.25, 0, 0, 0.75, 1, -1.5, 2, 0.5)).float32(1e-6, 0),
      op("reduceLogSumExp", a -> Ops.reduceLogSumExp(x(a), 1), in(-2, 2, 2, 3))
          .hard(vals(v(3, 3), 100, 100, 100, -100, -100, 0, 1e-7, 0, 0)).float32(1e-6, 0),
      // linear algebra; batch dimensions broadcast as in tf.linalg.matmul
      op("matmul", a -> Ops.add(Ops.matmul(x(a), y(a)), Ops.matmul(y(a), x(a), true, true)),
          in(-1, 1, 2, 3), in(-1, 1, 3, 2)).hard(vals(v(2, 3), 1e-3, 2, 1e3, 3, 1e-30, 7), vals(v(3, 2),
          5, 1e3, 1e-3, 0.5, 2, 1e-7)).float32(1e-6, 1e-6),
      op("matmul", a -> Ops.matmul(x(a), y(a)), in(-1, 1, 2, 3, 4), in(-1, 1, 4, 5))
          .hard(vals(v(1, 1, 2), 1e-3, 1e3), vals(v(2, 2), 2, 1e-3, 1e3, 3)).float32(1e-6, 1e-6),
      op("matmul", a -> Ops.matmul(x(a), y(a)), in(-1, 1, 2, 3, 4), in(-1, 1, 1, 4, 5))
          .hard(vals(v(2, 1, 2), 1e-3, 1e3, 3, 0.5), vals(v(1, 2, 1), 2, 1e-3)).float32(1e-6, 1e-6),
      op("matmul", a -> Ops.matmul(x(a), y(a), true, false), in(-1, 1, 3, 4), in(-1, 1, 2, 1, 3, 2))
          .hard(vals(v(1, 2), 1e-3, 1e3), vals(v(2, 1, 1, 2), 2, 1e-3, 3, 5)).float32(1e-6, 1e-6),
      op("matmul", a -> Ops.matmul(x(a), y(a), true, true), in(-1, 1, 2, 1, 4, 3), in(-1, 1, 3, 2, 4))
          .hard(vals(v(1, 1, 2, 1), 1e-3, 1e3), vals(v(3, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12))
          .float32(1e-6, 1e-6),
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
      // both axes with index tensors, and rows by Java indices (a data set's batch)
      op("gather", a -> Ops.add(Ops.add(Ops.gather(x(a), y(a), 0), Ops.gather(x(a), y(a), 1)),
          Ops.gather(x(a), new int[] {1, 2, 1})),
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
      // confident and correct: losses of ~e^-20, which float32 represents
      op("softmaxCrossEntropyWithLogits", a -> Ops.softmaxCrossEntropyWithLogits(Ops.softmax(y(a)), x(a)),
          in(-2, 2, 2, 3), in(-1, 1, 2, 3)).hard(vals(v(2, 3), 20, 0, 0, 1, 0, -1), vals(v(2, 3), 50, 0, 0, 0, 1, 2))
          .float32(1e-6, 0),
      op("sparseSoftmaxCrossEntropyWithLogits", a -> Ops.sparseSoftmaxCrossEntropyWithLogits(y(a), x(a)),
          in(-2, 2, 3, 4), ints(new long[] {3, 0, 1}, 3))
          .hard(vals(v(3, 4), 20, 0, 0, 0, 0, 0, 0, 30, 1e-7, 0, 0, 0), ints(new long[] {0, 3, 0}, 3))
          .float32(1e-6, 0),
      // confident and correct logits: max(x, 0) - x * z + log1p(e^-|x|) is about e^-|x|
      op("sigmoidCrossEntropyWithLogits", a -> Ops.sigmoidCrossEntropyWithLogits(y(a), x(a)),
          in(-3, 3, 2, 3), in(0, 1, 2, 3))
          .hard(vals(v(8), 20, 30, 50, -20, -30, -50, 1e-7, 0), vals(v(8), 1, 1, 1, 0, 0, 0, 0.5, 1))
          .hard(vals(v(4), 20, -20, 1e-7, 80), vals(v(4), 0, 1, 0, 0)).float32(1e-6, 0),
      op("l2Loss", a -> Ops.l2Loss(x(a)), in(-1, 1, 2, 3)).hard(1e-20, 1e-19).hard(1e18, 1, 1e-3).float32(1e-6, 0),
      // convolution and pooling (NHWC)
      op("conv2d", a -> Ops.add(Ops.reduceSum(Ops.conv2d(x(a), y(a), new int[] {1, 1}, "SAME", new int[] {1, 1})),
          Ops.reduceSum(Ops.conv2d(x(a), y(a), 2, "VALID"))), in(-1, 1, 1, 5, 5, 2), in(-1, 1, 3, 3, 2, 2))
          .float32(1e-6, 1e-6),
      op("conv2dBackpropInput", a -> Ops.conv2dBackpropInput(new long[] {1, 5, 5, 2}, y(a), x(a),
          new int[] {1, 1}, "SAME", new int[] {1, 1}), in(-1, 1, 1, 5, 5, 3), in(-1, 1, 3, 3, 2, 3))
          .float32(1e-6, 1e-6),
      op("conv2dBackpropFilter", a -> Ops.conv2dBackpropFilter(x(a), new long[] {3, 3, 2, 3}, y(a),
          new int[] {1, 1}, "VALID", new int[] {1, 1}), in(-1, 1, 1, 5, 5, 2), in(-1, 1, 1, 3, 3, 3))
          .float32(1e-6, 1e-6),
      op("maxPool2d", a -> Ops.maxPool2d(Ops.add(x(a), Ops.multiply(y(a), 0.01)), new int[] {2, 2},
          new int[] {2, 2}, "VALID"), distinctGrid(), in(-1, 1, 1, 4, 4, 1)).firstOrderOnly(),
      op("maxPool2dGrad", a -> Ops.maxPool2dGrad(x(a), y(a), new int[] {2, 2}, new int[] {2, 2}, "VALID"),
          distinctGrid(), in(-1, 1, 1, 2, 2, 1)).firstOrderOnly(),
      op("maxPool2dGradGrad", a -> Ops.maxPool2dGradGrad(x(a), y(a), new int[] {2, 2}, new int[] {2, 2},
          "VALID"), distinctGrid(), in(-1, 1, 1, 4, 4, 1)).firstOrderOnly(),
      // the fused conv block: in float32 its own kernels and first-order rule, in float64 and at second
      // order the unfused ops' rules; a 2x2 filter over 6x6 leaves a row and a column outside the pool
      op("conv2dBiasReluMaxPool", a -> Ops.conv2dBiasReluMaxPool(x(a), y(a), z(a), new int[] {1, 1}, "VALID", null,
          new int[] {2, 2}, new int[] {2, 2}, "VALID"), in(-1, 1, 1, 6, 6, 2), in(-1, 1, 2, 2, 2, 3), in(0.2, 0.6, 3))
          .float32(1e-6, 1e-6),
      op("avgPool2d", a -> Ops.avgPool2d(x(a), new int[] {2, 2}, new int[] {1, 1}, "SAME"), in(-1, 1, 1, 3, 3, 2)),
      op("avgPool2dGrad", a -> Ops.avgPool2dGrad(new long[] {1, 3, 3, 2}, x(a), new int[] {2, 2},
          new int[] {1, 1}, "SAME"), in(-1, 1, 1, 3, 3, 2)));

  /** A 4x4 grid of well-separated values (no ties within a pooling window); integers are never ties. */
  static Input distinctGrid() {
    long[] v = {3, 15, 7, 1, 12, 5, 9, 14, 0, 10, 2, 13, 8, 4, 11, 6};
    return new Input(new long[] {1, 4, 4, 1}, 0, 0, false, v, null);
  }

  static Stream<OpSpec> table() {
    return TABLE.stream();
  }

  static List<Tensor> sample(OpSpec spec) {
    return materialize(spec.inputs(), new SplittableRandom(spec.name().hashCode()));
  }

  static List<Tensor> materialize(List<Input> inputs, SplittableRandom r) {
    List<Tensor> out = new ArrayList<>();
    for (Input in : inputs) {
      int n = (int) Shapes.size(in.shape());
      if (in.integer()) {
        out.add(Tensor.ofLongs(in.values(), in.shape()));
      } else if (in.values() != null) {
        double[] v = Arrays.stream(in.values()).mapToDouble(d -> d).toArray();
        out.add(Tensor.of(v, in.shape()));
      } else if (in.reals() != null) {
        out.add(Tensor.exact(in.reals(), in.shape()));
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

  // ---------------------------------------------------------------- float32 accuracy

  /** The input sets of a row's float32 check: its sampled domain, then each of its hard sets. */
  static List<List<Tensor>> float32InputSets(OpSpec spec) {
    List<List<Tensor>> sets = new ArrayList<>();
    sets.add(sample(spec));
    for (List<Input> h : spec.hard()) {
      sets.add(materialize(h, new SplittableRandom(1)));
    }
    return sets;
  }

  static List<Tensor> castFloating(List<Tensor> xs, DType to) {
    return xs.stream().map(t -> t.dtype().isFloating() ? Ops.cast(t, to) : t).collect(Collectors.toList());
  }

  /** Values and first-order tape gradients of sum(f(x) * w), w fixed and positive (no cancellation added). */
  static List<double[]> valuesAndGradients(OpSpec spec, List<Tensor> xs) {
    List<Tensor> floats = xs.stream().filter(t -> t.dtype().isFloating()).collect(Collectors.toList());
    List<double[]> out = new ArrayList<>();
    try (GradientTape tape = new GradientTape()) {
      tape.watch(floats.toArray(new Tensor[0]));
      Tensor y = spec.fn().apply(xs);
      SplittableRandom r = new SplittableRandom(7);
      double[] w = new double[(int) y.size()];
      for (int i = 0; i < w.length; i++) {
        w[i] = 0.5 + r.nextDouble();
      }
      Tensor wt = Ops.cast(Tensor.exact(w, y.shape()), y.dtype());
      out.add(y.toDoubleArray());
      for (Tensor g : tape.gradient(Ops.reduceSum(Ops.multiply(y, wt)), floats, UnconnectedGradients.ZERO)) {
        out.add(g.toDoubleArray());
      }
    }
    return out;
  }

  /**
   * The error of {@code got} (float32) against {@code ref} (float64 on the same inputs) in units of the
   * allowed error: at most 1 passes; NaN never does. A reference beyond float32's range must come out as
   * the same infinity; below float32's normal range the allowed error is at least that range's bound. A
   * reference above {@code overflow} may come out as the same infinity (for gradients: an intermediate
   * overflowed).
   */
  static double float32Error(double got, double ref, double rtol, double atol, double overflow) {
    if (Double.isNaN(ref) || Double.isNaN(got)) {
      return Double.POSITIVE_INFINITY; // hard inputs lie inside the op's domain: NaN is always wrong
    }
    if (Math.abs(ref) > overflow && got == Math.copySign(Double.POSITIVE_INFINITY, ref)) {
      return 0;
    }
    if (Math.abs(ref) > Float.MAX_VALUE) {
      return got == Math.copySign(Double.POSITIVE_INFINITY, ref) ? 0 : Double.POSITIVE_INFINITY;
    }
    double allowed = Math.max(atol + rtol * Math.abs(ref), Float.MIN_NORMAL);
    return Math.abs(got - ref) / allowed;
  }

  /** The worst relative error |f32 - f64| / |f64| of a row's values over its input sets, for reports. */
  static String report(double[] got, double[] ref) {
    double worst = 0;
    int at = -1;
    for (int i = 0; i < got.length; i++) {
      double rel = Math.abs(got[i] - ref[i]) / Math.max(Math.abs(ref[i]), Float.MIN_NORMAL);
      if (Math.abs(ref[i]) <= Float.MAX_VALUE && !(rel <= worst)) {
        worst = rel;
        at = i;
      }
    }
    return at < 0 ? "exact" : String.format("max rel %.3g at element %d (f32 %s vs f64 %s)", worst, at,
        (float) got[at], ref[at]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void float32MatchesFloat64AtDomainAndHardInputs(OpSpec spec) {
    Float32Tolerance tol = spec.tolerance();
    int set = 0;
    for (List<Tensor> xs : float32InputSets(spec)) {
      List<Tensor> x32 = castFloating(xs, DType.FLOAT32);
      List<double[]> got = valuesAndGradients(spec, x32);
      List<double[]> ref = valuesAndGradients(spec, castFloating(x32, DType.FLOAT64));
      String where = spec.name() + (set == 0 ? " (domain)" : " (hard set " + set + ")");
      double[] v = got.get(0), rv = ref.get(0);
      if (Boolean.getBoolean("opTable.report")) { // -DopTable.report=true prints each set's worst error
        StringBuilder line = new StringBuilder("float32 " + where + ": value " + report(v, rv));
        for (int k = 1; k < ref.size(); k++) {
          line.append("; gradient ").append(k - 1).append(' ').append(report(got.get(k), ref.get(k)));
        }
        System.out.println(line);
      }
      for (int i = 0; i < rv.length; i++) {
        assertTrue(float32Error(v[i], rv[i], tol.rtol(), tol.atol(), Float.MAX_VALUE) <= 1, where + " value " + i
            + ": float32 " + (float) v[i] + " vs float64 " + rv[i] + "; " + report(v, rv) + "; inputs " + values(x32));
      }
      for (int k = 1; k < ref.size(); k++) {
        double[] g = got.get(k), rg = ref.get(k);
        double scale = Arrays.stream(rg).filter(d -> Math.abs(d) <= Float.MAX_VALUE).map(Math::abs).max().orElse(0);
        for (int i = 0; i < rg.length; i++) {
          assertTrue(float32Error(g[i], rg[i], tol.gradRtol(), tol.gradScale() * scale, Float.MAX_VALUE / 4) <= 1, where
              + " gradient of input " + (k - 1) + " element " + i + ": float32 " + (float) g[i] + " vs float64 "
              + rg[i] + "; " + report(g, rg) + "; inputs " + values(x32));
        }
      }
      set++;
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void float64MatchesExactReference(OpSpec spec) {
    if (spec.exact() == null) {
      return; // not a one-input elementwise function of java.lang.Math
    }
    for (List<Tensor> xs : float32InputSets(spec)) {
      double[] x = xs.get(0).toDoubleArray();
      double[] y = spec.fn().apply(xs).toDoubleArray();
      for (int i = 0; i < x.length; i++) {
        double ref = spec.exact().applyAsDouble(x[i]);
        assertTrue(Math.abs(y[i] - ref) <= 4 * Math.ulp(ref) || y[i] == ref,
            spec.name() + "(" + x[i] + ") in float64: " + y[i] + " vs " + ref);
      }
    }
  }

  /** A row lists hard float32 inputs unless it is one of {@link #FLOAT32_DOMAIN_ONLY}. */
  @Test
  void everyRowHasFloat32HardInputs() {
    Set<String> without = TABLE.stream().filter(s -> s.hard().isEmpty()).map(OpSpec::name)
        .filter(n -> !FLOAT32_DOMAIN_ONLY.contains(n)).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(Set.of(), without, "rows without float32 hard inputs (add .hard(...), or list them in "
        + "FLOAT32_DOMAIN_ONLY when the op cannot round)");
    Set<String> rows = TABLE.stream().map(OpSpec::name).collect(Collectors.toSet());
    Set<String> stale = new TreeSet<>(FLOAT32_DOMAIN_ONLY);
    stale.removeAll(rows);
    assertEquals(Set.of(), stale, "FLOAT32_DOMAIN_ONLY names no row");
  }

  static String values(List<Tensor> xs) {
    return xs.stream().map(t -> Arrays.toString(t.toDoubleArray())).collect(Collectors.joining(", "));
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

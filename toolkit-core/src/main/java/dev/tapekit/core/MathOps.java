package dev.tapekit.core;

import dev.tapekit.core.kernels.Buffers;
import dev.tapekit.core.kernels.FastKernels;
import dev.tapekit.core.kernels.Elementwise;
import java.util.function.DoubleUnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.AddOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.DivOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.SubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Elementwise arithmetic, powers, exponentials and trigonometry, each with its gradient rule. */
abstract class MathOps extends OpSupport {
  MathOps() {}

  // ---------------------------------------------------------------- binary, broadcasting

  /** {@code a op b} with broadcasting: small float32 pairs in Java, the rest with ND4J's kernels. */
  private static INDArray arithmetic(char op, Tensor a, Tensor b) {
    INDArray x = a.array(), y = b.array();
    if (FastKernels.enabled() && Elementwise.appliesToPair(x, y)) {
      return Elementwise.binary(op, x, y, Shapes.broadcast("arithmetic", a.shape(), b.shape()));
    }
    return switch (op) {
      case '+' -> Nd4j.exec(new AddOp(x, y))[0];
      case '-' -> Nd4j.exec(new SubOp(x, y))[0];
      case '*' -> Nd4j.exec(new MulOp(x, y))[0];
      default -> Nd4j.exec(new DivOp(x, y))[0];
    };
  }

  /** x + y with NumPy broadcasting ({@code tf.add}). */
  public static Tensor add(TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    sameDType("AddV2", a, b);
    Tensor out = wrap(arithmetic('+', a, b));
    return record1("AddV2", out, g -> new Tensor[] {
        GradFn.needs(0) ? sumTo(g, a.shape()) : null, GradFn.needs(1) ? sumTo(g, b.shape()) : null}, a, b);
  }

  public static Tensor add(TensorLike x, double y) {
    Tensor a = t(x);
    return add(a, scalarLike(y, a));
  }

  /** x - y ({@code tf.subtract}). */
  public static Tensor subtract(TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    sameDType("Sub", a, b);
    Tensor out = wrap(arithmetic('-', a, b));
    return record1("Sub", out, g -> new Tensor[] {
        GradFn.needs(0) ? sumTo(g, a.shape()) : null, GradFn.needs(1) ? sumTo(negative(g), b.shape()) : null}, a, b);
  }

  public static Tensor subtract(TensorLike x, double y) {
    Tensor a = t(x);
    return subtract(a, scalarLike(y, a));
  }

  public static Tensor subtract(double x, TensorLike y) {
    Tensor b = t(y);
    return subtract(scalarLike(x, b), b);
  }

  /** x * y ({@code tf.multiply}). */
  public static Tensor multiply(TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    sameDType("Mul", a, b);
    Tensor out = wrap(arithmetic('*', a, b));
    return record1("Mul", out,
        g -> new Tensor[] {GradFn.needs(0) ? sumTo(multiply(g, b), a.shape()) : null,
            GradFn.needs(1) ? sumTo(multiply(g, a), b.shape()) : null}, a, b);
  }

  public static Tensor multiply(TensorLike x, double y) {
    Tensor a = t(x);
    return multiply(a, scalarLike(y, a));
  }

  /** Alias of {@link #multiply(TensorLike, TensorLike)}. */
  public static Tensor mul(TensorLike x, TensorLike y) {
    return multiply(x, y);
  }

  public static Tensor mul(TensorLike x, double y) {
    return multiply(x, y);
  }

  /** x / y ({@code tf.divide}). */
  public static Tensor divide(TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    sameDType("RealDiv", a, b);
    Tensor out = wrap(arithmetic('/', a, b));
    return record1("RealDiv", out, g -> new Tensor[] {
        GradFn.needs(0) ? sumTo(divide(g, b), a.shape()) : null,
        GradFn.needs(1) ? sumTo(negative(divide(multiply(g, a), square(b))), b.shape()) : null}, a, b);
  }

  public static Tensor divide(TensorLike x, double y) {
    Tensor a = t(x);
    return divide(a, scalarLike(y, a));
  }

  public static Tensor divide(double x, TensorLike y) {
    Tensor b = t(y);
    return divide(scalarLike(x, b), b);
  }

  /** x ** y ({@code tf.pow}); the gradient for y uses log(x) where x > 0 and 0 elsewhere, as TensorFlow. */
  public static Tensor pow(TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    sameDType("Pow", a, b);
    long[] shape = Shapes.broadcast("Pow", a.shape(), b.shape());
    Tensor out = wrap(Transforms.pow(bcast(a.array(), shape), bcast(b.array(), shape), true));
    return record1("Pow", out, g -> {
      Tensor dx = multiply(g, multiply(b, pow(a, subtract(b, scalarLike(1, b)))));
      Tensor positive = greater(a, Ops.zerosLike(a));
      Tensor logx = Ops.where(positive, log(Ops.where(positive, a, Ops.onesLike(a))), Ops.zerosLike(a));
      Tensor dy = multiply(g, multiply(out, logx));
      return new Tensor[] {sumTo(dx, a.shape()), sumTo(dy, b.shape())};
    }, a, b);
  }

  public static Tensor pow(TensorLike x, double y) {
    Tensor a = t(x);
    return pow(a, scalarLike(y, a));
  }

  /** Elementwise maximum; ties send the gradient to x, as TensorFlow. */
  public static Tensor maximum(TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    sameDType("Maximum", a, b);
    Tensor out = wrap(exec("maximum", new INDArray[] {a.array(), b.array()}, null, null, null));
    return record1("Maximum", out, g -> {
      Tensor mask = greaterEqual(a, b);
      return new Tensor[] {sumTo(Ops.where(mask, g, Ops.zerosLike(g)), a.shape()),
          sumTo(Ops.where(mask, Ops.zerosLike(g), g), b.shape())};
    }, a, b);
  }

  public static Tensor maximum(TensorLike x, double y) {
    Tensor a = t(x);
    return maximum(a, scalarLike(y, a));
  }

  /** Elementwise minimum; ties send the gradient to x, as TensorFlow. */
  public static Tensor minimum(TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    sameDType("Minimum", a, b);
    Tensor out = wrap(exec("minimum", new INDArray[] {a.array(), b.array()}, null, null, null));
    return record1("Minimum", out, g -> {
      Tensor mask = lessEqual(a, b);
      return new Tensor[] {sumTo(Ops.where(mask, g, Ops.zerosLike(g)), a.shape()),
          sumTo(Ops.where(mask, Ops.zerosLike(g), g), b.shape())};
    }, a, b);
  }

  public static Tensor minimum(TensorLike x, double y) {
    Tensor a = t(x);
    return minimum(a, scalarLike(y, a));
  }

  /** (x - y)^2 ({@code tf.math.squared_difference}). */
  public static Tensor squaredDifference(TensorLike x, TensorLike y) {
    return square(subtract(x, y));
  }

  /** Clips values to [min, max] ({@code tf.clip_by_value}); gradient passes inside and at the bounds. */
  public static Tensor clipByValue(TensorLike x, double clipValueMin, double clipValueMax) {
    if (clipValueMin > clipValueMax) {
      throw new IllegalArgumentException("clipByValue: clipValueMin " + clipValueMin
          + " is greater than clipValueMax " + clipValueMax);
    }
    return minimum(maximum(x, clipValueMin), clipValueMax);
  }

  /** Clips values to [min, max] given as tensors. */
  public static Tensor clipByValue(TensorLike x, TensorLike clipValueMin, TensorLike clipValueMax) {
    return minimum(maximum(x, clipValueMin), clipValueMax);
  }

  /**
   * Rescales t so its L2 norm is at most {@code clipNorm} ({@code tf.clip_by_norm}): t * clipNorm /
   * max(norm(t), clipNorm).
   */
  public static Tensor clipByNorm(TensorLike t, double clipNorm) {
    if (!(clipNorm > 0)) {
      throw new IllegalArgumentException("clipByNorm: clipNorm must be positive, got " + clipNorm);
    }
    Tensor a = t(t);
    // NOTE: TensorFlow's safe norm: sqrt is never taken of 0, so an all-zero t has gradient 1, not NaN.
    Tensor l2sum = Ops.reduceSum(square(a));
    Tensor positive = greater(l2sum, 0.0);
    Tensor norm = Ops.where(positive, sqrt(Ops.where(positive, l2sum, Ops.onesLike(l2sum))), l2sum);
    return divide(multiply(a, clipNorm), maximum(norm, clipNorm));
  }

  // ---------------------------------------------------------------- unary

  /** A unary op whose ND4J forward allocates a new array. */
  private static Tensor unary(String op, Tensor a, INDArray out, java.util.function.BiFunction<Tensor, Tensor, Tensor> dx) {
    requireFloating(op, a);
    Tensor y = wrap(out);
    return record1(op, y, g -> new Tensor[] {dx.apply(g, y)}, a);
  }

  /** -x. */
  public static Tensor negative(TensorLike x) {
    Tensor a = t(x);
    Tensor out = wrap(a.array().neg());
    return record1("Neg", out, g -> new Tensor[] {negative(g)}, a);
  }

  /** |x|; the gradient at 0 is 0, as TensorFlow. */
  public static Tensor abs(TensorLike x) {
    Tensor a = t(x);
    return unary("Abs", a, Transforms.abs(a.array(), true), (g, y) -> multiply(g, sign(a)));
  }

  /** -1, 0 or 1; its gradient is zero. */
  public static Tensor sign(TensorLike x) {
    Tensor a = t(x);
    return unary("Sign", a, Transforms.sign(a.array(), true), (g, y) -> Ops.zerosLike(a));
  }

  /** x^2. */
  public static Tensor square(TensorLike x) {
    Tensor a = t(x);
    return unary("Square", a, a.array().mul(a.array()), (g, y) -> multiply(g, multiply(a, 2.0)));
  }

  /** Square root. */
  public static Tensor sqrt(TensorLike x) {
    Tensor a = t(x);
    return unary("Sqrt", a, Transforms.sqrt(a.array(), true), (g, y) -> divide(multiply(g, 0.5), y));
  }

  /** 1 / sqrt(x). */
  public static Tensor rsqrt(TensorLike x) {
    Tensor a = t(x);
    return unary("Rsqrt", a, Transforms.pow(a.array(), -0.5, true),
        (g, y) -> multiply(g, multiply(pow(y, 3.0), -0.5)));
  }

  /** 1 / x. */
  public static Tensor reciprocal(TensorLike x) {
    Tensor a = t(x);
    return unary("Reciprocal", a, a.array().rdiv(1.0), (g, y) -> negative(multiply(g, square(y))));
  }

  /** e^x. */
  public static Tensor exp(TensorLike x) {
    Tensor a = t(x);
    return unary("Exp", a, Transforms.exp(a.array(), true), (g, y) -> multiply(g, y));
  }

  /** Natural logarithm. */
  public static Tensor log(TensorLike x) {
    Tensor a = t(x);
    return unary("Log", a, Transforms.log(a.array(), true), (g, y) -> divide(g, a));
  }

  /**
   * {@code f} per element in double precision, rounded once to the array's dtype (float32 or float64).
   * NOTE: for the functions libnd4j computes by their naive formulas (log1p as log(1 + x), expm1 as
   * exp(x) - 1, tanh as (e^2x - 1) / (e^2x + 1), asinh as log(x + sqrt(x^2 + 1)), ...), which lose every
   * digit near 0 in both dtypes.
   */
  static INDArray perElement(INDArray x, DoubleUnaryOperator f) {
    double[] v = Buffers.doubles(x);
    for (int i = 0; i < v.length; i++) {
      v[i] = f.applyAsDouble(v[i]);
    }
    return Buffers.create(v, x.dataType(), x.shape());
  }

  /** libnd4j's values {@code y} of a function, with the elements where |x| < {@code below} recomputed by {@code f}. */
  private static INDArray refineNearZero(INDArray x, INDArray y, double below, DoubleUnaryOperator f) {
    double[] xs = Buffers.doubles(x);
    double[] ys = null;
    for (int i = 0; i < xs.length; i++) {
      if (Math.abs(xs[i]) < below) {
        if (ys == null) {
          ys = Buffers.doubles(y);
        }
        ys[i] = f.applyAsDouble(xs[i]);
      }
    }
    return ys == null ? y : Buffers.create(ys, y.dataType(), y.shape());
  }

  /**
   * log(1 + x), accurate near 0. libnd4j computes log(1 + x), within 2 ulps for |x| >= 0.5 and losing
   * every digit below ~1e-7 (float32) or ~1e-16 (float64); elements with |x| < 0.5 use {@code Math.log1p}.
   */
  public static Tensor log1p(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Log1p", a);
    INDArray nd = exec("log1p", new INDArray[] {a.array()}, null, null, null);
    return unary("Log1p", a, refineNearZero(a.array(), nd, 0.5, Math::log1p), (g, y) -> divide(g, add(a, 1.0)));
  }

  /**
   * e^x - 1, accurate near 0. libnd4j computes exp(x) - 1, within 1 ulp for |x| >= 0.5; elements with
   * |x| < 0.5 use {@code Math.expm1}.
   */
  public static Tensor expm1(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Expm1", a);
    INDArray nd = strict(new org.nd4j.linalg.api.ops.impl.transforms.strict.Expm1(a.array(), a.array().ulike()));
    return unary("Expm1", a, refineNearZero(a.array(), nd, 0.5, Math::expm1), (g, y) -> multiply(g, add(y, 1.0)));
  }

  /** Sine. */
  public static Tensor sin(TensorLike x) {
    Tensor a = t(x);
    return unary("Sin", a, Transforms.sin(a.array(), true), (g, y) -> multiply(g, cos(a)));
  }

  /** Cosine. */
  public static Tensor cos(TensorLike x) {
    Tensor a = t(x);
    return unary("Cos", a, Transforms.cos(a.array(), true), (g, y) -> negative(multiply(g, sin(a))));
  }

  /** Tangent. */
  public static Tensor tan(TensorLike x) {
    Tensor a = t(x);
    return unary("Tan", a, Transforms.tan(a.array(), true), (g, y) -> divide(g, square(cos(a))));
  }

  /** Arcsine. */
  public static Tensor asin(TensorLike x) {
    Tensor a = t(x);
    return unary("Asin", a, Transforms.asin(a.array(), true),
        (g, y) -> divide(g, sqrt(subtract(1.0, square(a)))));
  }

  /** Arccosine. */
  public static Tensor acos(TensorLike x) {
    Tensor a = t(x);
    return unary("Acos", a, Transforms.acos(a.array(), true),
        (g, y) -> negative(divide(g, sqrt(subtract(1.0, square(a))))));
  }

  /** Arctangent. */
  public static Tensor atan(TensorLike x) {
    Tensor a = t(x);
    return unary("Atan", a, Transforms.atan(a.array(), true), (g, y) -> divide(g, add(square(a), 1.0)));
  }

  /** Hyperbolic sine. */
  public static Tensor sinh(TensorLike x) {
    Tensor a = t(x);
    return unary("Sinh", a, Transforms.sinh(a.array(), true), (g, y) -> multiply(g, cosh(a)));
  }

  /** Hyperbolic cosine. */
  public static Tensor cosh(TensorLike x) {
    Tensor a = t(x);
    return unary("Cosh", a, Transforms.cosh(a.array(), true), (g, y) -> multiply(g, sinh(a)));
  }

  /**
   * Hyperbolic tangent. libnd4j's kernel is within ~2 ulps for |x| >= 0.5 but loses digits below (all of
   * them under ~1e-8: (e^2x - 1) / (e^2x + 1)); those elements are recomputed with {@code Math.tanh}.
   */
  public static Tensor tanh(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Tanh", a);
    return unary("Tanh", a, refineNearZero(a.array(), Transforms.tanh(a.array(), true), 0.5, Math::tanh),
        (g, y) -> multiply(g, subtract(1.0, square(y))));
  }

  /** Inverse hyperbolic sine, accurate near 0 and for large |x| (fdlibm's forms, per element). */
  public static Tensor asinh(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Asinh", a);
    return unary("Asinh", a, perElement(a.array(), MathOps::asinh), (g, y) -> divide(g, sqrt(add(square(a), 1.0))));
  }

  static double asinh(double x) {
    double a = Math.abs(x);
    double r;
    if (a > 0x1p28) {
      r = Math.log(a) + LN2; // sqrt(x^2 + 1) == |x| in double
    } else if (a > 2) {
      r = Math.log(2 * a + 1 / (Math.sqrt(a * a + 1) + a));
    } else {
      double t = a * a;
      r = Math.log1p(a + t / (1 + Math.sqrt(1 + t)));
    }
    return Math.copySign(r, x);
  }

  /** Inverse hyperbolic cosine, accurate near 1 and for large x (fdlibm's forms, per element). */
  public static Tensor acosh(TensorLike x) {
    Tensor a = t(x);
    requireFloating("Acosh", a);
    return unary("Acosh", a, perElement(a.array(), MathOps::acosh),
        (g, y) -> divide(g, sqrt(subtract(square(a), 1.0))));
  }

  static double acosh(double x) {
    if (!(x >= 1)) {
      return Double.NaN;
    } else if (x > 0x1p28) {
      return Math.log(x) + LN2;
    } else if (x > 2) {
      return Math.log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
    }
    double t = x - 1;
    return Math.log1p(t + Math.sqrt(2 * t + t * t));
  }

  private static final double LN2 = Math.log(2);

  /** Inverse hyperbolic tangent. */
  public static Tensor atanh(TensorLike x) {
    Tensor a = t(x);
    return unary("Atanh", a, Transforms.atanh(a.array(), true),
        (g, y) -> divide(g, subtract(1.0, square(a))));
  }

  /** The error function. */
  public static Tensor erf(TensorLike x) {
    Tensor a = t(x);
    return unary("Erf", a, strict(new org.nd4j.linalg.api.ops.impl.transforms.strict.Erf(a.array(), a.array().ulike())),
        (g, y) -> multiply(g, multiply(exp(negative(square(a))), 2.0 / Math.sqrt(Math.PI))));
  }

  // ---------------------------------------------------------------- comparisons and logic (no gradients)

  private static Tensor compare(String op, TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    sameDType(op, a, b);
    return wrap(exec(op, new INDArray[] {a.array(), b.array()}, null, null, null));
  }

  public static Tensor equal(TensorLike x, TensorLike y) { return compare("equals", x, y); }
  public static Tensor notEqual(TensorLike x, TensorLike y) { return compare("not_equals", x, y); }
  public static Tensor less(TensorLike x, TensorLike y) { return compare("less", x, y); }
  public static Tensor lessEqual(TensorLike x, TensorLike y) { return compare("less_equal", x, y); }
  public static Tensor greater(TensorLike x, TensorLike y) { return compare("greater", x, y); }
  public static Tensor greaterEqual(TensorLike x, TensorLike y) { return compare("greater_equal", x, y); }

  public static Tensor equal(TensorLike x, double y) { Tensor a = t(x); return equal(a, scalarLike(y, a)); }
  public static Tensor less(TensorLike x, double y) { Tensor a = t(x); return less(a, scalarLike(y, a)); }
  public static Tensor greater(TensorLike x, double y) { Tensor a = t(x); return greater(a, scalarLike(y, a)); }
  public static Tensor lessEqual(TensorLike x, double y) { Tensor a = t(x); return lessEqual(a, scalarLike(y, a)); }
  public static Tensor greaterEqual(TensorLike x, double y) { Tensor a = t(x); return greaterEqual(a, scalarLike(y, a)); }

  private static Tensor logical(String op, TensorLike x, TensorLike y) {
    Tensor a = t(x), b = t(y);
    if (a.dtype() != DType.BOOL || b.dtype() != DType.BOOL) {
      throw new IllegalArgumentException(op + ": expected bool tensors, got " + a.dtype() + " and " + b.dtype());
    }
    long[] shape = Shapes.broadcast(op, a.shape(), b.shape());
    INDArray[] bc = {bcast(a.array(), shape), bcast(b.array(), shape)};
    switch (op) {
      case "LogicalAnd": return wrap(Transforms.and(bc[0], bc[1]).castTo(DataType.BOOL));
      case "LogicalOr": return wrap(Transforms.or(bc[0], bc[1]).castTo(DataType.BOOL));
      default: return wrap(Transforms.xor(bc[0], bc[1]).castTo(DataType.BOOL));
    }
  }

  public static Tensor logicalAnd(TensorLike x, TensorLike y) { return logical("LogicalAnd", x, y); }
  public static Tensor logicalOr(TensorLike x, TensorLike y) { return logical("LogicalOr", x, y); }
  public static Tensor logicalXor(TensorLike x, TensorLike y) { return logical("LogicalXor", x, y); }

  public static Tensor logicalNot(TensorLike x) {
    Tensor a = t(x);
    if (a.dtype() != DType.BOOL) {
      throw new IllegalArgumentException("LogicalNot: expected a bool tensor, got " + a.dtype());
    }
    return wrap(Transforms.not(a.array()).castTo(DataType.BOOL));
  }

}

package dev.tapekit.core.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Moves array contents between ND4J's off-heap buffers and Java arrays in row-major order.
 *
 * <p>With {@link FastKernels} off (a non-CPU ND4J backend) every method goes through ND4J's own API,
 * which keeps host and device copies in step, instead of a {@link NativeView}.
 */
public final class Buffers {
  private Buffers() {}

  /**
   * True when the array's elements are exactly its buffer's, in row-major order: its own memory, or a
   * view of a contiguous run (a reshape, a range of rows). Such arrays are read with one memcpy.
   */
  public static boolean dense(INDArray a) {
    return a.ordering() == 'c' && a.data().length() == a.length() && Shape.hasDefaultStridesForShape(a);
  }

  /** The array itself when {@link #dense}, else a row-major copy. */
  public static INDArray rowMajor(INDArray a) {
    return dense(a) ? a : a.dup('c');
  }

  /** Copies {@code from} into {@code to} (same shape): one memcpy when both are dense and of one dtype. */
  public static void copy(INDArray from, INDArray to) {
    if (FastKernels.enabled() && from.dataType() == to.dataType() && from.length() == to.length() && dense(from)
        && dense(to)) {
      try (NativeView f = NativeView.of(from); NativeView t = NativeView.of(to)) {
        t.copyFrom(f, from.length() * from.dataType().width());
      }
    } else {
      to.assign(from);
    }
  }

  /** The elements in row-major order as doubles (one copy, converting float32). */
  public static double[] doubles(INDArray a) {
    INDArray d = rowMajor(a);
    return d.data().asDouble();
  }

  /** An array of {@code dtype} (float32 or float64) holding {@code values} in row-major order. */
  public static INDArray create(double[] values, DataType dtype, long[] shape) {
    if (values.length == 0) {
      return Nd4j.create(dtype, shape);
    }
    if (shape.length == 0) {
      return Nd4j.scalar(dtype, values[0]);
    }
    if (!FastKernels.enabled()) {
      return Nd4j.create(values, shape, 'c').castTo(dtype);
    }
    INDArray out = ArrayPool.take(dtype, shape);
    try (NativeView o = NativeView.of(out)) {
      if (dtype == DataType.DOUBLE) {
        o.writeDoubles(0, values, values.length);
        return out;
      }
      float[] f = new float[values.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = (float) values[i];
      }
      o.write(0, f, f.length);
    }
    return out;
  }

  /** True for a dense float32 array of at most {@code limit} elements: the arrays Java loops handle. */
  public static boolean denseFloats(INDArray a, long limit) {
    return a.dataType() == DataType.FLOAT && a.length() <= limit && a.length() > 0 && dense(a);
  }

  /** Copies a dense float32 array into {@code into} (one JNI bulk copy, no buffer objects). */
  public static float[] read(INDArray a, float[] into) {
    if (!FastKernels.enabled()) {
      float[] all = a.dup('c').data().asFloat();
      System.arraycopy(all, 0, into, 0, all.length);
      return into;
    }
    return NativeView.of(a).read(0, into, (int) a.length());
  }

  /** A new float32 array of {@code shape} holding the first elements of {@code values}. */
  public static INDArray write(float[] values, long[] shape) {
    if (!FastKernels.enabled()) {
      return Nd4j.create(java.util.Arrays.copyOf(values, (int) shapeLength(shape)), shape, 'c');
    }
    INDArray out = ArrayPool.take(DataType.FLOAT, shape);
    NativeView.of(out).write(0, values, (int) out.length());
    return out;
  }

  /** An array of {@code shape} with every element {@code value}. */
  public static INDArray filled(long[] shape, double value, DataType dtype) {
    for (long d : shape) {
      if (d == 0) {
        return Nd4j.create(dtype, shape);
      }
    }
    INDArray out = ArrayPool.take(dtype, shape);
    long n = out.length();
    if (n > 1 << 16 || (dtype != DataType.FLOAT && dtype != DataType.DOUBLE) || !FastKernels.enabled()) {
      return out.assign(value); // one ND4J op
    }
    if (dtype == DataType.FLOAT) {
      float[] f = new float[(int) n];
      java.util.Arrays.fill(f, (float) value);
      NativeView.of(out).write(0, f, f.length);
    } else {
      double[] d = new double[(int) n];
      java.util.Arrays.fill(d, value);
      NativeView.of(out).writeDoubles(0, d, d.length);
    }
    return out;
  }

  /** All elements of a float32 array, row-major, in a new Java array (one memcpy when dense). */
  public static float[] floats(INDArray a) {
    INDArray d = rowMajor(a);
    float[] out = new float[(int) d.length()];
    return read(d, out);
  }

  /** The raw bits of a dense float32 array's elements, into {@code into}. */
  public static int[] readBits(INDArray a, int[] into) {
    return NativeView.of(a).readInts(0, into, (int) a.length());
  }

  /** A float32 array of {@code shape} whose elements have the given raw bits. */
  public static INDArray writeBits(int[] bits, long[] shape) {
    INDArray out = ArrayPool.take(DataType.FLOAT, shape);
    NativeView.of(out).writeInts(0, bits, (int) out.length());
    return out;
  }

  private static long shapeLength(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }
}

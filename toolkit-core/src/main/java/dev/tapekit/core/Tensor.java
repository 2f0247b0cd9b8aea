package dev.tapekit.core;

import dev.tapekit.core.backend.Backend;
import dev.tapekit.core.kernels.Buffers;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable n-dimensional value, like {@code tf.Tensor}: an ND4J array plus its dtype.
 *
 * <p>Ops never write into a tensor's array. The tape identifies tensors by object identity, so two
 * tensors with equal contents are still different nodes of the graph.
 */
public final class Tensor implements TensorLike {
  static {
    Backend.ensureInitialized();
  }

  private final INDArray array;
  private final DType dtype;
  /** Set when the TensorScope that tracked this tensor closed; its memory may hold other data now. */
  private boolean released;
  /** True for an op's own output, whose memory its scope may recycle; false for aliases of other memory. */
  private final boolean ownsMemory;

  private Tensor(INDArray array) {
    this(array, false);
  }

  private Tensor(INDArray array, boolean ownsMemory) {
    this.array = array;
    this.dtype = DType.of(array.dataType());
    this.ownsMemory = ownsMemory;
  }

  /** Wraps an op's output without copying; an open {@link TensorScope} releases it later. */
  static Tensor wrap(INDArray array) {
    Tensor t = new Tensor(array, true);
    TensorScope.track(t);
    return t;
  }

  /**
   * A new tensor over another tensor's memory (stop_gradient, custom gradients): released with its
   * scope like an op output, but the memory is never recycled from it.
   */
  static Tensor alias(INDArray array) {
    Tensor t = new Tensor(array, false);
    TensorScope.track(t);
    return t;
  }

  boolean ownsMemory() {
    return ownsMemory;
  }

  void release() {
    released = true;
  }

  /** Wraps storage that outlives scopes (variables), without tracking it. */
  static Tensor wrapOwned(INDArray array) {
    return new Tensor(array);
  }

  // ---------------------------------------------------------------- factories

  /** A float32 scalar. */
  public static Tensor scalar(double value) {
    return scalar(value, DType.FLOAT32);
  }

  /** A scalar of the given dtype. */
  public static Tensor scalar(double value, DType dtype) {
    return new Tensor(Nd4j.scalar(value).castTo(dtype.nd4j()));
  }

  /** A float32 tensor from row-major data; no shape means a vector. */
  public static Tensor of(float[] data, long... shape) {
    return new Tensor(Nd4j.create(data.clone(), checkShape(data.length, shape), 'c'));
  }

  /** A float64 tensor of exactly this shape (an empty shape is a scalar). */
  static Tensor exact(double[] data, long[] shape) {
    if (shape.length == 0) {
      return scalar(data[0], DType.FLOAT64);
    }
    return of(data, shape);
  }

  /** A float64 tensor from row-major data; no shape means a vector. */
  public static Tensor of(double[] data, long... shape) {
    return new Tensor(Nd4j.create(data.clone(), checkShape(data.length, shape), 'c'));
  }

  /** An int32 tensor from row-major data; no shape means a vector. */
  public static Tensor of(int[] data, long... shape) {
    return new Tensor(Nd4j.createFromArray(data.clone()).reshape('c', checkShape(data.length, shape)));
  }

  /** An int64 tensor from row-major data; no shape means a vector. */
  public static Tensor ofLongs(long[] data, long... shape) {
    return new Tensor(Nd4j.createFromArray(data.clone()).reshape('c', checkShape(data.length, shape)));
  }

  /** A bool tensor from row-major data; no shape means a vector. */
  public static Tensor of(boolean[] data, long... shape) {
    return new Tensor(Nd4j.createFromArray(data.clone()).reshape('c', checkShape(data.length, shape)));
  }

  /** A float32 matrix from rows of equal length. */
  public static Tensor of(float[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    float[] flat = new float[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      requireRowLength(rows[r].length, cols, r);
      System.arraycopy(rows[r], 0, flat, r * cols, cols);
    }
    return of(flat, rows.length, cols);
  }

  /** A float64 matrix from rows of equal length. */
  public static Tensor of(double[][] rows) {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    double[] flat = new double[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      requireRowLength(rows[r].length, cols, r);
      System.arraycopy(rows[r], 0, flat, r * cols, cols);
    }
    return of(flat, rows.length, cols);
  }

  /** Zeros of a dtype and shape. */
  public static Tensor zeros(DType dtype, long... shape) {
    return new Tensor(Nd4j.zeros(dtype.nd4j(), checkShape(-1, shape)));
  }

  /** Float32 zeros. */
  public static Tensor zeros(long... shape) {
    return zeros(DType.FLOAT32, shape);
  }

  /** Ones of a dtype and shape. */
  public static Tensor ones(DType dtype, long... shape) {
    return new Tensor(Nd4j.ones(dtype.nd4j(), checkShape(-1, shape)));
  }

  /** Float32 ones. */
  public static Tensor ones(long... shape) {
    return ones(DType.FLOAT32, shape);
  }

  /** A float32 identity matrix of size n ({@code tf.eye(n)}). */
  public static Tensor eye(long n) {
    return eye(n, n, DType.FLOAT32);
  }

  /** A rows x cols matrix with ones on the main diagonal and zeros elsewhere ({@code tf.eye}). */
  public static Tensor eye(long rows, long cols, DType dtype) {
    INDArray a = Nd4j.zeros(dtype.nd4j(), checkShape(-1, new long[] {rows, cols}));
    for (long i = 0, n = Math.min(rows, cols); i < n; i++) {
      a.putScalar(new long[] {i, i}, 1);
    }
    return new Tensor(a);
  }

  /** A tensor of one value. */
  public static Tensor fill(DType dtype, double value, long... shape) {
    return new Tensor(Nd4j.valueArrayOf(checkShape(-1, shape), value, dtype.nd4j()));
  }

  /** Seeded uniform values in [minval, maxval), float32 (like {@code tf.random.uniform}). */
  public static Tensor randomUniform(long[] shape, double minval, double maxval, long seed) {
    return Ops.randomUniform(shape, minval, maxval, DType.FLOAT32, seed);
  }

  /** Seeded normal values, float32 (like {@code tf.random.normal}). */
  public static Tensor randomNormal(long[] shape, double mean, double stddev, long seed) {
    return Ops.randomNormal(shape, mean, stddev, DType.FLOAT32, seed);
  }

  /** Seeded normal values cut at two standard deviations, float32. */
  public static Tensor truncatedNormal(long[] shape, double mean, double stddev, long seed) {
    return Ops.truncatedNormal(shape, mean, stddev, DType.FLOAT32, seed);
  }

  /**
   * A tensor over an ND4J array, without copying. The tensor takes the array over: do not write into it
   * afterwards. Arrays of ND4J types tapekit does not support are rejected.
   */
  public static Tensor fromINDArray(INDArray array) {
    if (array == null) {
      throw new IllegalArgumentException("fromINDArray: array is null");
    }
    return new Tensor(array);
  }

  private static long[] checkShape(int length, long[] shape) {
    if (shape.length == 0 && length >= 0) {
      return new long[] {length};
    }
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("Dimensions must be non-negative, got shape " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (length >= 0 && n != length) {
      throw new IllegalArgumentException("Cannot make a tensor of shape " + Shapes.str(shape)
          + " (" + n + " elements) from " + length + " values");
    }
    return shape;
  }

  private static void requireRowLength(int got, int want, int row) {
    if (got != want) {
      throw new IllegalArgumentException("Rows must have equal length: row 0 has " + want
          + " values, row " + row + " has " + got);
    }
  }

  // ---------------------------------------------------------------- accessors

  @Override
  public Tensor read() {
    return this;
  }

  @Override
  public long[] shape() {
    return array.shape();
  }

  /** Number of dimensions. */
  public int rank() {
    return array.rank();
  }

  /** Number of elements. */
  public long size() {
    return array.length();
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  /** The value of a one-element tensor. */
  public double doubleValue() {
    return one("doubleValue").getDouble(0);
  }

  /** The value of a one-element tensor as a float. */
  public float floatValue() {
    return (float) one("floatValue").getDouble(0);
  }

  /**
   * The value of a one-element tensor as a long: exact for int32 and int64, truncated toward zero for
   * floating values (as Java's cast and Python's {@code int(t)}).
   */
  public long longValue() {
    INDArray a = one("longValue");
    return dtype.isFloating() ? (long) a.getDouble(0) : a.getLong(0);
  }

  private INDArray one(String accessor) {
    INDArray a = array();
    if (a.length() != 1) {
      throw new IllegalStateException(accessor + "() needs a one-element tensor, got shape " + Shapes.str(shape()));
    }
    return a;
  }

  /** All elements, flat and row-major. */
  public double[] toDoubleArray() {
    return array().length() == 0 ? new double[0] : dense(DataType.DOUBLE).data().asDouble();
  }

  /** All elements as floats, flat and row-major. */
  public float[] toFloatArray() {
    return array().length() == 0 ? new float[0] : dense(DataType.FLOAT).data().asFloat();
  }

  /** All elements as longs (integer and bool tensors), flat and row-major. */
  public long[] toLongArray() {
    return array().length() == 0 ? new long[0] : dense(DataType.LONG).data().asLong();
  }

  /** The array itself when it is its own row-major buffer of {@code type}, else a converted copy. */
  private INDArray dense(DataType type) {
    INDArray a = array();
    return a.dataType() == type && Buffers.dense(a) ? a : a.castTo(type).dup('c');
  }

  /** A copy of the values as an ND4J array, free to modify. */
  public INDArray toINDArray() {
    return array().dup('c');
  }

  /**
   * The backing ND4J array, shared and not copied. For tapekit's own modules and fast paths: never
   * write into it.
   */
  public INDArray array() {
    if (released) {
      throw new IllegalStateException("this tensor (" + dtype + " " + java.util.Arrays.toString(array.shape())
          + ") was released when the TensorScope it was made in closed; keep it with scope.keep(tensor)");
    }
    return array;
  }

  // NOTE: the frequent ops as methods (add, mul, square, reduceSum, ...) are TensorLike's default
  // methods, shared with Variable.

  /** Reads like TensorFlow's: {@code Tensor(6.0, shape=(), dtype=float32)}. */
  @Override
  public String toString() {
    return "Tensor(" + (released ? "<released>" : Formatting.values(array, dtype)) + ", shape=" + Shapes.str(shape())
        + ", dtype=" + dtype + ")";
  }
}

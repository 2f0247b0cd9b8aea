package dev.tapekit.core.kernels;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Small float32 element-wise ops as Java loops over heap copies.
 *
 * <p>NOTE: an ND4J op costs 10-25 us per call whatever its size (op objects, shape calculation, JNI);
 * copying a dense float32 array to the heap and back is one JNI memcpy each way, and the JIT
 * vectorises the loops in between. Measured on the development VM, below about 64k elements this is
 * the cheaper way (docs/benchmarks.md); larger arrays stay with ND4J's multithreaded kernels.
 */
public final class Elementwise {
  private Elementwise() {}

  /** Arrays up to this many elements take the Java path. */
  public static final long LIMIT = 1 << 16;

  private static final ThreadLocal<float[][]> SCRATCH =
      ThreadLocal.withInitial(() -> new float[][] {new float[(int) LIMIT], new float[(int) LIMIT]});

  /** True when every array given is a dense float32 array small enough for these loops. */
  public static boolean applies(INDArray... arrays) {
    for (INDArray a : arrays) {
      if (!Buffers.smallFloats(a, LIMIT)) {
        return false;
      }
    }
    return true;
  }

  /** {@code value + bias} with {@code bias} repeated along the last axis. */
  public static INDArray addBias(INDArray value, INDArray bias) {
    float[][] s = SCRATCH.get();
    float[] v = Buffers.read(value, s[0]);
    float[] b = Buffers.read(bias, s[1]);
    int n = (int) value.length();
    int cols = (int) bias.length();
    for (int start = 0; start < n; start += cols) {
      for (int j = 0; j < cols; j++) {
        v[start + j] += b[j];
      }
    }
    return Buffers.write(v, value.shape());
  }

  /** Sums of {@code g} over all axes but the last: the gradient of a bias. */
  public static INDArray sumToLastAxis(INDArray g, long[] shape) {
    float[][] s = SCRATCH.get();
    float[] x = Buffers.read(g, s[0]);
    int n = (int) g.length();
    int cols = (int) g.size(g.rank() - 1);
    float[] sums = s[1];
    java.util.Arrays.fill(sums, 0, cols, 0f);
    for (int start = 0; start < n; start += cols) {
      for (int j = 0; j < cols; j++) {
        sums[j] += x[start + j];
      }
    }
    return Buffers.write(sums, shape);
  }

  /** max(x, 0). */
  public static INDArray relu(INDArray x) {
    float[] v = Buffers.read(x, SCRATCH.get()[0]);
    for (int i = 0, n = (int) x.length(); i < n; i++) {
      v[i] = Math.max(v[i], 0f);
    }
    return Buffers.write(v, x.shape());
  }

  /** {@code gradients} where {@code features > 0}, else 0 (TensorFlow's ReluGrad). */
  public static INDArray reluGrad(INDArray gradients, INDArray features) {
    float[][] s = SCRATCH.get();
    float[] g = Buffers.read(gradients, s[0]);
    float[] f = Buffers.read(features, s[1]);
    for (int i = 0, n = (int) gradients.length(); i < n; i++) {
      g[i] = f[i] > 0f ? g[i] : 0f;
    }
    return Buffers.write(g, gradients.shape());
  }

  /** {@code scale * sum(x)} over every element, accumulated in double, as an array of {@code shape}. */
  public static INDArray total(INDArray x, double scale, long[] shape) {
    float[] v = Buffers.read(x, SCRATCH.get()[0]);
    double sum = 0;
    for (int i = 0, n = (int) x.length(); i < n; i++) {
      sum += v[i];
    }
    float[] out = SCRATCH.get()[1];
    out[0] = (float) (sum * scale);
    return Buffers.write(out, shape);
  }

  /**
   * True when {@link #binary} handles the pair: both small dense float32, of the same shape or one of
   * them a single element.
   */
  public static boolean appliesToPair(INDArray a, INDArray b) {
    return applies(a, b) && (a.length() == 1 || b.length() == 1 || java.util.Arrays.equals(a.shape(), b.shape()));
  }

  /** {@code a op b} for op one of + - * /, broadcasting a one-element operand (see appliesToPair). */
  public static INDArray binary(char op, INDArray a, INDArray b, long[] shape) {
    float[][] s = SCRATCH.get();
    float[] x = Buffers.read(a, s[0]);
    float[] y = Buffers.read(b, s[1]);
    int n = (int) Math.max(a.length(), b.length());
    if (a.length() == n && b.length() == n) {
      switch (op) {
        case '+' -> { for (int i = 0; i < n; i++) x[i] += y[i]; }
        case '-' -> { for (int i = 0; i < n; i++) x[i] -= y[i]; }
        case '*' -> { for (int i = 0; i < n; i++) x[i] *= y[i]; }
        default -> { for (int i = 0; i < n; i++) x[i] /= y[i]; }
      }
      return Buffers.write(x, shape);
    }
    if (b.length() == 1) {
      float c = y[0];
      switch (op) {
        case '+' -> { for (int i = 0; i < n; i++) x[i] += c; }
        case '-' -> { for (int i = 0; i < n; i++) x[i] -= c; }
        case '*' -> { for (int i = 0; i < n; i++) x[i] *= c; }
        default -> { for (int i = 0; i < n; i++) x[i] /= c; }
      }
      return Buffers.write(x, shape);
    }
    float c = x[0];
    switch (op) {
      case '+' -> { for (int i = 0; i < n; i++) y[i] = c + y[i]; }
      case '-' -> { for (int i = 0; i < n; i++) y[i] = c - y[i]; }
      case '*' -> { for (int i = 0; i < n; i++) y[i] = c * y[i]; }
      default -> { for (int i = 0; i < n; i++) y[i] = c / y[i]; }
    }
    return Buffers.write(y, shape);
  }
}

package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.backend.Denormals;
import java.util.List;
import java.util.Random;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The float32 fast paths (Java kernels, direct CBLAS, fused cross-entropy, array pool) against the
 * float64 computation of the same ops, which takes ND4J's kernels. OpTableTest checks the gradient
 * rules in float64; this checks that the float32 paths compute the same values and gradients.
 */
class FastPathsTest {
  private static final Random RANDOM = new Random(11);

  private static Tensor random(long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) RANDOM.nextGaussian();
    }
    return Tensor.of(v, shape);
  }

  private static Tensor f64(Tensor t) {
    return Ops.cast(t, DType.FLOAT64);
  }

  /** float32 result against the float64 one, to float32 precision. */
  private static void assertClose(Tensor expected64, Tensor actual32) {
    assertClose(expected64, actual32, 1e-5);
  }

  private static void assertClose(Tensor expected64, Tensor actual32, double relative) {
    assertEquals(DType.FLOAT32, actual32.dtype());
    assertArrayEquals(expected64.shape(), actual32.shape());
    double[] e = expected64.toDoubleArray();
    double[] a = actual32.toDoubleArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], relative * Math.max(1, Math.abs(e[i])), "element " + i);
    }
  }

  private static void unary(UnaryOperator<Tensor> op, Tensor x) {
    assertClose(op.apply(f64(x)), op.apply(x));
  }

  private static void binary(BinaryOperator<Tensor> op, Tensor x, Tensor y) {
    assertClose(op.apply(f64(x), f64(y)), op.apply(x, y));
  }

  @Test
  void elementwiseOpsMatchFloat64InOneChunkAndInMany() {
    for (long[] shape : new long[][] {{7, 16}, {3100, 24}, {2, 40000}}) { // 1 chunk, several, rows > a chunk
      Tensor x = random(shape);
      Tensor y = random(shape);
      Tensor s = random();
      Tensor bias = random(shape[1]);
      unary(Ops::relu, x);
      binary(Ops::biasAdd, x, bias);
      binary(Ops::biasAddRelu, x, bias);
      binary(Ops::reluGrad, y, x);
      binary(Ops::add, x, y);
      binary(Ops::subtract, x, s);
      binary(Ops::multiply, s, y);
      binary(Ops::divide, x, Ops.add(Ops.abs(y), 1.0));
      binary(Ops::divide, s, Ops.add(Ops.abs(y), 1.0));
      unary(Ops::reduceSum, x);
      unary(Ops::reduceMean, x);
    }
  }

  @Test
  void matmulThroughCblasMatchesNd4jForEveryTransposeAndLayout() {
    INDArray big = random(9, 12).array();
    INDArray rows = big.get(NDArrayIndex.interval(2, 7), NDArrayIndex.all()); // a view, contiguous rows
    INDArray cols = big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 6)); // strided: copied first
    Tensor b = random(12, 5);
    for (boolean ta : new boolean[] {false, true}) {
      for (boolean tb : new boolean[] {false, true}) {
        Tensor x = ta ? Tensor.fromINDArray(rows.transpose().dup('c')) : Tensor.fromINDArray(rows);
        Tensor y = tb ? Tensor.fromINDArray(b.array().transpose().dup('c')) : b;
        Tensor got = Ops.matmul(x, y, ta, tb);
        INDArray want = Nd4j.gemm(x.array().dup('c'), y.array().dup('c'), ta, tb);
        assertArrayEquals(want.data().asFloat(), got.toFloatArray(), 1e-5f, "ta=" + ta + " tb=" + tb);
      }
    }
    Tensor strided = Tensor.fromINDArray(cols);
    Tensor w = random(5, 3);
    assertArrayEquals(Nd4j.gemm(cols.dup('c'), w.array(), false, false).data().asFloat(),
        Ops.matmul(strided, w).toFloatArray(), 1e-5f);
    binary(Ops::matmul, random(6, 4), random(4, 3));
    // ND4J strides a one-row matrix [1, n] as [1, 1]: BLAS still needs lda >= n (a data-parallel shard)
    Tensor row = random(1, 16);
    binary(Ops::matmul, row, random(16, 4));
    binary((p, q) -> Ops.matmul(p, q, true, false), row, random(1, 4));
    binary((p, q) -> Ops.matmul(p, q, false, true), random(1, 4), random(16, 4));
    binary(Ops::matmul, random(5, 1), random(1, 3));
  }

  @Test
  void convolutionAndPoolingKernelsMatchFloat64ForEveryGeometry() {
    Object[][] cases = { // input h, w, kernel, stride, dilation, padding
        {7, 7, 3, 1, 1, "VALID"}, {8, 6, 3, 2, 1, "SAME"}, {9, 9, 3, 1, 2, "SAME"}, {5, 6, 1, 1, 1, "VALID"},
        {6, 7, 2, 3, 1, "SAME"}, {10, 8, 5, 2, 1, "VALID"}};
    for (Object[] c : cases) {
      int h = (int) c[0], w = (int) c[1], k = (int) c[2], st = (int) c[3], dil = (int) c[4];
      String pad = (String) c[5];
      String where = java.util.Arrays.toString(c);
      Tensor x = random(2, h, w, 3);
      Tensor f = random(k, k, 3, 4);
      int[] strides = {st, st};
      int[] dilations = {dil, dil};
      Tensor y32 = Ops.conv2d(x, f, strides, pad, dilations);
      assertClose(Ops.conv2d(f64(x), f64(f), strides, pad, dilations), y32);
      Tensor up = random(y32.shape());
      assertClose(Ops.conv2dBackpropInput(x.shape(), f64(f), f64(up), strides, pad, dilations),
          Ops.conv2dBackpropInput(x.shape(), f, up, strides, pad, dilations));
      assertClose(Ops.conv2dBackpropFilter(f64(x), f.shape(), f64(up), strides, pad, dilations),
          Ops.conv2dBackpropFilter(x, f.shape(), up, strides, pad, dilations));
      // NOTE: a fixed upstream (not one computed from y): an upstream derived from the float32 output
      // carries y's rounding times its derivative, and that alone reached 1.4e-4 on some CPUs' BLAS
      Tensor g = random(y32.shape());
      Tensor[] g32 = convGradients(x, f, g, strides, pad, dilations);
      Tensor[] g64 = convGradients(f64(x), f64(f), f64(g), strides, pad, dilations);
      assertClose(g64[0], g32[0]);
      assertClose(g64[1], g32[1]);
      if (dil == 1) {
        int[] ks = {k, k};
        Tensor p32 = Ops.maxPool2d(x, ks, strides, pad);
        assertClose(Ops.maxPool2d(f64(x), ks, strides, pad), p32);
        Tensor pu = random(p32.shape());
        assertClose(Ops.maxPool2dGrad(f64(x), f64(pu), ks, strides, pad), Ops.maxPool2dGrad(x, pu, ks, strides, pad));
        // through a tape: float32 keeps the forward pass's argmax and scatters; float64 runs MaxPoolGrad
        assertClose(poolGradient(f64(x), f64(pu), ks, strides, pad), poolGradient(x, pu, ks, strides, pad));
      }
      assertEquals(4, y32.shape()[3], where);
    }
  }

  private static Tensor poolGradient(Tensor x0, Tensor up, int[] ks, int[] strides, String pad) {
    Variable x = new Variable(x0);
    try (GradientTape tape = new GradientTape()) {
      Tensor loss = Ops.reduceSum(Ops.multiply(Ops.maxPool2d(x, ks, strides, pad), up));
      return tape.gradient(loss, x);
    }
  }

  private static Tensor[] convGradients(Tensor x0, Tensor f0, Tensor upstream, int[] strides, String pad,
      int[] dilations) {
    Variable x = new Variable(x0);
    Variable f = new Variable(f0);
    try (GradientTape tape = new GradientTape()) {
      Tensor y = Ops.conv2d(x, f, strides, pad, dilations);
      Tensor loss = Ops.reduceSum(Ops.multiply(y, upstream));
      return tape.gradient(loss, List.of(x, f)).toArray(new Tensor[0]);
    }
  }


  @Test
  void fusedCrossEntropiesMatchFloat64InValueAndGradient() {
    Tensor logits = Ops.multiply(random(6, 5), 20.0); // far-apart logits
    Tensor labels = Tensor.ofLongs(new long[] {0, 4, 2, 2, 1, 3});
    Tensor dist = Ops.softmax(random(6, 5));
    binary((z, a) -> Ops.softmaxCrossEntropyWithLogits(z, a), dist, logits);
    assertClose(Ops.sparseSoftmaxCrossEntropyWithLogits(labels, f64(logits)),
        Ops.sparseSoftmaxCrossEntropyWithLogits(labels, logits));
    for (boolean sparse : new boolean[] {true, false}) {
      Tensor[] g32 = crossEntropyGradients(sparse, labels, dist, logits);
      Tensor[] g64 = crossEntropyGradients(sparse, labels, f64(dist), f64(logits));
      assertClose(g64[0], g32[0]);
      if (!sparse) {
        assertClose(g64[1], g32[1]);
      }
    }
  }

  private static Tensor[] crossEntropyGradients(boolean sparse, Tensor ids, Tensor dist, Tensor logits) {
    Variable a = new Variable(logits);
    Variable z = new Variable(dist);
    try (GradientTape tape = new GradientTape()) {
      Tensor per = sparse ? Ops.sparseSoftmaxCrossEntropyWithLogits(ids, a) : Ops.softmaxCrossEntropyWithLogits(z, a);
      Tensor loss = Ops.reduceSum(Ops.multiply(per, Tensor.of(new float[] {1, 2, 3, 4, 5, 6}).cast(a.dtype())));
      List<Tensor> g = tape.gradient(loss, List.of(a, z));
      return g.toArray(new Tensor[0]);
    }
  }

  @Test
  void fusedBiasReluHasTheGradientsOfItsTwoOps() {
    for (long[] shape : new long[][] {{5, 8}, {3000, 24}}) {
      Tensor x = random(shape);
      Tensor b = random(shape[1]);
      Tensor up = random(shape);
      Tensor[] fused = biasReluGradients(x, b, up, true);
      Tensor[] apart = biasReluGradients(x, b, up, false);
      assertArrayEquals(apart[0].toFloatArray(), fused[0].toFloatArray(), 0f);
      assertArrayEquals(apart[1].toFloatArray(), fused[1].toFloatArray(), 1e-4f);
      assertArrayEquals(apart[2].toFloatArray(), fused[2].toFloatArray(), 0f);
      Tensor[] f64 = biasReluGradients(f64(x), f64(b), f64(up), true);
      assertClose(f64[1], fused[1]);
    }
  }

  private static Tensor[] biasReluGradients(Tensor x0, Tensor b0, Tensor up, boolean fused) {
    Variable x = new Variable(x0);
    Variable b = new Variable(b0);
    try (GradientTape tape = new GradientTape()) {
      Tensor y = fused ? Ops.biasAddRelu(x, b) : Ops.relu(Ops.biasAdd(x, b));
      Tensor loss = Ops.reduceSum(Ops.multiply(y, up.cast(y.dtype())));
      List<Tensor> g = tape.gradient(loss, List.of(x, b));
      return new Tensor[] {g.get(0), g.get(1), y};
    }
  }

  @Test
  void trainingGradientsInFloat32MatchFloat64() {
    Tensor x = random(8, 6);
    Tensor[] g32 = denseGradients(x, random(6, 4), random(4));
    Tensor[] g64 = denseGradients(f64(x), f64(Tensor.fromINDArray(lastW)), f64(Tensor.fromINDArray(lastB)));
    for (int i = 0; i < g32.length; i++) {
      assertClose(g64[i], g32[i]);
    }
  }

  private static INDArray lastW;
  private static INDArray lastB;

  private static Tensor[] denseGradients(Tensor x, Tensor w0, Tensor b0) {
    lastW = w0.toINDArray();
    lastB = b0.toINDArray();
    Variable w = new Variable(w0);
    Variable b = new Variable(b0);
    try (GradientTape tape = new GradientTape()) {
      Tensor h = Ops.relu(Ops.biasAdd(Ops.matmul(x, w), b));
      Tensor loss = Ops.divide(Ops.reduceSum(Ops.square(h)), 8.0);
      return tape.gradient(loss, List.of(w, b)).toArray(new Tensor[0]);
    }
  }

  @Test
  void scopesRecycleMemoryAndReleasedTensorsSayWhy() {
    Tensor a = random(4, 3);
    Tensor b = random(3, 2);
    INDArray first;
    Tensor escaped;
    try (TensorScope scope = TensorScope.open()) {
      escaped = Ops.matmul(a, b);
      first = escaped.array();
    }
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Ops.add(escaped, 1.0));
    assertTrue(e.getMessage().contains("released"), e.getMessage());
    assertTrue(escaped.toString().contains("<released>"));
    try (TensorScope scope = TensorScope.open()) {
      Tensor again = Ops.matmul(a, b);
      assertSame(first, again.array(), "the released array serves the next product of the same shape");
      Tensor other = Ops.matmul(a, b);
      assertNotSame(again.array(), other.array(), "a pooled array is handed out once");
      assertArrayEquals(Nd4j.gemm(a.array(), b.array(), false, false).data().asFloat(), other.toFloatArray(), 0f);
    }
  }

  @Test
  void backwardPassFlushesSubnormalsAsTensorFlowDoes() {
    Variable x = new Variable(Tensor.of(new float[] {1e-20f}));
    Tensor g;
    try (GradientTape tape = new GradientTape()) {
      g = tape.gradient(Ops.multiply(Ops.multiply(x, 1e-20), 1e-20), x);
    }
    if (System.getProperty("os.name").startsWith("Linux") && System.getProperty("os.arch").equals("amd64")) {
      assertTrue(Denormals.enabled(), "flushing is available on Linux x86-64");
    }
    float expected = Denormals.enabled() ? 0f : 1e-40f; // 1e-40 is below float32's smallest normal
    assertEquals(expected, g.toFloatArray()[0], 0f);
    assertTrue(Float.MIN_NORMAL / nonConstant(4f) > 0f, "the caller's mode is restored after the pass");
  }

  private static float nonConstant(float v) {
    return Float.parseFloat(Float.toString(v));
  }
}

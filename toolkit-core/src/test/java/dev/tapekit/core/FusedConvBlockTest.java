package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Ops#conv2dBiasReluMaxPool}, the fused conv -> bias -> relu -> max pool block, against the four
 * ops it replaces: the same value and first-order gradients bit for bit (a fused model trains exactly as
 * the unfused one), second order through the unfused rules.
 */
class FusedConvBlockTest {
  /** A conv + pool configuration: input, filter shape, conv stride/padding, pool size. */
  record Case(String name, long[] x, long[] w, int stride, String padding, int pool, double biasShift) {}

  static final List<Case> CASES = List.of(
      // the MNIST tutorial CNN's first block (W3) and its second block (11x11 leaves a row and column out)
      new Case("W3 block", new long[] {64, 28, 28, 1}, new long[] {3, 3, 1, 32}, 1, "VALID", 2, 0),
      new Case("second block", new long[] {16, 13, 13, 32}, new long[] {3, 3, 32, 64}, 1, "VALID", 2, 0),
      // SAME padding and a stride, odd sizes, a 3x3 pool
      new Case("strided SAME", new long[] {5, 17, 15, 3}, new long[] {3, 3, 3, 8}, 2, "SAME", 3, 0),
      // images larger than a block: blocks of image rows (partial images)
      new Case("large images", new long[] {2, 64, 64, 16}, new long[] {3, 3, 16, 32}, 1, "SAME", 2, 0),
      // rows so wide that a pooled row's windows span more than a bias-sum slot: dense bias sums
      new Case("wide rows", new long[] {1, 6, 260, 2}, new long[] {3, 3, 2, 32}, 1, "SAME", 2, 0),
      // a 3x3 pool where the block rows are not a multiple of 3: the composition itself
      new Case("unfusable", new long[] {2, 64, 64, 16}, new long[] {3, 3, 16, 32}, 1, "SAME", 3, 0),
      // mostly dead units: zero windows (the argmax is relu's zero) and ties
      new Case("dead units", new long[] {8, 12, 12, 4}, new long[] {2, 2, 4, 6}, 1, "VALID", 2, -2.5));

  private static Tensor random(Random r, long... shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Tensor.of(v, shape);
  }

  private static Tensor fused(Case c, TensorLike x, TensorLike w, TensorLike b) {
    return Ops.conv2dBiasReluMaxPool(x, w, b, new int[] {c.stride, c.stride}, c.padding, null,
        new int[] {c.pool, c.pool}, new int[] {c.pool, c.pool}, "VALID");
  }

  private static Tensor apart(Case c, TensorLike x, TensorLike w, TensorLike b) {
    return Ops.maxPool2d(Ops.biasAddRelu(Ops.conv2d(x, w, new int[] {c.stride, c.stride}, c.padding, null), b),
        new int[] {c.pool, c.pool}, new int[] {c.pool, c.pool}, "VALID");
  }

  private static Tensor[] inputs(Case c, long seed) {
    Random r = new Random(seed);
    Tensor x = random(r, c.x);
    Tensor w = Ops.multiply(random(r, c.w), (float) (1 / Math.sqrt(c.w[0] * c.w[1] * c.w[2])));
    Tensor b = Ops.add(Ops.multiply(random(r, c.w[3]), 0.1f), (float) c.biasShift);
    return new Tensor[] {x, w, b};
  }

  @Test
  void valueEqualsTheFourOpsBitForBit() {
    for (Case c : CASES) {
      Tensor[] in = inputs(c, 1);
      Tensor got = fused(c, in[0], in[1], in[2]);
      assertArrayEquals(apart(c, in[0], in[1], in[2]).shape(), got.shape(), c.name);
      assertSameBits(c.name, apart(c, in[0], in[1], in[2]), got);
    }
  }

  @Test
  void theFusedKernelTakesEveryBlockWhoseWindowsFitItsBlocks() {
    for (Case c : CASES) {
      Tensor[] in = inputs(c, 8);
      try (GradientTape tape = new GradientTape()) {
        tape.watch(in[0]);
        fused(c, in[0], in[1], in[2]);
        // one recorded op when fused; conv2d, biasAddRelu and maxPool2d otherwise
        assertEquals(c.name.equals("unfusable") ? 3 : 1, tape.recordedOps(), c.name);
      }
    }
  }

  /** d(sum(y * up))/d{x, w, b} with y the block computed fused or apart; the input's gradient optional. */
  private static Tensor[] gradients(Case c, Tensor[] in, Tensor up, boolean fused, boolean inputGradient) {
    Variable x = new Variable(in[0]), w = new Variable(in[1]), b = new Variable(in[2]);
    try (GradientTape tape = new GradientTape()) {
      Tensor y = fused ? fused(c, x, w, b) : apart(c, x, w, b);
      Tensor loss = Ops.reduceSum(Ops.multiply(y, up));
      List<Tensor> g = inputGradient ? tape.gradient(loss, List.of(x, w, b)) : tape.gradient(loss, List.of(w, b));
      return g.toArray(new Tensor[0]);
    }
  }

  private static void assertSameBits(String what, Tensor want, Tensor got) {
    assertArrayEquals(want.shape(), got.shape(), what);
    float[] e = want.toFloatArray(), a = got.toFloatArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), what + " element " + i);
    }
  }

  private static void assertClose(String what, Tensor want, Tensor got, double tolerance) {
    assertArrayEquals(want.shape(), got.shape(), what);
    double[] e = want.toDoubleArray(), a = got.toDoubleArray();
    double scale = 0;
    for (double v : e) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], tolerance * Math.max(scale, 1e-3), what + " element " + i);
    }
  }

  @Test
  void firstOrderGradientsEqualTheFourOps() {
    for (Case c : CASES) {
      Tensor[] in = inputs(c, 2);
      Tensor up = random(new Random(3), apart(c, in[0], in[1], in[2]).shape());
      for (boolean inputGradient : new boolean[] {true, false}) {
        Tensor[] want = gradients(c, in, up, false, inputGradient);
        Tensor[] got = gradients(c, in, up, true, inputGradient);
        String[] names = inputGradient ? new String[] {"dx", "dw", "db"} : new String[] {"dw", "db"};
        for (int i = 0; i < names.length; i++) {
          assertSameBits(c.name + " " + names[i], want[i], got[i]);
        }
      }
    }
  }

  @Test
  void gradientsMatchFloat64() {
    Case c = CASES.get(2);
    Tensor[] in = inputs(c, 4);
    Tensor up = random(new Random(5), apart(c, in[0], in[1], in[2]).shape());
    Tensor[] got = gradients(c, in, up, true, true);
    Tensor[] in64 = {Ops.cast(in[0], DType.FLOAT64), Ops.cast(in[1], DType.FLOAT64), Ops.cast(in[2], DType.FLOAT64)};
    Tensor[] want = gradients(c, in64, Ops.cast(up, DType.FLOAT64), true, true);
    for (int i = 0; i < 3; i++) {
      assertClose("float32 vs float64 gradient " + i, want[i], got[i], 1e-5);
    }
  }

  @Test
  void secondOrderGradientsGoThroughTheUnfusedRules() {
    Case c = new Case("small", new long[] {2, 7, 7, 3}, new long[] {2, 2, 3, 4}, 1, "VALID", 2, 0);
    Tensor[] in = inputs(c, 6);
    Tensor up = random(new Random(7), apart(c, in[0], in[1], in[2]).shape());
    Tensor[][] results = new Tensor[2][];
    for (int k = 0; k < 2; k++) {
      Variable x = new Variable(in[0]), w = new Variable(in[1]), b = new Variable(in[2]);
      try (GradientTape outer = new GradientTape()) {
        Tensor gx;
        try (GradientTape inner = new GradientTape()) {
          Tensor y = k == 0 ? fused(c, x, w, b) : apart(c, x, w, b);
          gx = inner.gradient(Ops.reduceSum(Ops.multiply(y, up)), x);
        }
        // d/dw of sum(dLoss/dx ^ 2): nonzero, since dx is linear in w
        results[k] = outer.gradient(Ops.reduceSum(Ops.square(gx)), List.of(w, b)).toArray(new Tensor[0]);
      }
    }
    assertTrue(java.util.Arrays.stream(results[1][0].toDoubleArray()).anyMatch(v -> Math.abs(v) > 1e-3));
    assertClose("d2/dxdw", results[1][0], results[0][0], 1e-5);
    assertClose("d2/dxdb", results[1][1], results[0][1], 1e-5);
  }

  @Test
  void forwardModeTangentsEqualTheFourOps() {
    Case c = CASES.get(2);
    Tensor[] in = inputs(c, 9);
    Tensor tangent = random(new Random(10), c.w);
    Tensor[] jvp = new Tensor[2];
    for (int k = 0; k < 2; k++) {
      try (ForwardAccumulator acc = new ForwardAccumulator(in[1], tangent)) {
        Tensor y = k == 0 ? fused(c, in[0], in[1], in[2]) : apart(c, in[0], in[1], in[2]);
        jvp[k] = acc.jvp(y);
      }
    }
    assertTrue(java.util.Arrays.stream(jvp[1].toDoubleArray()).anyMatch(v -> Math.abs(v) > 1e-3));
    assertClose("jvp with respect to the filters", jvp[1], jvp[0], 1e-5);
  }

  @Test
  void badArgumentsNameTheOpAndTheShapes() {
    Tensor x = Tensor.zeros(DType.FLOAT32, 1, 6, 6, 2);
    Tensor w = Tensor.zeros(DType.FLOAT32, 3, 3, 2, 4);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.conv2dBiasReluMaxPool(x, w,
        Tensor.zeros(DType.FLOAT32, 5), new int[] {1, 1}, "VALID", null, new int[] {2, 2}, new int[] {2, 2}, "VALID"));
    assertTrue(e.getMessage().contains("Conv2DBiasReluMaxPool") && e.getMessage().contains("(5,)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Ops.conv2dBiasReluMaxPool(x, w,
        Tensor.zeros(DType.FLOAT32, 4), new int[] {1, 1}, "VALID", null, new int[] {5, 5}, new int[] {2, 2}, "VALID"));
    assertTrue(e.getMessage().contains("Conv2DBiasReluMaxPool"), e.getMessage());
  }
}

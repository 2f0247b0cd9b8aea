package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpTableTest's rows in float32 against TensorFlow.js's values and gradients at hard inputs
 * ({@code tfjs-reference.txt}, written by {@code scripts/tfjs-reference}). TensorFlow.js's CPU backend
 * computes elementwise functions in double and rounds once, so its values are TensorFlow's to an ulp;
 * values must agree to 4 ulps and gradients (of the sum of the outputs) to the op table's gradient
 * tolerance. Each case names its row ({@code name#k}: the k-th row of that name), so the op and its
 * arguments come from the one table.
 */
class TfjsReferenceTest {
  record Case(String row, List<Tensor> inputs, long[] outShape, double[] out, List<double[]> grads) {
    @Override
    public String toString() {
      return row;
    }
  }

  static Stream<Case> cases() {
    List<Case> cases = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        TfjsReferenceTest.class.getResourceAsStream("/tfjs-reference.txt"), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        List<Tensor> inputs = new ArrayList<>();
        long[] outShape = null;
        double[] out = null;
        List<double[]> grads = new ArrayList<>();
        for (int i = 1; i < f.length; i++) {
          String[] p = f[i].split(" ");
          switch (p[0]) {
            case "in" -> inputs.add(Tensor.of(floats(p[2]), shape(p[1])));
            case "out" -> {
              outShape = shape(p[1]);
              out = numbers(p[2]);
            }
            case "grad" -> grads.add(numbers(p[2]));
            default -> throw new IllegalStateException("tfjs-reference.txt: unknown field " + p[0]);
          }
        }
        cases.add(new Case(f[0], inputs, outShape, out, grads));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases.stream();
  }

  static long[] shape(String s) {
    return s.equals("-") ? new long[0] : Arrays.stream(s.split(",")).mapToLong(Long::parseLong).toArray();
  }

  /** Float32 values written with 9 significant digits, which name one float each. */
  static double[] numbers(String s) {
    return Arrays.stream(s.split(",")).mapToDouble(Float::parseFloat).toArray();
  }

  static float[] floats(String s) {
    double[] d = numbers(s);
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  static OpTableTest.OpSpec row(String id) {
    String[] p = id.split("#");
    List<OpTableTest.OpSpec> named = OpTableTest.TABLE.stream().filter(s -> s.name().equals(p[0])).toList();
    int k = Integer.parseInt(p[1]);
    assertTrue(k < named.size(), "tfjs-reference.txt names row " + id + ", which the op table lacks");
    return named.get(k);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void float32MatchesTensorFlowJs(Case c) {
    OpTableTest.OpSpec spec = row(c.row());
    OpTableTest.Float32Tolerance tol = spec.tolerance();
    List<Tensor> xs = c.inputs();
    Tensor y;
    List<Tensor> grads;
    try (GradientTape tape = new GradientTape()) {
      tape.watch(xs.toArray(new Tensor[0]));
      y = spec.fn().apply(xs);
      grads = tape.gradient(Ops.reduceSum(y), xs, UnconnectedGradients.ZERO);
    }
    assertArrayEquals(c.outShape(), y.shape(), c.row() + " output shape");
    double[] v = y.toDoubleArray();
    for (int i = 0; i < v.length; i++) {
      assertTrue(OpTableTest.float32Error(v[i], c.out()[i], 4 * 0x1p-23, 0, Float.MAX_VALUE) <= 1,
          c.row() + " value " + i + ": tapekit " + (float) v[i] + " vs TensorFlow.js " + (float) c.out()[i]
              + " at inputs " + OpTableTest.values(xs));
    }
    for (int k = 0; k < c.grads().size(); k++) {
      double[] g = grads.get(k).toDoubleArray(), ref = c.grads().get(k);
      double scale = Arrays.stream(ref).filter(d -> Math.abs(d) <= Float.MAX_VALUE).map(Math::abs).max().orElse(0);
      for (int i = 0; i < g.length; i++) {
        assertTrue(OpTableTest.float32Error(g[i], ref[i], tol.gradRtol(), tol.gradScale() * scale,
            Float.MAX_VALUE / 4) <= 1, c.row() + " gradient of input " + k + " element " + i + ": tapekit "
            + (float) g[i] + " vs TensorFlow.js " + (float) ref[i] + " at inputs " + OpTableTest.values(xs));
      }
    }
  }
}

package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.kernels.FastKernels;
import dev.tapekit.core.kernels.NativeView;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The GPU path's switch: with tapekit's kernels off (what a non-CPU ND4J backend gets) every op runs
 * ND4J's own ops, touches no host pointer, and gives the kernels' results to float32 tolerance. Each
 * row of the op table is run in float32 (where the kernels apply) both ways, values and first-order
 * gradients.
 */
class FastKernelsSwitchTest {
  /** Relative to the largest magnitude of the result: ND4J and the kernels sum in different orders. */
  static final double TOLERANCE = 2e-5;

  static java.util.stream.Stream<OpTableTest.OpSpec> table() {
    return OpTableTest.table();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void everyOpGivesTheKernelsResultsWithKernelsOff(OpTableTest.OpSpec spec) {
    List<Tensor> xs = OpTableTest.castFloating(OpTableTest.sample(spec), DType.FLOAT32);
    assertTrue(FastKernels.enabled(), "the test JVM runs ND4J's CPU backend");
    List<double[]> on = OpTableTest.valuesAndGradients(spec, xs);
    List<double[]> off;
    try (FastKernels.Restore r = FastKernels.disable()) {
      off = OpTableTest.valuesAndGradients(spec, xs);
    }
    assertEquals(on.size(), off.size(), spec.name());
    for (int i = 0; i < on.size(); i++) {
      assertClose(spec.name() + (i == 0 ? " value" : " gradient " + i), on.get(i), off.get(i));
    }
  }

  @Test
  void noHostViewWhileKernelsAreOff() {
    var a = Nd4j.createFromArray(1f, 2f, 3f);
    try (FastKernels.Restore r = FastKernels.disable()) {
      assertFalse(FastKernels.enabled());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> NativeView.of(a));
      assertTrue(e.getMessage().contains(FastKernels.PROPERTY), e.getMessage());
    }
    assertTrue(FastKernels.enabled(), "closing the handle turns the kernels back on");
  }

  @Test
  void trainingStepsAgreeWithKernelsOff() {
    // conv -> bias+relu -> pool -> matmul -> sparse softmax CE, five steps of plain gradient descent
    float[][] on = train();
    float[][] off;
    try (FastKernels.Restore r = FastKernels.disable()) {
      off = train();
    }
    for (int i = 0; i < on.length; i++) {
      double[] a = new double[on[i].length];
      double[] b = new double[on[i].length];
      for (int j = 0; j < a.length; j++) {
        a[j] = on[i][j];
        b[j] = off[i][j];
      }
      assertClose("variable " + i, a, b);
    }
  }

  private static float[][] train() {
    Tensor x = Tensor.randomUniform(new long[] {4, 8, 8, 2}, 0, 1, 3);
    Tensor y = Tensor.ofLongs(new long[] {0, 2, 1, 2});
    Variable filters = new Variable(Tensor.randomUniform(new long[] {3, 3, 2, 4}, -0.3, 0.3, 4), "f", true);
    Variable bias = new Variable(Tensor.zeros(4), "b", true);
    Variable kernel = new Variable(Tensor.randomUniform(new long[] {36, 3}, -0.3, 0.3, 5), "k", true);
    List<Variable> vars = List.of(filters, bias, kernel);
    for (int step = 0; step < 5; step++) {
      List<Tensor> grads;
      try (GradientTape tape = new GradientTape()) {
        Tensor h = Ops.biasAddRelu(Ops.conv2d(x, filters, 1, "VALID"), bias);
        Tensor p = Ops.maxPool2d(h, new int[] {2, 2}, new int[] {2, 2}, "VALID");
        Tensor logits = Ops.matmul(Ops.reshape(p, 4, 36), kernel);
        Tensor loss = Ops.reduceMean(Ops.sparseSoftmaxCrossEntropyWithLogits(y, logits));
        grads = tape.gradient(loss, vars);
      }
      for (int i = 0; i < vars.size(); i++) {
        vars.get(i).assign(Ops.subtract(vars.get(i).read(), Ops.multiply(grads.get(i), Tensor.scalar(0.5f))));
      }
    }
    return vars.stream().map(v -> v.read().toFloatArray()).toArray(float[][]::new);
  }

  private static void assertClose(String what, double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, what + ": length");
    double scale = 0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      boolean same = Double.compare(expected[i], actual[i]) == 0; // NaN and infinities alike
      double err = Math.abs(expected[i] - actual[i]);
      assertTrue(same || err <= TOLERANCE * Math.max(scale, 1e-30),
          what + "[" + i + "]: kernels " + expected[i] + ", ND4J " + actual[i] + " (scale " + scale + ")");
    }
  }
}

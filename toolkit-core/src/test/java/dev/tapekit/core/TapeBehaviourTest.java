package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Tape semantics beyond the guides: errors, broadcasting, user ops, variables, printing. */
class TapeBehaviourTest {
  @Test
  void opWithoutGradientRuleFailsWithTensorFlowsMessage() {
    UserOp noGrad = UserOp.define("MyOp", xs -> Ops.square(xs.get(0)));
    Tensor x = Tensor.scalar(2.0);
    try (GradientTape tape = new GradientTape()) {
      tape.watch(x);
      Tensor y = noGrad.apply(x);
      assertEquals(4.0, y.doubleValue(), 0);
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> tape.gradient(y, x));
      assertEquals("No gradient defined for operation 'MyOp'", e.getMessage());
    }
  }

  @Test
  void userOpWithGradientPassesGradientCheck() {
    UserOp cube = UserOp.define("Cube", xs -> Ops.pow(xs.get(0), 3.0))
        .withGradient((xs, g) -> List.of(Ops.multiply(g, Ops.multiply(Ops.square(xs.get(0)), 3.0))));
    Tensor x = Tensor.of(new double[] {0.5, -1.5, 2.0});
    GradientCheck.Result r = GradientCheck.check(xs -> cube.apply(xs.get(0)), List.of(x));
    assertTrue(r.passed(), r.toString());
    // a wrong rule is caught
    UserOp wrong = UserOp.define("Cube", xs -> Ops.pow(xs.get(0), 3.0))
        .withGradient((xs, g) -> List.of(Ops.multiply(g, Ops.square(xs.get(0)))));
    assertTrue(!GradientCheck.check(xs -> wrong.apply(xs.get(0)), List.of(x)).passed());
  }

  @Test
  void gradientCheckRejectsFloat32() {
    assertThrows(IllegalArgumentException.class,
        () -> GradientCheck.check(xs -> Ops.exp(xs.get(0)), List.of(Tensor.of(new float[] {1}))));
  }

  @Test
  void broadcastGradientsAreSummedToEachInputsShape() {
    Tensor a = Tensor.of(new float[][] {{1, 2, 3}, {4, 5, 6}});
    Tensor b = Tensor.of(new float[] {10, 20, 30});
    try (GradientTape tape = new GradientTape(true)) {
      tape.watch(a, b);
      Tensor y = Ops.multiply(a, b);
      Tensor gb = tape.gradient(y, b);
      assertArrayEquals(new long[] {3}, gb.shape());
      assertArrayEquals(new double[] {5, 7, 9}, gb.toDoubleArray(), 1e-6);
      assertArrayEquals(new double[] {10, 20, 30, 10, 20, 30}, tape.gradient(y, a).toDoubleArray(), 1e-6);
    }
  }

  @Test
  void reusedTensorsAccumulateGradients() {
    Variable x = new Variable(3.0);
    try (GradientTape tape = new GradientTape()) {
      Tensor y = Ops.add(Ops.multiply(x, x), Ops.multiply(x, 2.0));
      assertEquals(8.0, tape.gradient(y, x).doubleValue(), 1e-6);
    }
  }

  @Test
  void variableReadTwiceAfterAssignGetsBothReads() {
    Variable x = new Variable(2.0);
    try (GradientTape tape = new GradientTape()) {
      Tensor a = Ops.multiply(x, 3.0);
      x.assign(Tensor.scalar(5.0));
      Tensor b = Ops.multiply(x, 4.0);
      assertEquals(7.0, tape.gradient(Ops.add(a, b), x).doubleValue(), 1e-6);
    }
  }

  @Test
  void outputGradientsWeightTheTarget() {
    Tensor x = Tensor.of(new float[] {1, 2});
    try (GradientTape tape = new GradientTape()) {
      tape.watch(x);
      Tensor y = Ops.square(x);
      Tensor g = tape.gradient(y, x, Tensor.of(new float[] {10, 100}));
      assertArrayEquals(new double[] {20, 400}, g.toDoubleArray(), 1e-5);
    }
  }

  @Test
  void mismatchedDtypesAreRejectedLikeTensorFlow() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.add(Tensor.scalar(1.0), Tensor.scalar(1.0, DType.FLOAT64)));
    assertTrue(e.getMessage().contains("AddV2"), e.getMessage());
  }

  @Test
  void incompatibleShapesNameTheOpAndShapes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Ops.matmul(Tensor.zeros(2, 3), Tensor.zeros(2, 3)));
    assertEquals("MatMul: cannot multiply shapes (2, 3) and (2, 3)", e.getMessage());
    IllegalArgumentException r = assertThrows(IllegalArgumentException.class,
        () -> Ops.reshape(Tensor.zeros(2, 3), 4, 2));
    assertTrue(r.getMessage().contains("(2, 3)") && r.getMessage().contains("(4, 2)"), r.getMessage());
  }

  @Test
  void variableAssignChecksShape() {
    Variable v = new Variable(Tensor.zeros(3), "v", true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.assign(Tensor.zeros(2)));
    assertEquals("Variable 'v'.assign: shape (2,) does not match the variable's shape (3,)", e.getMessage());
    v.assignAdd(Tensor.ones(3));
    assertArrayEquals(new double[] {1, 1, 1}, v.peek().toDoubleArray(), 0);
  }

  @Test
  void variableDoesNotAliasItsInitialValue() {
    Tensor init = Tensor.of(new float[] {1, 2});
    Variable v = new Variable(init);
    v.updateInPlace(a -> a.addi(1));
    assertArrayEquals(new double[] {1, 2}, init.toDoubleArray(), 0);
    assertArrayEquals(new double[] {2, 3}, v.peek().toDoubleArray(), 0);
  }

  @Test
  void tensorsPrintLikeTensorFlow() {
    assertEquals("Tensor(6.0, shape=(), dtype=float32)", Tensor.scalar(6.0).toString());
    assertEquals("Tensor([[1.0, 2.0], [3.0, 4.0]], shape=(2, 2), dtype=float32)",
        Tensor.of(new float[][] {{1, 2}, {3, 4}}).toString());
    assertEquals("Tensor([1, 2], shape=(2,), dtype=int64)", Tensor.ofLongs(new long[] {1, 2}).toString());
  }

  @Test
  void factoriesAndAccessors() {
    Tensor t = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertEquals(DType.FLOAT64, t.dtype());
    assertEquals(2, t.rank());
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toFloatArray(), 0);
    assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[] {1, 2, 3}, 2, 2));
    assertThrows(IllegalStateException.class, t::doubleValue);
    Tensor seeded1 = Tensor.randomNormal(new long[] {4}, 0, 1, 5);
    Tensor seeded2 = Tensor.randomNormal(new long[] {4}, 0, 1, 5);
    assertArrayEquals(seeded1.toDoubleArray(), seeded2.toDoubleArray(), 0);
    double[] tn = Tensor.truncatedNormal(new long[] {1000}, 0, 1, 9).toDoubleArray();
    for (double v : tn) {
      assertTrue(Math.abs(v) <= 2.0, "truncated normal outside 2 sd: " + v);
    }
  }

  @Test
  void unwatchedTensorGivesNullAndWatchedVariablesAreListed() {
    Tensor c = Tensor.scalar(1.0);
    Variable v = new Variable(Tensor.scalar(2.0), "v", true);
    GradientTape tape = new GradientTape();
    Tensor y;
    try (tape) {
      y = Ops.multiply(c, v);
    }
    assertEquals(List.of(v), tape.watchedVariables());
    List<Tensor> g = tape.gradient(y, List.of(c, v));
    assertNull(g.get(0));
    assertEquals(1.0, g.get(1).doubleValue(), 1e-6);
  }

  @Test
  void logSoftmaxIsExactForFarApartLogits() {
    Tensor x64 = Tensor.of(new double[] {-500, 500});
    assertArrayEquals(new double[] {-1000, 0}, Ops.logSoftmax(x64).toDoubleArray(), 1e-9);
    Tensor x32 = Tensor.of(new float[] {-50, 50});
    assertEquals(-100.0, Ops.logSoftmax(x32).toDoubleArray()[0], 1e-4);
    Tensor loss = Ops.sparseSoftmaxCrossEntropyWithLogits(Tensor.ofLongs(new long[] {0}),
        Tensor.of(new double[][] {{-500, 500}}));
    assertEquals(1000.0, loss.doubleValue(), 1e-9);
  }

  @Test
  void emptyTensorsConvertToEmptyArrays() {
    Tensor e = Tensor.zeros(0, 3);
    assertEquals(0, e.toDoubleArray().length);
    assertEquals(0, e.toFloatArray().length);
  }

  // ---------------------------------------------------------------- issue 11, section 3

  @Test
  void closingAPauseTwiceResumesOnce() {
    Variable x = new Variable(3.0);
    try (GradientTape tape = new GradientTape()) {
      GradientTape.Pause pause = tape.stopRecording();
      pause.close();
      pause.close();
      Tensor y = Ops.square(x);
      assertEquals(1, tape.recordedOps());
      assertEquals(6.0, tape.gradient(y, x).doubleValue(), 1e-6);
    }
    assertFalse(Tapes.recording(), "the tape must be off the thread's stack after its block");
  }

  @Test
  void closingAPauseAfterItsTapeClosedDoesNotReviveTheTape() {
    Tensor x = Tensor.scalar(3.0);
    GradientTape tape = new GradientTape();
    tape.watch(x);
    GradientTape.Pause pause = tape.stopRecording();
    tape.close();
    pause.close();
    assertFalse(tape.isRecording());
    assertFalse(Tapes.recording());
    Tensor y = Ops.square(x);
    assertEquals(0, tape.recordedOps());
    assertNull(tape.gradient(y, x));
  }

  @Test
  void batchJacobianOfAnEmptyTargetIsAnEmptyTensorOfTheRightShape() {
    Tensor x = Tensor.zeros(1, 0);
    try (GradientTape tape = new GradientTape(true)) {
      tape.watch(x);
      Tensor y = Ops.multiply(x, 2.0);
      Tensor bj = tape.batchJacobian(y, x);
      assertNotNull(bj, "TensorFlow gives an empty (1, 0, 0) tensor, not None");
      assertArrayEquals(new long[] {1, 0, 0}, bj.shape());
      Tensor j = tape.jacobian(y, x);
      assertNotNull(j);
      assertArrayEquals(new long[] {1, 0, 1, 0}, j.shape());
      // unconnected stays None, as in TensorFlow
      assertNull(tape.batchJacobian(Ops.multiply(Tensor.zeros(1, 0), 2.0), x));
    }
  }

  @Test
  void batchJacobianWithAnEmptySourceOrTargetRowHasTheRightShape() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    Tensor empty = Tensor.zeros(2, 0);
    try (GradientTape tape = new GradientTape(true)) {
      tape.watch(x, empty);
      Tensor y = Ops.reduceSum(Ops.multiply(x, x), new int[] {1}, true); // (2, 1)
      Tensor yEmpty = Ops.slice(x, new long[] {0, 0}, new long[] {2, 0}); // (2, 0), connected to x
      assertArrayEquals(new long[] {2, 0, 3}, tape.batchJacobian(yEmpty, x).shape());
      Tensor yOfEmpty = Ops.add(Ops.reduceSum(empty, new int[] {1}, true), y); // (2, 1), connected to empty
      assertArrayEquals(new long[] {2, 1, 0}, tape.batchJacobian(yOfEmpty, empty).shape());
    }
  }

  @Test
  void nullTargetOrSourceIsAnIllegalArgumentNamingIt() {
    Tensor x = Tensor.scalar(3.0);
    try (GradientTape tape = new GradientTape(true)) {
      tape.watch(x);
      Tensor y = Ops.square(x);
      Tensor inner = null; // e.g. an inner tape's gradient for a source it did not watch
      IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> tape.gradient(inner, x));
      assertTrue(t.getMessage().contains("target is null"), t.getMessage());
      IllegalArgumentException s = assertThrows(IllegalArgumentException.class,
          () -> tape.gradient(y, (TensorLike) null));
      assertTrue(s.getMessage().contains("source is null"), s.getMessage());
      assertThrows(IllegalArgumentException.class, () -> tape.gradient(y, (List<TensorLike>) null));
      assertThrows(IllegalArgumentException.class, () -> tape.gradient(y, java.util.Arrays.asList(x, null)));
      IllegalArgumentException j = assertThrows(IllegalArgumentException.class, () -> tape.jacobian(inner, x));
      assertTrue(j.getMessage().contains("target is null"), j.getMessage());
      assertThrows(IllegalArgumentException.class, () -> tape.batchJacobian(inner, x));
      assertThrows(IllegalArgumentException.class, () -> tape.jacobian(y, (TensorLike) null));
      assertEquals(6.0, tape.gradient(y, x, (Tensor) null).doubleValue(), 1e-6); // a null output gradient is ones
      // the tape is still usable after the rejected calls
      assertEquals(6.0, tape.gradient(y, x).doubleValue(), 1e-6);
    }
  }

  @Test
  void aListOfTargetsGivesTheGradientOfTheirSum() {
    Variable x = new Variable(3.0);
    Tensor c = Tensor.scalar(1.0);
    try (GradientTape tape = new GradientTape(true)) {
      Tensor y1 = Ops.square(x);                          // dy1/dx = 6
      Tensor y2 = Ops.multiply(Ops.stack(List.of(x, x)), 5.0); // two elements, summed: 10
      assertEquals(16.0, tape.gradient(List.of(y1, y2), x).doubleValue(), 1e-5);
      assertEquals(12.0, tape.gradient(List.of(y1, y1), x).doubleValue(), 1e-5);
      List<Tensor> g = tape.gradient(List.of(y1, y2), List.of(x, c));
      assertEquals(16.0, g.get(0).doubleValue(), 1e-5);
      assertNull(g.get(1));
      List<Tensor> z = tape.gradient(List.of(y1, y2), List.of(x, c), UnconnectedGradients.ZERO);
      assertEquals(0.0, z.get(1).doubleValue(), 0);
      assertNull(tape.gradient(List.of(Ops.square(c)), x));
      assertEquals(0.0, tape.gradient(List.of(Ops.square(c)), x, UnconnectedGradients.ZERO).doubleValue(), 0);
      // output gradients weight each target (TensorFlow's output_gradients); null stands for ones
      List<Tensor> w = tape.gradient(List.of(y1, y2), List.of(x),
          List.of(Tensor.scalar(10.0), Tensor.of(new float[] {100, 1000})));
      assertEquals(10 * 6 + 100 * 5 + 1000 * 5, w.get(0).doubleValue(), 1e-3);
      List<Tensor> w1 = tape.gradient(List.of(y1, y2), List.of(x), Arrays.asList(null, Tensor.of(new float[] {1, 2})));
      assertEquals(6 + 5 + 10, w1.get(0).doubleValue(), 1e-4);
      Map<String, Tensor> bySource = tape.gradient(List.of(y1, y2), Map.of("x", x));
      assertEquals(16.0, bySource.get("x").doubleValue(), 1e-5);
    }
  }

  @Test
  void aMapOfTargetsGivesTheGradientOfTheirSum() {
    Variable x = new Variable(3.0);
    Variable unused = new Variable(1.0);
    try (GradientTape tape = new GradientTape(true)) {
      Map<String, Tensor> losses = new LinkedHashMap<>();
      losses.put("square", Ops.square(x));
      losses.put("linear", Ops.multiply(x, 5.0));
      assertEquals(11.0, tape.gradient(losses, x).doubleValue(), 1e-5);
      List<Tensor> g = tape.gradient(losses, List.of(x, unused));
      assertEquals(11.0, g.get(0).doubleValue(), 1e-5);
      assertNull(g.get(1));
      Map<String, Tensor> named = tape.gradient(losses, Map.of("x", x));
      assertEquals(11.0, named.get("x").doubleValue(), 1e-5);
      assertEquals(0.0, tape.gradient(losses, List.of(unused), UnconnectedGradients.ZERO).get(0).doubleValue(), 0);
    }
  }

  @Test
  void aNullTargetInAListIsNamed() {
    Tensor x = Tensor.scalar(3.0);
    try (GradientTape tape = new GradientTape()) {
      tape.watch(x);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> tape.gradient(Arrays.asList(Ops.square(x), null), x));
      assertTrue(e.getMessage().contains("target 1 is null"), e.getMessage());
    }
  }

  @Test
  void resumeRecordsAgainAndBothBlocksContribute() {
    Variable x = new Variable(3.0);
    GradientTape tape = new GradientTape();
    Tensor y;
    try (tape) {
      y = Ops.square(x);
    }
    Tensor notRecorded = Ops.multiply(x, 100.0);
    assertEquals(1, tape.recordedOps());
    Tensor z;
    try (GradientTape.Recording again = tape.resume()) {
      assertTrue(tape.isRecording());
      z = Ops.add(Ops.add(Ops.multiply(y, 4.0), Ops.multiply(x, 5.0)), notRecorded); // 4x^2 + 5x (+ a constant)
      again.close();
      again.close(); // a second close is a no-op
    }
    assertFalse(tape.isRecording());
    assertFalse(Tapes.recording());
    assertEquals(24.0 + 5.0, tape.gradient(z, x).doubleValue(), 1e-5);
    assertThrows(IllegalStateException.class, () -> tape.gradient(z, x), "one set of gradients");
    // TensorFlow: re-entering a non-persistent tape that computed its gradients records a fresh tape
    Tensor w;
    try (GradientTape.Recording fresh = tape.resume()) {
      w = Ops.multiply(Ops.square(x), 2.0);
    }
    assertEquals(1 + 1, tape.recordedOps()); // square and multiply: nothing of the first blocks
    assertEquals(12.0, tape.gradient(w, x).doubleValue(), 1e-5);
    assertFalse(Tapes.recording());
  }

  @Test
  void resumeOnAPersistentTapeAfterAGradientAndWhileRecording() {
    Variable x = new Variable(3.0);
    GradientTape tape = new GradientTape(true);
    Tensor a;
    try (tape) {
      a = Ops.square(x);
      IllegalStateException e = assertThrows(IllegalStateException.class, tape::resume);
      assertTrue(e.getMessage().contains("still recording"), e.getMessage());
    }
    assertEquals(6.0, tape.gradient(a, x).doubleValue(), 1e-5);
    Tensor b;
    try (GradientTape.Recording r = tape.resume()) {
      GradientTape.Pause p = tape.stopRecording();
      Tensor skipped = Ops.multiply(x, 7.0);
      p.close();
      b = Ops.add(Ops.multiply(a, 2.0), skipped);
    }
    assertEquals(12.0, tape.gradient(b, x).doubleValue(), 1e-5);
    assertFalse(Tapes.recording());
  }

  @Test
  void aPauseFromAnEarlierBlockDoesNotRestartALaterOne() {
    Tensor x = Tensor.scalar(3.0);
    GradientTape tape = new GradientTape(true);
    tape.watch(x);
    GradientTape.Pause stale = tape.stopRecording();
    tape.close();
    try (GradientTape.Recording r = tape.resume()) {
      stale.close(); // belongs to the first block: no effect on this one
      assertTrue(tape.isRecording());
      Ops.square(x);
      assertEquals(1, tape.recordedOps(), "recorded once: the tape is on the stack once");
    }
    assertFalse(Tapes.recording());
  }

  @Test
  void builderAndNamedFactoriesConfigureTheTape() {
    Variable v = new Variable(2.0);
    Tensor x = Tensor.scalar(3.0);
    try (GradientTape tape = GradientTape.builder().persistent(true).watchAccessedVariables(false).build()) {
      tape.watch(x);
      Tensor y = Ops.multiply(Ops.square(x), v);
      assertEquals(List.of(), tape.watchedVariables());
      assertNull(tape.gradient(y, v));
      assertEquals(12.0, tape.gradient(y, x).doubleValue(), 1e-5);
      assertEquals(12.0, tape.gradient(y, x).doubleValue(), 1e-5); // persistent
    }
    try (GradientTape tape = GradientTape.builder().build()) { // TensorFlow's defaults
      Tensor y = Ops.square(v);
      assertEquals(List.of(v), tape.watchedVariables());
      assertEquals(4.0, tape.gradient(y, v).doubleValue(), 1e-5);
      assertThrows(IllegalStateException.class, () -> tape.gradient(y, v));
    }
    try (GradientTape tape = GradientTape.persistent()) {
      Tensor y = Ops.square(v);
      assertEquals(4.0, tape.gradient(y, v).doubleValue(), 1e-5);
      assertEquals(4.0, tape.gradient(y, v).doubleValue(), 1e-5);
    }
    assertFalse(Tapes.recording());
  }
}

package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TensorScopeTest {
  @Test
  void releasesOpOutputsAndViewsButNotKeptTensorsOrVariables() {
    Variable w = new Variable(Tensor.of(new float[] {1, 2, 3}), "w", true);
    Tensor kept;
    Tensor released;
    Tensor view;
    try (TensorScope scope = TensorScope.open()) {
      try (GradientTape tape = new GradientTape()) {
        Tensor y = Ops.multiply(w, 2.0);
        view = Ops.reshape(w, 3, 1);
        released = Ops.exp(y);
        kept = scope.keep(Ops.add(y, 1.0));
        Tensor g = tape.gradient(Ops.reduceSum(y), w);
        assertArrayEquals(new double[] {2, 2, 2}, g.toDoubleArray(), 0);
      }
      assertTrue(scope.tracked() > 0);
    }
    assertArrayEquals(new double[] {3, 5, 7}, kept.toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2, 3}, w.peek().toDoubleArray(), 0);
    // a view of the variable is released like any op output: the variable may change in place later
    assertThrows(IllegalStateException.class, view::toDoubleArray);
    assertThrows(RuntimeException.class, () -> Ops.add(released, 1.0));
  }

  @Test
  void nestedScopeHandsKeptTensorsToItsParent() {
    Tensor fromInner;
    try (TensorScope outer = TensorScope.open()) {
      try (TensorScope inner = TensorScope.open()) {
        fromInner = inner.keep(Ops.square(Tensor.of(new float[] {3})));
      }
      assertEquals(9.0, fromInner.doubleValue(), 0);
      assertEquals(1, outer.tracked());
    }
    assertThrows(RuntimeException.class, () -> Ops.add(fromInner, 1.0));
  }

  @Test
  void trainingStepsInScopesKeepLearning() {
    Variable x = new Variable(3.0);
    for (int i = 0; i < 100; i++) {
      try (TensorScope scope = TensorScope.open()) {
        Tensor g;
        try (GradientTape tape = new GradientTape()) {
          g = tape.gradient(Ops.square(x), x);
        }
        Tensor step = Ops.multiply(g, 0.1);
        x.updateInPlace(a -> a.subi(step.array()));
      }
    }
    assertEquals(0.0, x.peek().doubleValue(), 1e-6);
  }

  @Test
  void opsThatShareTheirInputsMemoryNeverReleaseIt() {
    Tensor labels = Ops.identity(Tensor.ofLongs(new long[] {1, 2, 3}));
    Tensor x = Ops.identity(Tensor.of(new float[] {1, 2}));
    java.util.function.UnaryOperator<Tensor> passThrough = CustomGradient.of(t ->
        CustomGradient.Result.of(t, g -> g));
    for (int i = 0; i < 3; i++) {
      try (TensorScope scope = TensorScope.open()) {
        Ops.stopGradient(labels);
        passThrough.apply(x);
        UserOp.define("Same", xs -> xs.get(0)).apply(x);
      }
    }
    assertArrayEquals(new double[] {1, 2, 3}, labels.toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2}, x.toDoubleArray(), 0);
  }
}

package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Tensors are values (TensorFlow: a read is a snapshot): no update of a variable changes a tensor read
 * from it, and in-place updates happen only when no live tensor shares the storage.
 */
class ValueSemanticsTest {
  private static INDArray storage(Variable v) {
    return v.withStorage(a -> a);
  }

  @Test
  void aReadOutsideAnyScopeNeverChanges() {
    Variable w = new Variable(Tensor.of(new float[] {1, 2, 3}));
    Tensor before = w.read();
    Tensor peeked = w.peek();
    w.updateInPlace(a -> a.addi(10));
    assertArrayEquals(new double[] {1, 2, 3}, before.toDoubleArray(), 0);
    assertArrayEquals(new double[] {1, 2, 3}, peeked.toDoubleArray(), 0);
    assertArrayEquals(new double[] {11, 12, 13}, w.read().toDoubleArray(), 0);
    w.assignAdd(1.0);
    w.assignSub(Tensor.of(new float[] {1, 1, 1}));
    assertArrayEquals(new double[] {1, 2, 3}, before.toDoubleArray(), 0);
    assertArrayEquals(new double[] {11, 12, 13}, w.read().toDoubleArray(), 0);
  }

  @Test
  void persistentTapeKeepsTheValuesItRecordedAcrossAnUpdate() {
    // TensorFlow: w = 3; loss1 = w^2; loss2 = 2 w^2; an SGD(0.1) step between the two gradients; 12.0
    Variable w = new Variable(3.0);
    try (GradientTape tape = new GradientTape(true)) {
      Tensor loss1 = Ops.square(w);
      Tensor loss2 = Ops.multiply(Ops.square(w), 2.0);
      tape.close();
      Tensor g1 = tape.gradient(loss1, w);
      assertEquals(6.0, g1.doubleValue(), 0);
      w.updateInPlace(a -> a.subi(g1.array().mul(0.1)));
      assertEquals(2.4, w.peek().doubleValue(), 1e-6);
      assertEquals(12.0, tape.gradient(loss2, w).doubleValue(), 0);
    }
  }

  @Test
  void releasedReadsLetUpdatesGoInPlace() {
    Variable w = new Variable(Tensor.of(new float[] {1, 2}));
    w.updateInPlace(a -> a.addi(0)); // the constructor's storage is nobody's
    INDArray first = storage(w);
    Tensor inside;
    try (TensorScope scope = TensorScope.open()) {
      inside = w.read();
      Ops.multiply(inside, 2.0);
      assertTrue(w.copiesOnNextUpdate(), "a live read must make the update copy");
    }
    assertFalse(w.copiesOnNextUpdate(), "the scope released the read");
    w.updateInPlace(a -> a.addi(1));
    assertSame(first, storage(w), "updated in place");
    assertThrows(IllegalStateException.class, inside::toDoubleArray);
    assertArrayEquals(new double[] {2, 3}, w.read().toDoubleArray(), 0);
  }

  @Test
  void anUpdateInsideTheReadingScopeWritesACopy() {
    Variable w = new Variable(Tensor.of(new float[] {1, 2}));
    INDArray first = storage(w);
    try (TensorScope scope = TensorScope.open()) {
      Tensor r = w.read();
      Tensor view = Ops.reshape(w, 2, 1);
      w.updateInPlace(a -> a.muli(10));
      assertNotSame(first, storage(w));
      assertArrayEquals(new double[] {1, 2}, r.toDoubleArray(), 0);
      assertArrayEquals(new double[] {1, 2}, view.toDoubleArray(), 0);
      assertArrayEquals(new double[] {10, 20}, w.read().toDoubleArray(), 0);
    }
    assertArrayEquals(new double[] {10, 20}, w.peek().toDoubleArray(), 0);
  }

  @Test
  void keptReadsAndViewsOutliveTheirScopeWithTheirValues() {
    Variable w = new Variable(Tensor.of(new float[] {1, 2, 3}));
    Tensor keptRead;
    Tensor keptView;
    Tensor lostView;
    try (TensorScope outer = TensorScope.open()) {
      try (TensorScope inner = TensorScope.open()) {
        keptRead = inner.keep(w.read());
        keptView = inner.keep(Ops.reshape(w, 3, 1));
        lostView = Ops.transpose(Ops.reshape(w, 3, 1));
      }
      assertTrue(w.copiesOnNextUpdate(), "kept reads pass to the outer scope");
      w.updateInPlace(a -> a.addi(1));
      assertArrayEquals(new double[] {1, 2, 3}, keptRead.toDoubleArray(), 0);
      assertArrayEquals(new double[] {1, 2, 3}, keptView.toDoubleArray(), 0);
      assertThrows(IllegalStateException.class, lostView::toDoubleArray, "views of a variable are released too");
      outer.keep(keptView);
    }
    w.updateInPlace(a -> a.addi(1));
    assertArrayEquals(new double[] {1, 2, 3}, keptView.toDoubleArray(), 0);
    assertArrayEquals(new double[] {3, 4, 5}, w.peek().toDoubleArray(), 0);
  }

  @Test
  void aliasesOfAReadAreReleasedAndNeverRecycled() {
    Variable w = new Variable(Tensor.of(new float[] {4, 5}));
    Tensor alias;
    try (TensorScope scope = TensorScope.open()) {
      alias = Ops.stopGradient(w);
    }
    assertThrows(IllegalStateException.class, alias::toDoubleArray);
    for (int i = 0; i < 3; i++) { // pooled memory reused by later steps must never be the variable's
      try (TensorScope scope = TensorScope.open()) {
        Ops.stopGradient(w);
        Ops.add(Tensor.of(new float[] {0, 0}), 7.0);
      }
    }
    assertArrayEquals(new double[] {4, 5}, w.peek().toDoubleArray(), 0);
  }

  @Test
  void trainingStepsInTheRecommendedShapeUpdateInPlace() {
    Variable x = new Variable(Tensor.of(new float[] {3, -2}));
    x.updateInPlace(a -> a.addi(0));
    INDArray first = storage(x);
    for (int i = 0; i < 50; i++) {
      try (TensorScope step = TensorScope.open()) {
        Tensor g;
        try (TensorScope forward = TensorScope.open(); GradientTape tape = new GradientTape()) {
          g = forward.keep(tape.gradient(Ops.reduceSum(Ops.square(x)), x));
        }
        x.updateInPlace(a -> a.subi(g.array().mul(0.1)));
      }
    }
    assertSame(first, storage(x), "every step updated in place");
    assertArrayEquals(new double[] {3 * Math.pow(0.8, 50), -2 * Math.pow(0.8, 50)}, x.peek().toDoubleArray(), 1e-6);
  }

  @Test
  void variablesReadOnOtherThreadsAreNotUpdatedUnderThem() throws Exception {
    Variable w = new Variable(Tensor.of(new float[] {1}));
    Tensor[] seen = new Tensor[1];
    Thread t = new Thread(() -> seen[0] = w.read());
    t.start();
    t.join();
    w.updateInPlace(a -> a.addi(1));
    assertEquals(1.0, seen[0].doubleValue(), 0);
    assertEquals(List.of(2.0), List.of(w.peek().doubleValue()));
  }
}

package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras's RNN options: return_state, initial_state, stateful, go_backwards, dropout, unroll, GRU reset_after. */
class RnnOptionsTest {
  private static Tensor rand(long seed, long... shape) {
    return Ops.randomUniform(shape, -1, 1, DType.FLOAT64, seed);
  }

  private static Tensor steps(Tensor x, long from, long to) {
    long[] s = x.shape();
    return Ops.slice(x, new long[] {0, from, 0}, new long[] {s[0], to - from, s[2]});
  }

  private static void assertClose(Tensor expected, Tensor actual, double tol) {
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), tol);
  }

  private static double maxDiff(Tensor a, Tensor b) {
    return Ops.reduceMax(Ops.abs(Ops.subtract(a, b))).doubleValue();
  }

  @Test
  void returnStateGivesTheOutputAndFinalStatesAndInitialStateContinuesARun() {
    LSTM lstm = LSTM.builder().units(3).returnState(true).dtype("float64").build();
    Tensor x = rand(1, 2, 6, 4);
    List<Tensor> whole = lstm.callWithStates(x, null, null, false);
    assertEquals(3, whole.size());
    assertClose(whole.get(0), whole.get(1), 0); // the last output is h
    List<Tensor> first = lstm.callWithStates(steps(x, 0, 4), null, null, false);
    List<Tensor> rest = lstm.callWithStates(steps(x, 4, 6), first.subList(1, 3), null, false);
    for (int i = 0; i < 3; i++) {
      assertClose(whole.get(i), rest.get(i), 1e-12);
    }
    assertEquals(true, lstm.getConfig().get("return_state"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sequential(new Input(6, 4), lstm));
    assertTrue(e.getMessage().contains(lstm.name()) && e.getMessage().contains("return_state"), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> lstm.callWithStates(x, List.of(whole.get(1)), null, false));
    assertTrue(bad.getMessage().contains("initial state"), bad.getMessage());
  }

  @Test
  void initialStateAsAGraphInput() {
    GRU gru = GRU.builder().units(2).dtype("float64").build();
    KerasTensor seq = Input.of(DType.FLOAT64, 5, 3);
    KerasTensor h0 = Input.of(DType.FLOAT64, 2);
    Model model = new Model(List.of(seq, h0), List.of(gru.apply(seq, h0)), null);
    Tensor x = rand(2, 2, 5, 3);
    Tensor h = rand(3, 2, 2);
    Tensor y = model.call(List.of(x, h), false);
    assertClose(gru.callWithStates(x, List.of(h), null, false).get(0), y, 1e-12);
    assertTrue(maxDiff(y, gru.apply(x)) > 1e-4);
  }

  @Test
  void statefulCarriesStatesAcrossCallsUntilReset() {
    SimpleRNN rnn = SimpleRNN.builder().units(3).stateful(true).dtype("float64").build();
    SimpleRNN plain = SimpleRNN.builder().units(3).dtype("float64").build();
    Tensor x = rand(4, 2, 6, 2);
    plain.ensureBuilt(x.shape());
    rnn.ensureBuilt(x.shape());
    rnn.setWeights(plain.getWeights());
    rnn.apply(steps(x, 0, 3));
    assertClose(plain.apply(x), rnn.apply(steps(x, 3, 6)), 1e-12);
    rnn.resetStates();
    assertClose(plain.apply(steps(x, 0, 3)), rnn.apply(steps(x, 0, 3)), 1e-12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rnn.apply(rand(5, 3, 2, 2)));
    assertTrue(e.getMessage().contains("stateful") && e.getMessage().contains("3"), e.getMessage());
    assertThrows(IllegalStateException.class, plain::resetStates);
  }

  @Test
  void goBackwardsReadsTheSequenceReversed() {
    LSTM fwd = LSTM.builder().units(2).returnSequences(true).dtype("float64").build();
    LSTM back = LSTM.builder().units(2).returnSequences(true).goBackwards(true).dtype("float64").build();
    Tensor x = rand(6, 1, 4, 3);
    fwd.ensureBuilt(x.shape());
    back.ensureBuilt(x.shape());
    back.setWeights(fwd.getWeights());
    Tensor reversed = Ops.concat(List.of(steps(x, 3, 4), steps(x, 2, 3), steps(x, 1, 2), steps(x, 0, 1)), 1);
    // Keras returns the backward outputs in processing order
    assertClose(fwd.apply(reversed), back.apply(x), 1e-12);
  }

  @Test
  void dropoutOnlyInTrainingAndUnrollAccepted() {
    Map<String, Object> config = LSTM.builder().units(3).dropout(0.5).recurrentDropout(0.3).seed(7L).unroll(true)
        .dtype("float64").build().getConfig();
    LSTM lstm = LSTM.fromConfig(config);
    assertEquals(0.5, lstm.getConfig().get("dropout"));
    assertEquals(0.3, lstm.getConfig().get("recurrent_dropout"));
    assertEquals(true, lstm.getConfig().get("unroll"));
    LSTM plain = LSTM.builder().units(3).dtype("float64").build();
    Tensor x = rand(7, 4, 5, 2);
    lstm.ensureBuilt(x.shape());
    plain.ensureBuilt(x.shape());
    plain.setWeights(lstm.getWeights());
    assertClose(plain.apply(x, false), lstm.apply(x, false), 0);
    assertTrue(maxDiff(plain.apply(x, true), lstm.apply(x, true)) > 1e-3);
    assertThrows(IllegalArgumentException.class, () -> LSTM.builder().units(2).dropout(1.5).build());
  }

  @Test
  void gruResetBeforeIsKeras2sVariant() {
    GRU gru = GRU.builder().units(2).resetAfter(false).dtype("float64").build();
    Tensor x = rand(8, 1, 1, 3);
    Tensor h = rand(9, 1, 2);
    gru.ensureBuilt(x.shape());
    assertEquals(3 * (3 * 2 + 2 * 2 + 2), gru.countParams());
    assertArrayEquals(new long[] {6}, gru.weights().get(2).shape());
    // Keras 2's cell: z, r from x W + h U + b; hh = tanh(x W_h + (r * h) U_h + b_h); h' = z h + (1 - z) hh
    double[] xv = x.toDoubleArray();
    double[] hv = h.toDoubleArray();
    double[] w = gru.weights().get(0).peek().toDoubleArray(); // (3, 6)
    double[] u = gru.weights().get(1).peek().toDoubleArray(); // (2, 6)
    double[] b = rand(10, 6).toDoubleArray();
    gru.weights().get(2).assign(Tensor.of(b, 6));
    Tensor y = gru.callWithStates(x, List.of(h), null, false).get(0);
    double[] expected = new double[2];
    for (int j = 0; j < 2; j++) {
      double[] r = new double[2];
      for (int k = 0; k < 2; k++) {
        r[k] = sigmoid(dot(xv, w, 6, 2 + k) + dot(hv, u, 6, 2 + k) + b[2 + k]);
      }
      double z = sigmoid(dot(xv, w, 6, j) + dot(hv, u, 6, j) + b[j]);
      double rh = 0;
      for (int k = 0; k < 2; k++) {
        rh += r[k] * hv[k] * u[k * 6 + 4 + j];
      }
      double hh = Math.tanh(dot(xv, w, 6, 4 + j) + rh + b[4 + j]);
      expected[j] = z * hv[j] + (1 - z) * hh;
    }
    assertArrayEquals(expected, y.toDoubleArray(), 1e-12);
    assertEquals(false, GRU.fromConfig(gru.getConfig()).resetAfter());
    GRU after = GRU.fromConfig(GRU.builder().units(2).build().getConfig());
    assertTrue(after.resetAfter());
  }

  private static double dot(double[] v, double[] m, int cols, int col) {
    double s = 0;
    for (int i = 0; i < v.length; i++) {
      s += v[i] * m[i * cols + col];
    }
    return s;
  }

  private static double sigmoid(double v) {
    return 1 / (1 + Math.exp(-v));
  }

  @Test
  void unsupportedOptionsAreRejectedNamingTheLayer() {
    Map<String, Object> c = new java.util.HashMap<>(LSTM.builder().units(2).name("enc").build().getConfig());
    c.put("activity_regularizer", Map.of("class_name", "L2", "config", Map.of("l2", 0.01)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LSTM.fromConfig(c));
    assertTrue(e.getMessage().contains("enc") && e.getMessage().contains("activity_regularizer"), e.getMessage());
    Map<String, Object> timeMajor = new java.util.HashMap<>(GRU.builder().units(2).name("dec").build().getConfig());
    timeMajor.put("time_major", true);
    IllegalArgumentException t = assertThrows(IllegalArgumentException.class, () -> GRU.fromConfig(timeMajor));
    assertTrue(t.getMessage().contains("dec") && t.getMessage().contains("time_major"), t.getMessage());
  }
}

package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.GradientCheck;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.TensorLike;
import dev.tapekit.core.Variable;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keras's masks: Masking and Embedding(mask_zero) make them, layers with supports_masking pass them on,
 * RNNs skip masked steps (keeping state and output), and losses and metrics ignore masked positions.
 */
class MaskingTest {
  private static Tensor rand(long seed, long... shape) {
    return Ops.randomUniform(shape, -1, 1, DType.FLOAT64, seed);
  }

  /** Rows [0, n) of the steps axis. */
  private static Tensor firstSteps(Tensor x, long n) {
    long[] s = x.shape();
    return Ops.slice(x, new long[] {0, 0, 0}, new long[] {s[0], n, s[2]});
  }

  /** x with steps [from, to) set to {@code value}. */
  private static Tensor padSteps(Tensor x, long from, long to, double value) {
    double[] v = x.toDoubleArray();
    long[] s = x.shape();
    for (long b = 0; b < s[0]; b++) {
      for (long t = from; t < to; t++) {
        for (long f = 0; f < s[2]; f++) {
          v[(int) ((b * s[1] + t) * s[2] + f)] = value;
        }
      }
    }
    return Tensor.of(v, s);
  }

  private static void assertClose(Tensor expected, Tensor actual, double tol) {
    assertArrayEquals(expected.shape(), actual.shape());
    double[] e = expected.toDoubleArray();
    double[] a = actual.toDoubleArray();
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], tol, "element " + i);
    }
  }

  @Test
  void maskingMarksStepsWhoseFeaturesAllEqualTheMaskValueAndZeroesThem() {
    Masking m = new Masking(-1.0);
    Tensor x = Tensor.of(new double[] {1, -1, -1, -1, 0, 2}, 1, 3, 2);
    Masked out = m.applyMasked(List.of(x), Collections.singletonList(null), false);
    assertArrayEquals(new boolean[] {true, false, true}, toBooleans(out.mask()));
    assertArrayEquals(new double[] {1, -1, 0, 0, 0, 2}, out.output().toDoubleArray(), 0.0);
    Layer back = Layers.deserialize(Layers.serialize(m));
    assertEquals(-1.0, ((Masking) back).maskValue());
    assertEquals(-1.0, m.getConfig().get("mask_value"));
  }

  private static boolean[] toBooleans(Tensor t) {
    double[] v = Ops.cast(t, DType.FLOAT64).toDoubleArray();
    boolean[] out = new boolean[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] != 0;
    }
    return out;
  }

  @Test
  void maskedLstmOnPostPaddedSequencesEqualsTheUnpaddedRun() {
    LSTM lstm = LSTM.builder().units(3).dtype("float64").build();
    Tensor x = rand(1, 2, 5, 2);
    Tensor padded = padSteps(x, 3, 5, 0.0);
    Sequential model = new Sequential(Masking.builder().maskValue(0.0).dtype("float64").build(), lstm);
    Tensor masked = model.call(padded, false);
    Tensor truncated = lstm.apply(firstSteps(x, 3));
    assertClose(truncated, masked, 1e-12);
    // without the mask the padded steps change the result
    double diff = Ops.reduceMax(Ops.abs(Ops.subtract(lstm.apply(padded), truncated))).doubleValue();
    assertTrue(diff > 1e-3, "padding must matter without a mask, diff " + diff);
  }

  @Test
  void maskedStepsKeepThePreviousOutputOrZerosWithZeroOutputForMask() {
    Tensor x = rand(2, 1, 4, 2);
    Tensor mask = Tensor.of(new boolean[] {true, false, true, false}, 1, 4);
    GRU gru = GRU.builder().units(2).returnSequences(true).dtype("float64").build();
    Tensor y = gru.apply(x, false, mask);
    double[] v = y.toDoubleArray();
    assertEquals(v[0], v[2], 0.0);
    assertEquals(v[1], v[3], 0.0);
    assertEquals(v[4], v[6], 0.0);
    GRU zeros = GRU.builder().units(2).returnSequences(true).zeroOutputForMask(true).dtype("float64").build();
    zeros.ensureBuilt(x.shape());
    zeros.setWeights(gru.getWeights());
    double[] z = zeros.apply(x, false, mask).toDoubleArray();
    assertArrayEquals(new double[] {v[0], v[1], 0, 0, v[4], v[5], 0, 0}, z, 1e-15);
    // the sequence output keeps the mask; the last output has none
    assertTrue(gru.computeMask(x, mask) == mask);
    assertNull(GRU.builder().units(2).build().computeMask(x, mask));
  }

  @Test
  void embeddingMaskZeroFeedsTheRnnInAFunctionalModel() {
    Embedding emb = Embedding.builder().inputDim(6).outputDim(3).maskZero(true).dtype("float64").build();
    SimpleRNN rnn = SimpleRNN.builder().units(2).dtype("float64").build();
    KerasTensor in = Input.of(4);
    Model model = new Model(in, rnn.apply(emb.apply(in)));
    Tensor ids = Tensor.of(new int[] {0, 0, 3, 5, 2, 4, 1, 0}, 2, 4);
    Tensor y = model.predict(ids);
    // row 0: pre-padded [0, 0, 3, 5] is the run on [3, 5]; row 1: post-padded [2, 4, 1, 0] on [2, 4, 1]
    Tensor row0 = rnn.apply(emb.apply(Tensor.of(new int[] {3, 5}, 1, 2)));
    Tensor row1 = rnn.apply(emb.apply(Tensor.of(new int[] {2, 4, 1}, 1, 3)));
    assertClose(Ops.concat(List.of(row0, row1), 0), y, 1e-12);
    assertArrayEquals(new boolean[] {false, false, true, true, true, true, true, false},
        toBooleans(emb.computeMask(ids, null)));
    assertEquals(true, Layers.deserialize(Layers.serialize(emb)).getConfig().get("mask_zero"));
  }

  @Test
  void masksPassThroughDenseAndMergeLayersAndStopAtLayersWithoutMaskSupport() {
    Tensor x = rand(3, 1, 3, 2);
    Tensor mask = Tensor.of(new boolean[] {true, false, true}, 1, 3);
    Dense dense = Dense.builder().units(2).dtype("float64").build();
    assertTrue(dense.applyMasked(List.of(x), Collections.singletonList(mask), false).mask() == mask);
    Flatten flatten = Flatten.builder().dtype("float64").build();
    assertNull(flatten.applyMasked(List.of(x), Collections.singletonList(mask), false).mask());
    Tensor other = Tensor.of(new boolean[] {true, true, false}, 1, 3);
    Masked added = Add.builder().dtype("float64").build().applyMasked(List.of(x, x), List.of(mask, other), false);
    assertArrayEquals(new boolean[] {true, false, false}, toBooleans(added.mask()));
    // Keras's Concatenate: an unmasked input counts as all true, then "any" over the last axis
    Masked joined = new Concatenate().applyMasked(List.of(x, x), java.util.Arrays.asList(mask, null), false);
    assertArrayEquals(new boolean[] {true, true, true}, toBooleans(joined.mask()));
  }

  @Test
  void lossAndMetricsIgnoreMaskedTimesteps() {
    KerasTensor in = Input.of(4, 1);
    Dense out = Dense.builder().units(1).kernelInitializer(new dev.tapekit.layers.initializers.Ones()).build();
    Model model = new Model(in, out.apply(new Masking(0.0).apply(in)));
    model.compile("sgd", "mse", "mae");
    Tensor x = Tensor.of(new float[] {1, 2, 0, 0, 3, 0, 1, 0}, 2, 4, 1);
    Tensor y = Tensor.of(new float[] {0, 0, 9, 9, 1, 9, 2, 9}, 2, 4, 1);
    Map<String, Double> logs = model.testOnBatch(x, y);
    // valid (x, y): (1,0) (2,0) (3,1) (1,2): squared errors 1, 4, 4, 1; absolute 1, 2, 2, 1
    assertEquals(10.0 / 4, logs.get("loss"), 1e-5);
    assertEquals(6.0 / 4, logs.get("mae"), 1e-6);
  }

  @Test
  void gradientsSkipMaskedSteps() {
    LSTM lstm = LSTM.builder().units(2).returnSequences(false).dtype("float64").build();
    Tensor x = rand(4, 2, 4, 3);
    Tensor mask = Tensor.of(new boolean[] {true, true, true, false, true, true, true, false}, 2, 4);
    lstm.ensureBuilt(x.shape());
    List<Variable> ws = lstm.trainableWeights();
    List<Tensor> masked = weightGrads(lstm, () -> lstm.apply(x, true, mask), ws);
    List<Tensor> truncated = weightGrads(lstm, () -> lstm.apply(firstSteps(x, 3), true), ws);
    for (int i = 0; i < ws.size(); i++) {
      assertClose(truncated.get(i), masked.get(i), 1e-12);
    }
    GradientCheck.Result r = GradientCheck.check(in -> lstm.apply(in.get(0), true, mask), List.of(x));
    assertTrue(r.passed(), r.toString());
    // the masked steps' inputs get no gradient
    Tensor gx;
    try (GradientTape tape = new GradientTape()) {
      tape.watch(x);
      gx = tape.gradient(Ops.reduceSum(lstm.apply(x, true, mask)), x);
    }
    double[] g = gx.toDoubleArray();
    for (int f = 0; f < 3; f++) {
      assertEquals(0.0, g[3 * 3 + f], 0.0);
      assertEquals(0.0, g[(4 + 3) * 3 + f], 0.0);
    }
  }

  @Test
  void batchNormalizationTrainsOnUnmaskedPositionsOnly() {
    BatchNormalization masked = BatchNormalization.builder().dtype("float64").build();
    BatchNormalization valid = BatchNormalization.builder().dtype("float64").build();
    Tensor x = rand(5, 2, 3, 2);
    Tensor mask = Tensor.of(new boolean[] {true, false, true, true, true, false}, 2, 3);
    Tensor y = masked.apply(x, true, mask);
    // the same layer on the 4 unmasked positions as a plain batch
    Tensor rows = Ops.gather(Ops.reshape(x, 6, 2), Tensor.ofLongs(new long[] {0, 2, 3, 4}, 4), 0);
    Tensor expected = valid.apply(rows, true);
    Tensor got = Ops.gather(Ops.reshape(y, 6, 2), Tensor.ofLongs(new long[] {0, 2, 3, 4}, 4), 0);
    assertClose(expected, got, 1e-5);
    assertClose(valid.movingMean().peek(), masked.movingMean().peek(), 1e-9);
    assertClose(valid.movingVariance().peek(), masked.movingVariance().peek(), 1e-6);
  }

  private static List<Tensor> weightGrads(Layer layer, java.util.function.Supplier<Tensor> f, List<Variable> ws) {
    try (GradientTape tape = new GradientTape()) {
      Tensor y = Ops.reduceSum(Ops.multiply(f.get(), Tensor.of(new double[] {0.3, -0.7, 1.1, 0.5}, 2, 2)));
      return tape.gradient(y, new ArrayList<TensorLike>(ws));
    }
  }
}

package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.GradientCheck;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.models.Sequential;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras's Bidirectional and TimeDistributed wrappers, LayerNormalization(rms_scaling) and hard_sigmoid_keras2. */
class WrappersTest {
  private static Tensor rand(long seed, long... shape) {
    return Ops.randomUniform(shape, -1, 1, DType.FLOAT64, seed);
  }

  private static Tensor steps(Tensor x, long from, long to) {
    long[] s = x.shape();
    return Ops.slice(x, new long[] {0, from, 0}, new long[] {s[0], to - from, s[2]});
  }

  private static Tensor reverseSteps(Tensor x) {
    List<Tensor> parts = new ArrayList<>();
    for (long t = x.shape()[1] - 1; t >= 0; t--) {
      parts.add(steps(x, t, t + 1));
    }
    return Ops.concat(parts, 1);
  }

  private static void assertClose(Tensor expected, Tensor actual, double tol) {
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), tol);
  }

  @Test
  void bidirectionalMergesTheForwardAndTheReversedBackwardRun() {
    Bidirectional bi = new Bidirectional(LSTM.builder().units(3).returnSequences(true).name("enc").dtype("float64").build(),
        "sum", null, null);
    Tensor x = rand(1, 2, 4, 2);
    Tensor y = bi.apply(x);
    assertEquals("forward_enc", bi.forwardLayer().name());
    assertEquals("backward_enc", bi.backwardLayer().name());
    assertTrue(bi.backwardLayer().getConfig().get("go_backwards").equals(true));
    assertEquals(2 * (4 * 3 * (2 + 3 + 1)), bi.countParams());
    // the backward layer reads x reversed; its outputs are put back in time order
    Tensor fwd = bi.forwardLayer().apply(x);
    Tensor back = reverseSteps(bi.backwardLayer().apply(x));
    assertClose(Ops.add(fwd, back), y, 1e-12);
    List<Tensor> apart = bi.callSeparately(x, false, null);
    assertClose(fwd, apart.get(0), 0);
    assertClose(back, apart.get(1), 0);
  }

  @Test
  void bidirectionalMergeModesShapesAndConfig() {
    Tensor x = rand(2, 3, 5, 2);
    for (String mode : new String[] {"concat", "sum", "mul", "ave"}) {
      Bidirectional bi = new Bidirectional(GRU.builder().units(2).dtype("float64").build(), mode, null, null);
      Tensor y = bi.apply(x);
      long width = mode.equals("concat") ? 4 : 2;
      assertArrayEquals(new long[] {3, width}, y.shape());
      assertArrayEquals(new long[] {-1, width}, bi.computeOutputShape(new long[] {-1, 5, 2}));
      Bidirectional back = (Bidirectional) Layers.deserialize(Layers.serialize(bi));
      assertEquals(mode, back.mergeMode());
      assertEquals(bi.forwardLayer().name(), back.forwardLayer().name());
      back.ensureBuilt(x.shape());
      back.setWeights(bi.getWeights());
      assertClose(y, back.apply(x), 0);
    }
    Bidirectional none = new Bidirectional(SimpleRNN.builder().units(2).build(), null, null, "bi");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> none.apply(rand(4, 1, 3, 2)));
    assertTrue(e.getMessage().contains("bi") && e.getMessage().contains("merge_mode=None"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Bidirectional(new Dense(2)));
    assertThrows(IllegalArgumentException.class, () -> new Bidirectional(new LSTM(2), "max", null, null));
  }

  @Test
  void bidirectionalWithAGivenBackwardLayerAndMasks() {
    LSTM fwd = LSTM.builder().units(2).dtype("float64").build();
    LSTM bwd = LSTM.builder().units(2).goBackwards(true).activation("relu").name("bwd").dtype("float64").build();
    Bidirectional bi = new Bidirectional(fwd, "concat", bwd, null);
    assertTrue(bi.backwardLayer() == bwd);
    Map<String, Object> backCfg = (Map<String, Object>) ((Map<?, ?>) bi.getConfig().get("backward_layer")).get("config");
    assertEquals("relu", backCfg.get("activation"));
    assertThrows(IllegalArgumentException.class, () -> new Bidirectional(fwd, "concat", new LSTM(2), null));
    // a post-padded, masked batch gives the truncated run in both directions
    Tensor x = rand(5, 1, 5, 3);
    Tensor mask = Tensor.of(new boolean[] {true, true, true, false, false}, 1, 5);
    assertClose(bi.apply(steps(x, 0, 3)), bi.apply(x, false, mask), 1e-12);
  }

  @Test
  void bidirectionalGradients() {
    Bidirectional bi = new Bidirectional(SimpleRNN.builder().units(2).returnSequences(true).dtype("float64").build());
    Tensor x = rand(6, 2, 3, 2);
    Tensor mask = Tensor.of(new boolean[] {true, true, false, true, true, true}, 2, 3);
    GradientCheck.Result r = GradientCheck.check(in -> bi.apply(in.get(0), true, mask), List.of(x));
    assertTrue(r.passed(), r.toString());
    Sequential model = new Sequential(new Input(3, 2), bi);
    assertEquals(bi.trainableWeights().size(), model.trainableVariables().size());
    bi.setTrainable(false);
    assertEquals(0, model.trainableVariables().size());
  }

  @Test
  void timeDistributedAppliesOneLayerToEveryStep() {
    Dense dense = Dense.builder().units(3).activation("tanh").dtype("float64").build();
    TimeDistributed td = new TimeDistributed(dense);
    Tensor x = rand(7, 2, 4, 5);
    Tensor y = td.apply(x);
    assertArrayEquals(new long[] {2, 4, 3}, y.shape());
    for (long t = 0; t < 4; t++) {
      Tensor step = Ops.reshape(steps(x, t, t + 1), 2, 5);
      assertClose(Ops.reshape(dense.apply(step), 2, 1, 3), steps(y, t, t + 1), 1e-12);
    }
    assertEquals(18, td.countParams());
    assertArrayEquals(new long[] {-1, 4, 3}, td.computeOutputShape(new long[] {-1, 4, 5}));
    TimeDistributed back = (TimeDistributed) Layers.deserialize(Layers.serialize(td));
    assertEquals("Dense", back.layer().className());
    Tensor mask = Tensor.of(new boolean[] {true, false, true, true, true, true, false, false}, 2, 4);
    assertTrue(td.applyMasked(List.of(x), java.util.Collections.singletonList(mask), false).mask() == mask);
    GradientCheck.Result r = GradientCheck.check(in -> td.apply(in.get(0), true), List.of(x));
    assertTrue(r.passed(), r.toString());
  }

  @Test
  void layerNormalizationRmsScaling() {
    LayerNormalization ln = LayerNormalization.builder().rmsScaling(true).epsilon(1e-3).dtype("float64").build();
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, -1, 0, 5, 2}, 2, 4);
    Tensor y = ln.apply(x);
    assertEquals(1, ln.weights().size()); // gamma only
    double[] v = x.toDoubleArray();
    double[] expected = new double[8];
    for (int r = 0; r < 2; r++) {
      double mean = 0;
      for (int i = 0; i < 4; i++) {
        mean += v[r * 4 + i] / 4;
      }
      double var = 0;
      for (int i = 0; i < 4; i++) {
        var += (v[r * 4 + i] - mean) * (v[r * 4 + i] - mean) / 4;
      }
      for (int i = 0; i < 4; i++) {
        expected[r * 4 + i] = v[r * 4 + i] / Math.sqrt(var + 1e-3);
      }
    }
    assertArrayEquals(expected, y.toDoubleArray(), 1e-12);
    LayerNormalization back = LayerNormalization.fromConfig(ln.getConfig());
    assertEquals(true, back.getConfig().get("rms_scaling"));
    GradientCheck.Result r = GradientCheck.check(in -> ln.apply(in.get(0), true), List.of(rand(8, 2, 4)));
    assertTrue(r.passed(), r.toString());
    // Keras 2 writes the positive index of the last axis
    Map<String, Object> k2 = new java.util.HashMap<>(LayerNormalization.builder().build().getConfig());
    k2.put("axis", List.of(2));
    assertArrayEquals(new long[] {1, 2, 3}, LayerNormalization.fromConfig(k2).apply(Tensor.zeros(1, 2, 3)).shape());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LayerNormalization.fromConfig(k2).apply(Tensor.zeros(1, 2, 3, 4)));
    assertTrue(e.getMessage().contains("axis=2"), e.getMessage());
  }

  @Test
  void hardSigmoidKeras3AndKeras2() {
    Tensor x = Tensor.of(new double[] {-4, -2, -1, 0, 1, 2, 4});
    // Keras 3: relu6(x + 3) / 6; Keras <= 2.3: clip(0.2 x + 0.5, 0, 1)
    assertArrayEquals(new double[] {0, 1.0 / 6, 2.0 / 6, 0.5, 4.0 / 6, 5.0 / 6, 1},
        Activations.get("hard_sigmoid").apply(x).toDoubleArray(), 1e-12);
    assertArrayEquals(new double[] {0, 0.1, 0.3, 0.5, 0.7, 0.9, 1},
        Activations.get("hard_sigmoid_keras2").apply(x).toDoubleArray(), 1e-12);
    LSTM keras2 = LSTM.builder().units(2).recurrentActivation("hard_sigmoid_keras2").build();
    assertEquals("hard_sigmoid_keras2", keras2.getConfig().get("recurrent_activation"));
  }

  @Test
  void wrappersInASequentialConfigKeepTheInputShape() {
    Sequential m = new Sequential(new Bidirectional(LSTM.builder().units(2).inputShape(6, 3).build()),
        new Dense(1));
    assertArrayEquals(new long[] {-1, 4}, m.layers().get(0).outputShape());
    Map<String, Object> bi = m.layers().get(0).getConfig();
    Bidirectional back = Bidirectional.fromConfig(bi);
    assertArrayEquals(new long[] {6, 3}, back.declaredInputShape());
    TimeDistributed td = TimeDistributed.fromConfig(Map.of("name", "td", "batch_input_shape", java.util.Arrays.asList(null, 4, 2),
        "layer", Layers.serialize(new Dense(3))));
    assertArrayEquals(new long[] {-1, 4, 3}, new Sequential(td).layers().get(0).outputShape());
  }
}

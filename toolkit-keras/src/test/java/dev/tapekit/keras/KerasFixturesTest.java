package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Layer;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.BaseOptimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Keras files (Keras 2.0.6 to 2.3.1, from Deeplearning4j's test resources): every one loads, and
 * those with Keras's outputs reproduce the predictions and each layer's activations to 1e-5.
 */
class KerasFixturesTest {
  private static final double TOLERANCE = 1e-5;

  @ParameterizedTest
  @ValueSource(strings = {
      "activations/ELU_0", "activations/ReLU_0", "activations/Softmax_0", "causal_conv1d/causal_conv1d_k2_s1_d1_cl",
      "conv1d/conv1d_k2_s1_d1_cl_same", "conv1d/conv1d_k3_s2_d1_cf_valid", "simple_rnn/simple_rnn_tf_keras_2",
      "simple_sparse_xent/simple_sparse_xent_mlp_keras_2"})
  void reproducesKerasPredictionsAndActivations(String fixture) {
    Model model = Models.load(KerasFixtures.file(fixture + "_model.h5"));
    assertTrue(model.compiled(), "the file has a training_config");
    try (H5File io = H5File.open(KerasFixtures.file(fixture + "_inputs_and_outputs.h5"))) {
      List<String> inputs = io.children("inputs");
      assertEquals(1, inputs.size());
      Tensor x = KerasFixtures.dataset(io, "inputs/" + inputs.get(0));
      String out = io.children("predictions").get(0);
      assertClose(KerasFixtures.dataset(io, "predictions/" + out), model.predict(x), fixture + " predictions");
      // each layer's own output, as Keras's activations/<layer> holds it
      int checked = 0;
      Tensor h = x;
      for (Layer layer : ((Sequential) model).layers()) {
        h = layer.apply(h);
        if (io.shape("activations/" + layer.name()) != null) {
          assertClose(KerasFixtures.dataset(io, "activations/" + layer.name()), h, fixture + " " + layer.name());
          checked++;
        }
      }
      assertEquals(io.children("activations").size(), checked, "every layer with Keras activations was compared");
    }
  }

  @Test
  void everyFixtureFileLoads() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.walk(KerasFixtures.dir())) {
      files = s.filter(p -> p.toString().endsWith(".h5")).sorted().toList();
    }
    assertEquals(21, files.size());
    int models = 0;
    for (Path p : files) {
      String name = p.getFileName().toString();
      if (name.endsWith("_inputs_and_outputs.h5") || name.endsWith("_weights.h5")) {
        continue;
      }
      Model m = Models.load(p);
      assertFalse(m.weights().isEmpty(), name);
      models++;
    }
    assertEquals(11, models);
  }

  @Test
  void functionalLstmOfKeras208() {
    Model m = Models.load(KerasFixtures.file("functional_lstm/lstm_functional_tf_keras_2.h5"));
    assertEquals("Keras_LSTM", m.name());
    assertEquals(List.of("inputLayer_1", "lstm", "outputLayer_a"), m.layers().stream().map(Layer::name).toList());
    assertEquals("hard_sigmoid_keras2", m.getLayer("lstm").getConfig().get("recurrent_activation"));
    Tensor y = m.predict(Tensor.ones(3, 10, 4));
    assertArrayEquals(new long[] {3, 5}, y.shape());
    // Keras 2's "lr" is Keras 3's learning_rate; Adam's other arguments come along
    BaseOptimizer adam = (BaseOptimizer) m.optimizer();
    assertEquals(0.001, adam.learningRate(), 1e-9);
    assertEquals(0.9, ((Number) adam.getConfig().get("beta_1")).doubleValue(), 1e-7);
  }

  @Test
  void weightsFileLoadsIntoTheModelOfItsModelFile() {
    Path modelFile = KerasFixtures.file("simple_lstm/simple_lstm_tf_keras_2_model.h5");
    Model keras = Models.load(modelFile);
    Tensor x;
    try (H5File io = H5File.open(KerasFixtures.file("simple_lstm/simple_lstm_tf_keras_2_inputs_and_outputs.h5"))) {
      x = KerasFixtures.dataset(io, "inputs/lstm_1_input");
    }
    Tensor expected = keras.predict(x);
    Model fresh = Models.load(modelFile);
    for (Variable v : fresh.weights()) {
      v.assign(Tensor.zeros(v.shape()));
    }
    assertFalse(close(expected, fresh.predict(x)), "zeroed weights predict something else");
    fresh.loadWeights(KerasFixtures.file("simple_lstm/simple_lstm_tf_keras_2_weights.h5"));
    assertClose(expected, fresh.predict(x), "predictions after loadWeights");
  }

  @Test
  void recurrentDropoutOfTheFileIsKept() {
    // the file's LSTM was trained with dropout=0.2: it applies in training (fine-tuning), not at inference
    Model m = Models.load(KerasFixtures.file("simple_lstm/simple_lstm_tf_keras_2_model.h5"));
    assertEquals(0.2, ((Number) m.layers().get(0).getConfig().get("dropout")).doubleValue(), 1e-12);
  }

  @Test
  void weightsOnlyFileIsNotAModel() {
    Path p = KerasFixtures.file("simple_lstm/simple_lstm_tf_keras_2_weights.h5");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains("holds only weights") && e.getMessage().contains("loadWeights"),
        e.getMessage());
  }

  @Test
  void maskingBeforeLstm() {
    Model m = Models.load(KerasFixtures.file("masking/masking_zero_lstm.h5"));
    assertFalse(m.compiled(), "the file has no training_config");
    // the file fixes 10 steps: the same 6 steps padded with zero steps after them or before them give the
    // same output, since the LSTM skips masked steps and carries its state (without the mask they differ)
    float[] after = new float[10 * 42];
    float[] before = new float[10 * 42];
    for (int i = 0; i < 6 * 42; i++) {
      after[i] = (float) Math.sin(i);
      before[4 * 42 + i] = (float) Math.sin(i);
    }
    Tensor padAfter = m.predict(Tensor.of(after, 1, 10, 42));
    Tensor padBefore = m.predict(Tensor.of(before, 1, 10, 42));
    assertClose(padAfter, padBefore, "masked steps are skipped");
    float[] notMasked = before.clone();
    java.util.Arrays.fill(notMasked, 0, 4 * 42, 1e-3f); // near-zero steps that are not masked do count
    assertFalse(close(padBefore, m.predict(Tensor.of(notMasked, 1, 10, 42))), "unmasked steps change the output");
  }

  private static boolean close(Tensor expected, Tensor actual) {
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    if (e.length != a.length) {
      return false;
    }
    for (int i = 0; i < e.length; i++) {
      if (Math.abs(e[i] - a[i]) > TOLERANCE) {
        return false;
      }
    }
    return true;
  }

  static void assertClose(Tensor expected, Tensor actual, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    float[] e = expected.toFloatArray();
    float[] a = actual.toFloatArray();
    List<String> bad = new ArrayList<>();
    for (int i = 0; i < e.length; i++) {
      if (!(Math.abs(e[i] - a[i]) <= TOLERANCE)) {
        bad.add(i + ": " + e[i] + " vs " + a[i]);
      }
    }
    assertTrue(bad.isEmpty(), what + ": " + bad.size() + " of " + e.length + " differ, e.g. "
        + bad.subList(0, Math.min(5, bad.size())));
  }
}

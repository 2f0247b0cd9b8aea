package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.LSTM;
import dev.tapekit.layers.Layer;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legacy {@code .h5} files written by tapekit, read back with jhdf: the attributes, groups, datasets and JSON that
 * Keras 3's {@code legacy_h5_format.load_model_from_hdf5} (and {@code load_weights_from_hdf5_group}) reads.
 */
class LegacyH5WriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  @Test
  void aModelFileHasKerasRootAttributesAndWeightGroups() throws Exception {
    Sequential m = KerasV3RoundTripTest.cnn();
    Path p = dir.resolve("cnn.h5");
    m.save(p);
    try (H5File h5 = H5File.open(p)) {
      Map<String, Object> root = h5.attributes("/");
      assertTrue(root.keySet().containsAll(List.of("keras_version", "backend", "model_config", "training_config")),
          root.keySet().toString());
      assertTrue(h5.stringAttribute("/", "keras_version").startsWith("2."));
      assertEquals("tensorflow", h5.stringAttribute("/", "backend"));
      List<String> names = h5.stringsAttribute("model_weights", "layer_names");
      assertEquals(List.of("conv2d", "batch_normalization", "dense").stream().map(n -> m.getLayer(nameOf(m, n)).name())
          .toList(), names);
      for (String layer : names) {
        Layer l = m.getLayer(layer);
        List<String> wn = h5.stringsAttribute("model_weights/" + layer, "weight_names");
        assertEquals(l.weights().size(), wn.size(), layer);
        for (int i = 0; i < wn.size(); i++) {
          Variable v = l.weights().get(i);
          assertEquals(v.name() + ":0", wn.get(i));
          String ds = "model_weights/" + layer + "/" + wn.get(i);
          assertArrayEquals(v.shape(), h5.shape(ds), ds);
          assertArrayEquals(v.peek().toFloatArray(), h5.floats(ds, v.shape(), ds).toFloatArray(), ds);
        }
      }
      List<String> opt = h5.stringsAttribute("optimizer_weights", "weight_names");
      assertEquals(2 + 2 * m.trainableVariables().size(), opt.size());
      assertEquals("adam/iteration:0", opt.get(0));
      assertEquals(m.optimizer().state().steps(), ((Number) ((io.jhdf.api.Dataset) h5.node("optimizer_weights/"
          + opt.get(0))).getData()).longValue());
    }
  }

  /** The name of the model's first layer of Keras class snake name {@code cls}. */
  private static String nameOf(Model m, String cls) {
    return m.layers().stream().filter(l -> KerasV3Layout.snakeCase(l.className()).equals(cls)).findFirst()
        .orElseThrow().name();
  }

  @Test
  void modelConfigIsKerasTwoShaped() throws Exception {
    Path p = dir.resolve("rnn.h5");
    Model m = KerasV3RoundTripTest.recurrent();
    m.save(p);
    try (H5File h5 = H5File.open(p)) {
      Map<?, ?> c = JSON.readValue(h5.stringAttribute("/", "model_config"), Map.class);
      assertEquals("Functional", c.get("class_name"));
      assertFalse(h5.stringAttribute("/", "model_config").contains("\"module\""), "no Keras 3 module keys");
      assertFalse(h5.stringAttribute("/", "model_config").contains("DTypePolicy"));
      List<?> layers = (List<?>) ((Map<?, ?>) c.get("config")).get("layers");
      Map<?, ?> input = (Map<?, ?>) layers.get(0);
      assertEquals("InputLayer", input.get("class_name"));
      assertEquals(java.util.Arrays.asList(null, 5), ((Map<?, ?>) input.get("config")).get("batch_input_shape"));
      Map<?, ?> add = layers.stream().map(o -> (Map<?, ?>) o).filter(l -> "Add".equals(l.get("class_name")))
          .findFirst().orElseThrow();
      // [[[layer, node, tensor, kwargs], [layer, node, tensor, kwargs]]]
      List<?> node = (List<?>) ((List<?>) add.get("inbound_nodes")).get(0);
      assertEquals(2, node.size());
      assertEquals(4, ((List<?>) node.get(0)).size());
      Map<?, ?> dense = (Map<?, ?>) ((Map<?, ?>) layers.get(4)).get("config");
      assertEquals(Map.of("class_name", "GlorotUniform", "config", java.util.Collections.singletonMap("seed", null)),
          dense.get("kernel_initializer"));
      assertEquals("float32", dense.get("dtype"));
      // layer names come from tapekit's counter (lstm, lstm_1, ... as other tests made layers before)
      String lstm = nameOf(m, "lstm");
      assertEquals(List.of(lstm + "/lstm_cell/kernel:0", lstm + "/lstm_cell/recurrent_kernel:0",
          lstm + "/lstm_cell/bias:0"), h5.stringsAttribute("model_weights/" + lstm, "weight_names"));
      assertArrayEquals(new long[] {4, 24}, h5.shape("model_weights/" + lstm + "/" + lstm + "/lstm_cell/kernel:0"));
      assertNull(h5.node("model_weights/" + nameOf(m, "add")), "a layer without weights has no group");
      assertNull(h5.attributes("/").get("training_config"), "an uncompiled model has no training_config");
    }
  }

  @Test
  void trainingConfigHasWhatKerasCompilesFrom() throws Exception {
    Path p = dir.resolve("cnn.h5");
    KerasV3RoundTripTest.cnn().save(p);
    try (H5File h5 = H5File.open(p)) {
      Map<?, ?> t = JSON.readValue(h5.stringAttribute("/", "training_config"), Map.class);
      assertTrue(t.keySet().containsAll(List.of("loss", "metrics", "weighted_metrics", "loss_weights",
          "optimizer_config")), t.keySet().toString());
      Map<?, ?> opt = (Map<?, ?>) t.get("optimizer_config");
      assertEquals("Adam", opt.get("class_name"));
      assertEquals(0.001, ((Number) ((Map<?, ?>) opt.get("config")).get("learning_rate")).doubleValue(), 1e-12);
      // a loss with its name's defaults is written by name, as tf.keras 2 wrote a loss compiled by name
      assertEquals("sparse_categorical_crossentropy", t.get("loss"));
      assertEquals(List.of("accuracy"), t.get("metrics"));
    }
  }

  @Test
  void aLossWithOtherArgumentsIsWrittenAsItsObject() throws Exception {
    Sequential m = new Sequential(new Input(3), new Dense(2));
    m.compile(new dev.tapekit.optimizers.Adam(), new dev.tapekit.losses.SparseCategoricalCrossentropy(true));
    Path p = dir.resolve("logits.h5");
    m.save(p);
    try (H5File h5 = H5File.open(p)) {
      Map<?, ?> loss = (Map<?, ?>) JSON.readValue(h5.stringAttribute("/", "training_config"), Map.class).get("loss");
      assertEquals("SparseCategoricalCrossentropy", loss.get("class_name"));
      assertEquals(true, ((Map<?, ?>) loss.get("config")).get("from_logits"));
      assertFalse(loss.containsKey("module"));
    }
  }

  @Test
  void saveWeightsWritesTheLayerGroupsAtTheRoot() throws Exception {
    Path p = dir.resolve("w.h5");
    Sequential m = new Sequential(new Input(3), new Dense(4, "relu"), new Dense(2));
    m.saveWeights(p);
    try (H5File h5 = H5File.open(p)) {
      assertEquals(m.layers().stream().map(Layer::name).toList(), h5.stringsAttribute("/", "layer_names"));
      assertEquals("2.15.0", h5.stringAttribute("/", "keras_version"));
      assertNull(h5.attributes("/").get("model_config"));
      String first = m.layers().get(0).name();
      assertArrayEquals(new long[] {3, 4}, h5.shape(first + "/" + first + "/kernel:0"));
      assertFalse(KerasV3Weights.isV3(h5), "the legacy layout is not mistaken for Keras 3's");
    }
  }

  @Test
  void hardSigmoidIsRefusedNamingTheLayer() {
    Sequential m = new Sequential(new Input(4, 3),
        LSTM.builder().units(2).recurrentActivation("hard_sigmoid").name("lstm_hs").build());
    Path p = dir.resolve("hs.h5");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.save(p));
    assertTrue(e.getMessage().contains("'lstm_hs'") && e.getMessage().contains("recurrent_activation")
        && e.getMessage().contains(".keras"), e.getMessage());
    assertFalse(Files.exists(p));
  }

  @Test
  void aFailedSaveLeavesThePreviousFileIntact() throws Exception {
    Path p = dir.resolve("m.h5");
    new Sequential(new Input(3), new Dense(2)).save(p);
    byte[] before = Files.readAllBytes(p);
    Sequential bad = new Sequential(new Input(3), new KerasV3WriteTest.EmptyWeight());
    assertThrows(IllegalArgumentException.class, () -> bad.save(p));
    assertThrows(IllegalArgumentException.class, () -> bad.saveWeights(p));
    assertArrayEquals(before, Files.readAllBytes(p));
  }
}

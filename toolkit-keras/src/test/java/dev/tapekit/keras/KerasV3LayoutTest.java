package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.models.Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A written {@code .keras} file read back with jhdf and Jackson: the structure Keras 3's {@code saving_lib.load_model}
 * walks (zip entries, config.json's objects, the weights' group paths, dataset names and shapes).
 */
class KerasV3LayoutTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * The arguments each Keras 3 layer's constructor takes (its get_config keys, Keras 3.4 to 3.16): Keras rebuilds a
   * layer with {@code cls(**config)}, so any other key fails the load with "Unrecognized keyword arguments".
   */
  private static final Set<String> BASE = Set.of("name", "trainable", "dtype", "activity_regularizer");
  private static final Map<String, Set<String>> KERAS_ARGS = Map.of(
      "Dense", Set.of("units", "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer",
          "bias_regularizer", "kernel_constraint", "bias_constraint"),
      "Conv2D", Set.of("filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
          "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
          "kernel_constraint", "bias_constraint"),
      "MaxPooling2D", Set.of("pool_size", "strides", "padding", "data_format"),
      "BatchNormalization", Set.of("axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
          "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer", "beta_regularizer",
          "gamma_regularizer", "beta_constraint", "gamma_constraint", "synchronized"),
      "Flatten", Set.of("data_format"),
      "Dropout", Set.of("rate", "seed", "noise_shape"),
      "Embedding", Set.of("input_dim", "output_dim", "embeddings_initializer", "embeddings_regularizer",
          "embeddings_constraint", "mask_zero"),
      "LSTM", rnn("recurrent_activation", "unit_forget_bias"),
      "GRU", rnn("recurrent_activation", "reset_after"),
      "Add", Set.of());
  @TempDir Path dir;

  private static Set<String> rnn(String... own) {
    Set<String> s = new java.util.HashSet<>(Set.of("return_sequences", "return_state", "go_backwards", "stateful",
        "unroll", "zero_output_for_mask", "units", "activation", "use_bias", "kernel_initializer",
        "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
        "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout", "recurrent_dropout", "seed"));
    s.addAll(List.of(own));
    return s;
  }

  @Test
  void theZipHoldsKerasThreeEntriesStoredInSavingLibsOrder() throws Exception {
    Path p = dir.resolve("m.keras");
    KerasV3RoundTripTest.cnn().save(p);
    try (ZipFile zip = new ZipFile(p.toFile())) {
      List<String> names = new ArrayList<>();
      for (ZipEntry e : Collections.list(zip.entries())) {
        names.add(e.getName());
        assertEquals(ZipEntry.STORED, e.getMethod(), e.getName());
      }
      assertEquals(List.of("metadata.json", "config.json", "model.weights.h5"), names);
      Map<?, ?> meta = JSON.readValue(zip.getInputStream(zip.getEntry("metadata.json")), Map.class);
      assertTrue(((String) meta.get("keras_version")).startsWith("3."), meta.toString());
      assertTrue(((String) meta.get("date_saved")).matches("\\d{4}-\\d\\d-\\d\\d@\\d\\d:\\d\\d:\\d\\d"), meta.toString());
    }
    assertTrue(KerasV3Files.isKerasZip(p));
  }

  @Test
  void sequentialConfigIsKerasThreesSerializedForm() throws Exception {
    Map<String, Object> c = config(KerasV3RoundTripTest.cnn());
    assertEquals("keras", c.get("module"));
    assertEquals("Sequential", c.get("class_name"));
    assertTrue(c.containsKey("registered_name"));
    assertEquals(java.util.Arrays.asList(null, 6, 6, 1), map(c.get("build_config")).get("input_shape"));
    Map<String, Object> cfg = map(c.get("config"));
    List<Object> layers = list(cfg.get("layers"));
    Map<String, Object> input = map(layers.get(0));
    assertEquals("InputLayer", input.get("class_name"));
    assertEquals(java.util.Arrays.asList(null, 6, 6, 1), map(input.get("config")).get("batch_shape"));
    assertEquals("float32", map(input.get("config")).get("dtype"));
    checkLayers(layers.subList(1, layers.size()));
    Map<String, Object> cc = map(c.get("compile_config"));
    assertEquals(Set.of("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
        "steps_per_execution", "jit_compile"), cc.keySet());
    assertEquals("keras.optimizers", map(cc.get("optimizer")).get("module"));
    assertEquals("Adam", map(cc.get("optimizer")).get("class_name"));
    assertEquals(List.of("accuracy"), cc.get("metrics"));
  }

  @Test
  void functionalConfigHasKerasTensorsAndBuildConfigs() throws Exception {
    Map<String, Object> c = config(KerasV3RoundTripTest.recurrent());
    assertEquals("Functional", c.get("class_name"));
    assertEquals("keras.src.models.functional", c.get("module"));
    Map<String, Object> cfg = map(c.get("config"));
    List<Object> layers = list(cfg.get("layers"));
    checkLayers(layers.subList(1, layers.size()));
    for (Object o : layers) {
      Map<String, Object> l = map(o);
      assertTrue(l.containsKey("name") && l.containsKey("inbound_nodes"), l.toString());
      for (Object n : list(l.get("inbound_nodes"))) {
        assertEquals(Set.of("args", "kwargs"), map(n).keySet());
      }
    }
    Map<String, Object> add = layers.stream().map(KerasV3LayoutTest::map)
        .filter(l -> "Add".equals(l.get("class_name"))).findFirst().orElseThrow();
    List<Object> args = list(list(map(list(add.get("inbound_nodes")).get(0)).get("args")).get(0));
    assertEquals(2, args.size());
    assertEquals("__keras_tensor__", map(args.get(0)).get("class_name"));
    assertEquals(List.of(java.util.Arrays.asList(null, 3), java.util.Arrays.asList(null, 3)),
        map(add.get("build_config")).get("input_shape"));
    assertEquals(1, list(cfg.get("input_layers")).size());
    assertEquals(3, list(list(cfg.get("output_layers")).get(0)).size());
  }

  /** Every layer: Keras's serialized-object keys, a DTypePolicy dtype, a build_config, only Keras's arguments. */
  private static void checkLayers(List<Object> layers) {
    for (Object o : layers) {
      Map<String, Object> l = map(o);
      String cls = (String) l.get("class_name");
      assertEquals("keras.layers", l.get("module"), cls);
      assertTrue(l.containsKey("registered_name"), cls);
      assertTrue(map(l.get("build_config")).containsKey("input_shape"), cls);
      Map<String, Object> lc = map(l.get("config"));
      Map<String, Object> dtype = map(lc.get("dtype"));
      assertEquals("DTypePolicy", dtype.get("class_name"), cls);
      assertEquals(Map.of("name", "float32"), dtype.get("config"), cls);
      Set<String> allowed = new java.util.HashSet<>(BASE);
      allowed.addAll(KERAS_ARGS.get(cls));
      for (String k : lc.keySet()) {
        assertTrue(allowed.contains(k), cls + " config has key " + k + " that Keras 3's " + cls + " does not take");
      }
      for (Map.Entry<String, Object> e : lc.entrySet()) {
        if (e.getKey().endsWith("_initializer")) {
          assertEquals(Set.of("module", "class_name", "config", "registered_name"), map(e.getValue()).keySet());
          assertEquals("keras.initializers", map(e.getValue()).get("module"));
        }
      }
    }
  }

  @Test
  void weightsSitAtSavingLibsPathsUnderClassNames() throws Exception {
    Path p = dir.resolve("m.weights.h5");
    Model m = KerasV3RoundTripTest.recurrent();
    m.saveWeights(p);
    try (H5File h5 = H5File.open(p)) {
      assertEquals(List.of("layers"), h5.children("/"));
      // the Dense layers are named dense_N by tapekit's counter; Keras's paths count per class within the model
      // objects without variables get no group (see KerasV3Weights), which Keras reads as "no variables"
      assertEquals(List.of("dense", "dense_1", "dense_2", "embedding", "gru", "lstm"),
          h5.children("layers").stream().sorted().toList());
      assertArrayEquals(new long[] {12, 4}, h5.shape("layers/embedding/vars/0"));
      assertArrayEquals(new long[] {4, 24}, h5.shape("layers/lstm/cell/vars/0"));
      assertArrayEquals(new long[] {6, 24}, h5.shape("layers/lstm/cell/vars/1"));
      assertArrayEquals(new long[] {24}, h5.shape("layers/lstm/cell/vars/2"));
      assertNull(h5.group("layers/lstm/vars"), "the LSTM's variables belong to its cell");
      assertArrayEquals(new long[] {2, 15}, h5.shape("layers/gru/cell/vars/2"));
      assertArrayEquals(new long[] {5, 3}, h5.shape("layers/dense/vars/0"));
      assertArrayEquals(new long[] {3}, h5.shape("layers/dense_1/vars/1"));
      assertArrayEquals(new long[] {3, 2}, h5.shape("layers/dense_2/vars/0"));
      assertEquals("lstm_cell", h5.stringAttribute("layers/lstm/cell/vars", "name"));
      assertEquals(m.layers().get(4).name(), h5.stringAttribute("layers/dense/vars", "name"));
      assertNull(h5.group("layers/add"), "a layer without variables has no group");
      assertTrue(KerasV3Weights.isV3(h5));
    }
    float[] kernel = m.layers().get(2).weights().get(0).peek().toFloatArray();
    try (H5File h5 = H5File.open(p)) {
      assertArrayEquals(kernel, h5.floats("layers/lstm/cell/vars/0", new long[] {4, 24}, "kernel").toFloatArray());
    }
  }

  @Test
  void batchNormalizationKeepsKerasVariableOrder() throws Exception {
    Path p = dir.resolve("cnn.keras");
    var m = KerasV3RoundTripTest.cnn();
    m.save(p);
    dev.tapekit.layers.BatchNormalization bn = (dev.tapekit.layers.BatchNormalization) m.layers().get(2);
    byte[] bytes;
    try (ZipFile zip = new ZipFile(p.toFile())) {
      bytes = zip.getInputStream(zip.getEntry("model.weights.h5")).readAllBytes();
    }
    try (H5File h5 = H5File.of(bytes, "weights")) {
      assertEquals(List.of("0", "1", "2", "3"), h5.children("layers/batch_normalization/vars"));
      // gamma, beta (trainable), then moving_mean, moving_variance
      assertArrayEquals(bn.movingMean().peek().toFloatArray(),
          h5.floats("layers/batch_normalization/vars/2", new long[] {3}, "mean").toFloatArray());
      assertArrayEquals(bn.movingVariance().peek().toFloatArray(),
          h5.floats("layers/batch_normalization/vars/3", new long[] {3}, "var").toFloatArray());
      assertArrayEquals(new long[] {3, 3, 1, 3}, h5.shape("layers/conv2d/vars/0"));
      assertArrayEquals(new long[] {12, 4}, h5.shape("layers/dense/vars/0"));
      assertFalse(h5.children("layers").contains("input_layer"), "Sequential's layers exclude its InputLayer");
    }
  }

  private Map<String, Object> config(Model m) throws Exception {
    Path p = dir.resolve("c" + System.nanoTime() + ".keras");
    m.save(p);
    try (ZipFile zip = new ZipFile(p.toFile())) {
      return map(JSON.readValue(zip.getInputStream(zip.getEntry("config.json")), Map.class));
    } finally {
      Files.deleteIfExists(p);
    }
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o) {
    return (List<Object>) o;
  }
}

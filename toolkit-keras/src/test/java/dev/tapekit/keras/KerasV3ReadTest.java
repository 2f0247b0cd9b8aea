package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reading {@code .keras} files in Keras 3's own form: config.json as Keras 3.6+ writes it (keys tapekit never writes,
 * such as {@code quantization_config}, {@code optional}, {@code renorm}), weights written here straight with jhdf at
 * saving_lib's paths; and files that must fail cleanly.
 */
class KerasV3ReadTest {
  @TempDir Path dir;

  /** A functional Input(3) -> Dense(4, relu, L2) -> Dropout -> Dense(2, softmax) model, compiled, as Keras 3 writes it. */
  static final String CONFIG = """
      {"module": "keras.src.models.functional", "class_name": "Functional", "config": {"name": "functional",
       "trainable": true, "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 3], "dtype": "float32",
         "sparse": false, "ragged": false, "name": "input_layer", "optional": false}, "registered_name": null,
         "name": "input_layer", "inbound_nodes": []},
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "hidden", "trainable": true,
         "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
         "units": 4, "activation": "relu", "use_bias": true,
         "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null},
          "registered_name": null},
         "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
         "kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2", "config": {"l2": 0.01},
          "registered_name": null},
         "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null, "quantization_config": null},
         "registered_name": null, "build_config": {"input_shape": [null, 3]}, "name": "hidden",
         "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3],
          "dtype": "float32", "keras_history": ["input_layer", 0, 0]}}], "kwargs": {}}]},
        {"module": "keras.layers", "class_name": "Dropout", "config": {"name": "dropout", "trainable": true,
         "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
         "rate": 0.5, "seed": null, "noise_shape": null}, "registered_name": null,
         "build_config": {"input_shape": [null, 4]}, "name": "dropout",
         "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4],
          "dtype": "float32", "keras_history": ["hidden", 0, 0]}}], "kwargs": {"training": false}}]},
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "out", "trainable": true,
         "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null},
         "units": 2, "activation": "softmax", "use_bias": true,
         "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null},
          "registered_name": null},
         "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
         "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null,
         "quantization_config": null}, "registered_name": null, "build_config": {"input_shape": [null, 4]},
         "name": "out", "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 4],
          "dtype": "float32", "keras_history": ["dropout", 0, 0]}}], "kwargs": {}}]}],
       "input_layers": [["input_layer", 0, 0]], "output_layers": [["out", 0, 0]]},
       "registered_name": "Functional", "build_config": {"input_shape": null},
       "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {"name": "adam",
         "learning_rate": 0.005, "weight_decay": null, "clipnorm": null, "global_clipnorm": null, "clipvalue": null,
         "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null, "loss_scale_factor": null,
         "gradient_accumulation_steps": null, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07, "amsgrad": false},
         "registered_name": null},
        "loss": "sparse_categorical_crossentropy", "loss_weights": null, "metrics": ["accuracy"],
        "weighted_metrics": null, "run_eagerly": false, "steps_per_execution": 1, "jit_compile": false}}
      """;
  static final float[][] W1 = {{0.5f, -0.25f, 1f, 0.1f}, {-1f, 0.75f, 0.2f, 0.3f}, {0.3f, 0.4f, -0.6f, 0.9f}};
  static final float[] B1 = {0.1f, -0.2f, 0f, 0.05f};
  static final float[][] W2 = {{1f, -1f}, {0.5f, 0.25f}, {-0.3f, 0.8f}, {0.2f, -0.4f}};
  static final float[] B2 = {0.01f, -0.02f};

  /** Keras's weights file for CONFIG: layers by class name (dense, dense_1), not by the layers' own names. */
  static byte[] weights(Path tmp) throws Exception {
    try (WritableHdfFile h5 = HdfFile.write(tmp)) {
      WritableGroup layers = h5.putGroup("layers");
      WritableGroup d = layers.putGroup("dense").putGroup("vars");
      d.putAttribute("name", "hidden");
      d.putDataset("0", W1);
      d.putDataset("1", B1);
      WritableGroup d1 = layers.putGroup("dense_1").putGroup("vars");
      d1.putAttribute("name", "out");
      d1.putDataset("0", W2);
      d1.putDataset("1", B2);
      // an optimizer that was compiled but never built: iterations and learning_rate only
      WritableGroup opt = h5.putGroup("optimizer").putGroup("vars");
      opt.putAttribute("name", "adam");
      opt.putDataset("0", 0L);
      opt.putDataset("1", 0.005f);
    }
    return Files.readAllBytes(tmp);
  }

  static void zip(Path p, String config, byte[] weights) throws Exception {
    try (OutputStream out = Files.newOutputStream(p); ZipOutputStream zip = new ZipOutputStream(out)) {
      put(zip, "metadata.json", "{\"keras_version\": \"3.6.0\", \"date_saved\": \"2024-10-01@12:00:00\"}".getBytes(
          StandardCharsets.UTF_8));
      put(zip, "config.json", config.getBytes(StandardCharsets.UTF_8));
      put(zip, "model.weights.h5", weights);
    }
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws Exception {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  @Test
  void aKerasThreeFileLoadsCompiledAndPredictsWhatItsWeightsSay() throws Exception {
    Path p = dir.resolve("keras3.keras");
    zip(p, CONFIG, weights(dir.resolve("w.h5")));
    Model m = Models.load(p);
    float[][] x = {{1f, 2f, 3f}, {-1f, 0.5f, 0f}};
    float[] got = m.predict(Tensor.of(x)).toFloatArray();
    float[] want = new float[4];
    for (int r = 0; r < 2; r++) {
      double[] h = new double[4];
      for (int j = 0; j < 4; j++) {
        double s = B1[j];
        for (int i = 0; i < 3; i++) {
          s += x[r][i] * W1[i][j];
        }
        h[j] = Math.max(0, s);
      }
      double[] z = new double[2];
      for (int k = 0; k < 2; k++) {
        z[k] = B2[k];
        for (int j = 0; j < 4; j++) {
          z[k] += h[j] * W2[j][k];
        }
      }
      double e0 = Math.exp(z[0]);
      double e1 = Math.exp(z[1]);
      want[2 * r] = (float) (e0 / (e0 + e1));
      want[2 * r + 1] = (float) (e1 / (e0 + e1));
    }
    assertArrayEquals(want, got, 1e-6f);
    assertTrue(m.compiled());
    assertEquals(0.005, ((Number) m.optimizer().getConfig().get("learning_rate")).doubleValue(), 1e-12);
    assertEquals("SparseCategoricalCrossentropy", m.loss().getClass().getSimpleName());
    assertEquals("accuracy", m.metrics().get(0).name());
    assertEquals(1, m.losses().size(), "the L2 kernel regularizer of 'hidden'");
    assertEquals("hidden", m.layers().get(1).name());
  }

  @Test
  void anOptionTapekitDoesNotComputeFailsNamingLayerAndOption() throws Exception {
    Path p = dir.resolve("q.keras");
    zip(p, CONFIG.replaceFirst("\"quantization_config\": null", "\"quantization_config\": {\"mode\": \"int8\"}"),
        weights(dir.resolve("w.h5")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains(p.toString()) && e.getMessage().contains("layer 'hidden' (Dense)")
        && e.getMessage().contains("quantization_config"), e.getMessage());
  }

  @Test
  void aWeightOfTheWrongShapeFailsNamingTheLayerAndDataset() throws Exception {
    Path p = dir.resolve("s.keras");
    zip(p, CONFIG.replace("\"units\": 2", "\"units\": 3"), weights(dir.resolve("w.h5")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains("layer 'out'") && e.getMessage().contains("/layers/dense_1/vars/0")
        && e.getMessage().contains("(4, 2)") && e.getMessage().contains("(4, 3)"), e.getMessage());
  }

  @Test
  void aMissingLayerGroupFailsNamingTheLayer() throws Exception {
    Path p = dir.resolve("m.keras");
    Path w = dir.resolve("w2.h5");
    try (WritableHdfFile h5 = HdfFile.write(w)) {
      WritableGroup d = h5.putGroup("layers").putGroup("dense").putGroup("vars");
      d.putDataset("0", W1);
      d.putDataset("1", B1);
    }
    zip(p, CONFIG, Files.readAllBytes(w));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains("layer 'out' (Dense) expects 2 variables but /layers/dense_1/vars holds 0"),
        e.getMessage());
  }

  @Test
  void aWeightsEntryThatInflatesPastTheModelsNeedIsRefusedAtTheCap() throws Exception {
    Path p = dir.resolve("bomb.keras");
    byte[] zeros = new byte[64 << 20]; // 64 MiB of zeros deflate to about 64 KiB
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      put(zip, "config.json", CONFIG.getBytes(StandardCharsets.UTF_8));
      ZipEntry e = new ZipEntry("model.weights.h5");
      zip.putNextEntry(e);
      zip.write(zeros);
      zip.closeEntry();
    }
    Files.write(p, bytes.toByteArray());
    assertTrue(Files.size(p) < (1 << 20), "the bomb is small on disk");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains("model.weights.h5") && e.getMessage().contains("more than the"), e.getMessage());
  }

  @Test
  void aConfigEntryOverTheJsonCapIsRefused() throws Exception {
    Path p = dir.resolve("big.keras");
    zip(p, CONFIG + " ".repeat(KerasV3Files.MAX_JSON_BYTES), new byte[0]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("JSON"), e.getMessage());
  }

  @Test
  void corruptWeightBytesFailCleanly() throws Exception {
    Path p = dir.resolve("corrupt.keras");
    byte[] w = weights(dir.resolve("w.h5"));
    byte[] cut = java.util.Arrays.copyOf(w, w.length / 2);
    zip(p, CONFIG, cut);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains("model.weights.h5"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}

package dev.tapekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Tensor;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras files from the command line: {@code tapekit convert} between formats, summary/evaluate/predict of a
 * {@code .keras} file, and fine-tuning a saved {@code .keras} model with {@code model: {file: ...}}.
 */
class KerasFilesCliTest {
  @TempDir
  static Path dir;
  static Path data;
  static Path trained;
  static Path config;

  @BeforeAll
  static void train() throws Exception {
    data = TinyData.write(dir.resolve("data"), 256, 64, 1);
    Path out = dir.resolve("run");
    config = dir.resolve("tiny.yaml");
    Files.writeString(config, String.join("\n",
        "model:",
        "  layers:",
        "    - {class_name: Flatten, config: {input_shape: [8, 8]}}",
        "    - {class_name: Dense, config: {units: 16, activation: relu}}",
        "    - {class_name: Dense, config: {units: 4}}",
        "compile:",
        "  optimizer: {class_name: Adam, config: {learning_rate: 0.01}}",
        "  loss: {class_name: SparseCategoricalCrossentropy, config: {from_logits: true}}",
        "  metrics: [accuracy]",
        "data: {dataset: fashion_mnist, dir: " + data + ", scale: 255}",
        "fit: {epochs: 1, batch_size: 16, seed: 3}",
        "output: {dir: " + out + "}", ""));
    Cli c = Cli.run("train", "--config", config.toString(), "--epochs", "1");
    assertEquals(0, c.code(), c.toString());
    trained = out.resolve("model.tapekit");
  }

  @Test
  void convertToKerasThenSummaryEvaluateAndPredictAgreeWithTheOriginal() throws Exception {
    Path keras = dir.resolve("conv/m.keras");
    Cli c = Cli.run("convert", trained.toString(), keras.toString());
    assertEquals(0, c.code(), c.toString());
    assertEquals("Converted " + trained + " to " + keras, c.out().strip());
    assertTrue(dev.tapekit.io.FileHead.of(keras).isZip());

    Cli s = Cli.run("summary", "--model", keras.toString());
    assertEquals(0, s.code(), s.toString());
    assertEquals(Cli.run("summary", "--model", trained.toString()).out(), s.out());

    Cli e = Cli.run("evaluate", "--model", keras.toString(), "--data", config.toString());
    assertEquals(0, e.code(), e.toString());
    Cli e0 = Cli.run("evaluate", "--model", trained.toString(), "--data", config.toString());
    assertEquals(e0.out().replace(trained.toString(), keras.toString()), e.out());
    assertTrue(e.out().contains("Test accuracy: "), e.toString());

    Path p = dir.resolve("conv/p.csv");
    Path p0 = dir.resolve("conv/p0.csv");
    String images = data.resolve("t10k-images-idx3-ubyte.gz").toString();
    assertEquals(0, Cli.run("predict", "--model", keras.toString(), "-i", images, "-o", p.toString(), "--scale", "255")
        .code());
    assertEquals(0, Cli.run("predict", "--model", trained.toString(), "-i", images, "-o", p0.toString(), "--scale",
        "255").code());
    assertEquals(Files.readAllLines(p0), Files.readAllLines(p));
  }

  @Test
  void convertWritesLegacyHdf5AndBackToTapekitsFormat() throws Exception {
    Path h5 = dir.resolve("conv2/m.h5");
    Cli c = Cli.run("convert", trained.toString(), h5.toString());
    assertEquals(0, c.code(), c.toString());
    assertTrue(dev.tapekit.io.FileHead.of(h5).isHdf5());
    Path keras = dir.resolve("conv2/m.keras");
    Path back = dir.resolve("conv2/back.tapekit");
    assertEquals(0, Cli.run("convert", trained.toString(), keras.toString()).code());
    Cli b = Cli.run("convert", keras.toString(), back.toString());
    assertEquals(0, b.code(), b.toString());
    Tensor x = Tensor.randomUniform(new long[] {3, 8, 8}, 0, 1, 5);
    assertEquals(java.util.Arrays.toString(Models.load(trained).predict(x).toFloatArray()),
        java.util.Arrays.toString(Models.load(back).predict(x).toFloatArray()));
  }

  private static String withoutOptimizer(String summary) {
    return summary.replaceAll("(?m)^ Optimizer params: .*\\R", "");
  }

  @Test
  void aSavedKerasModelIsFineTunedFromAConfig() throws Exception {
    Path keras = dir.resolve("ft/base.keras");
    assertEquals(0, Cli.run("convert", trained.toString(), keras.toString()).code());
    Path out = dir.resolve("ft/run");
    Path cfg = dir.resolve("ft/finetune.yaml");
    Files.writeString(cfg, String.join("\n",
        "model: {file: " + keras + "}",
        "compile:",
        "  optimizer: {class_name: SGD, config: {learning_rate: 0.05}}",
        "  loss: {class_name: SparseCategoricalCrossentropy, config: {from_logits: true}}",
        "  metrics: [accuracy]",
        "data: {dataset: fashion_mnist, dir: " + data + ", scale: 255}",
        "fit: {epochs: 2, batch_size: 32, seed: 1}",
        "output: {dir: " + out + "}", ""));
    Cli c = Cli.run("train", "--config", cfg.toString());
    assertEquals(0, c.code(), c.toString());
    assertTrue(c.out().contains("Epoch 2/2"), c.toString());
    Model base = Models.load(keras);
    Model tuned = Models.load(out.resolve("model.tapekit"));
    // the optimizer's line differs (Adam before, SGD after), as in Keras
    assertEquals(withoutOptimizer(base.summaryString()), withoutOptimizer(tuned.summaryString()),
        "the same architecture, trained further");
    Tensor x = Tensor.randomUniform(new long[] {2, 8, 8}, 0, 1, 9);
    assertNotEquals(java.util.Arrays.toString(base.predict(x).toFloatArray()),
        java.util.Arrays.toString(tuned.predict(x).toFloatArray()), "fine-tuning changed the weights");
    assertEquals("SGD", tuned.optimizer().className());
    JsonNode rc = new ObjectMapper().readTree(out.resolve("run-config.json").toFile());
    assertEquals(keras.toAbsolutePath().toString(), rc.get("model").get("file").asText());
    Cli e = Cli.run("evaluate", "--model", out.resolve("model.tapekit").toString());
    assertEquals(0, e.code(), e.toString());
    Cli s = Cli.run("summary", "--config", cfg.toString());
    assertEquals(0, s.code(), s.toString());
    assertEquals(withoutOptimizer(base.summaryString()), withoutOptimizer(s.out()), "the config's model");
  }

  @Test
  void badInputExitsTwoWithOneLine() throws Exception {
    Path missing = dir.resolve("bad/none.keras");
    Cli c = Cli.run("convert", missing.toString(), dir.resolve("bad/o.keras").toString());
    assertEquals(2, c.code(), c.toString());
    assertEquals("error: IN: no such file: " + missing, c.err().strip());

    Path notModel = dir.resolve("bad/junk.keras");
    Files.createDirectories(notModel.getParent());
    Files.writeString(notModel, "not a model");
    Cli j = Cli.run("convert", notModel.toString(), dir.resolve("bad/o.h5").toString());
    assertEquals(2, j.code(), j.toString());
    assertTrue(j.err().startsWith("error: IN: ") && j.err().strip().lines().count() == 1, j.toString());
    assertFalse(Files.exists(dir.resolve("bad/o.h5")));

    Path cfg = dir.resolve("bad/ft.yaml");
    Files.writeString(cfg, "model: {file: " + missing + "}\ncompile: {loss: mse}\ndata: {dataset: fashion_mnist, dir: "
        + data + "}\n");
    Cli t = Cli.run("train", "--config", cfg.toString());
    assertEquals(2, t.code(), t.toString());
    assertEquals("error: model.file: no such file: " + missing, t.err().strip());

    Files.writeString(cfg, "model: {file: " + missing + ", layers: []}\ncompile: {loss: mse}\n"
        + "data: {dataset: fashion_mnist, dir: " + data + "}\n");
    Cli both = Cli.run("train", "--config", cfg.toString());
    assertEquals(2, both.code(), both.toString());
    assertTrue(both.err().contains("model.layers") && both.err().contains("not both"), both.toString());
  }
}

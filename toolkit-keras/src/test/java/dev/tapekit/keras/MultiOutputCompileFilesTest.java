package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Concatenate;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A two-input two-output model's compile (a loss and a loss weight per output, metrics per output) survives
 * .keras and legacy .h5 files, written as Keras 3's compile_config and Keras 2's training_config hold them.
 */
class MultiOutputCompileFilesTest {
  @TempDir Path dir;

  static Model twoByTwo() {
    KerasTensor a = new Input(new long[] {3}, DType.FLOAT32, "a").output();
    KerasTensor b = new Input(new long[] {2}, DType.FLOAT32, "b").output();
    KerasTensor h = new Concatenate().apply(new Dense(4, "relu").apply(a), new Dense(4, "relu").apply(b));
    KerasTensor cls = Dense.builder().units(3).activation("softmax").name("cls").build().apply(h);
    KerasTensor reg = Dense.builder().units(1).name("reg").build().apply(h);
    Model m = new Model(List.of(a, b), List.of(cls, reg), "two_by_two");
    m.compile("adam", List.of("sparse_categorical_crossentropy", "mse"), List.of(1.0, 0.25),
        List.of(List.of("accuracy"), List.of("mae")));
    return m;
  }

  @ParameterizedTest
  @ValueSource(strings = {"two.keras", "two.h5"})
  void perOutputCompileRoundTrips(String name) {
    Model m = twoByTwo();
    Path p = dir.resolve(name);
    m.save(p);
    Model back = Models.load(p);
    assertEquals(List.of(1.0, 0.25), back.lossWeights());
    assertEquals(List.of("SparseCategoricalCrossentropy", "MeanSquaredError"),
        back.outputLosses().stream().map(l -> l.getClass().getSimpleName()).toList());
    assertEquals(List.of(List.of("accuracy"), List.of("mae")),
        back.outputMetrics().stream().map(ms -> ms.stream().map(x -> x.name()).toList()).toList());
    Tensor xa = Tensor.randomUniform(new long[] {4, 3}, -1, 1, 1);
    Tensor xb = Tensor.randomUniform(new long[] {4, 2}, -1, 1, 2);
    List<Tensor> y = List.of(Tensor.of(new int[] {0, 1, 2, 0}), Tensor.randomUniform(new long[] {4, 1}, -1, 1, 3));
    assertEquals(m.evaluate(List.of(xa, xb), y), back.evaluate(List.of(xa, xb), y));
    assertArrayEquals(m.predictAll(List.of(xa, xb)).get(1).toFloatArray(),
        back.predictAll(List.of(xa, xb)).get(1).toFloatArray());
  }

  @Test
  void aKeras3CompileConfigByOutputNameCompilesEachOutput() {
    Model m = twoByTwo();
    KerasCompile.compile(m, Map.of("optimizer", "sgd", "loss", Map.of("reg", "mae", "cls", "sparse_categorical_crossentropy"),
        "loss_weights", Map.of("cls", 2.0, "reg", 1.0), "metrics", Map.of("reg", List.of("mse"))), "f.keras: compile_config");
    assertEquals(List.of(2.0, 1.0), m.lossWeights());
    assertEquals("MeanAbsoluteError", m.outputLosses().get(1).getClass().getSimpleName());
    assertEquals(List.of(List.of(), List.of("mse")),
        m.outputMetrics().stream().map(ms -> ms.stream().map(x -> x.name()).toList()).toList());
  }
}

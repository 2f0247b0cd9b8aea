package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Average;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.Maximum;
import dev.tapekit.layers.Minimum;
import dev.tapekit.layers.Multiply;
import dev.tapekit.layers.Subtract;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The element-wise merge layers go through Keras 3's .keras and legacy .h5 and come back the same model. */
class MergeLayersKerasFilesTest {
  @TempDir Path dir;

  @Test
  void everyMergeLayerRoundTripsThroughBothKerasFormats() {
    KerasTensor x = Input.of(3);
    KerasTensor a = new Dense(4, "tanh").apply(x);
    KerasTensor b = new Dense(4, "sigmoid").apply(x);
    KerasTensor d = new Subtract().apply(List.of(a, b));
    KerasTensor m = new Multiply().apply(List.of(a, b, d));
    KerasTensor v = new Average().apply(List.of(a, m));
    KerasTensor out = new Maximum().apply(List.of(new Minimum().apply(List.of(v, d)), b));
    Model model = new Model(List.of(x), List.of(out), "merges");
    Tensor in = Tensor.of(new float[] {0.5f, -1, 2, 1, 0, -0.25f}, 2, 3);
    float[] expected = model.predict(in).toFloatArray();
    for (String name : List.of("m.keras", "m.h5")) {
      Path p = dir.resolve(name);
      model.save(p);
      assertArrayEquals(expected, Models.load(p).predict(in).toFloatArray(), name);
    }
  }
}

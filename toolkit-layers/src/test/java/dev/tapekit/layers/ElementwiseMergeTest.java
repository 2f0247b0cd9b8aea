package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import dev.tapekit.models.Model;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras's merge layers Subtract, Multiply, Average, Maximum and Minimum (keras.io merging layers' examples). */
class ElementwiseMergeTest {
  private static final Tensor A = Tensor.of(new float[] {1, 5, -2, 4}, 2, 2);
  private static final Tensor B = Tensor.of(new float[] {3, 1, -6, 4}, 2, 2);
  private static final Tensor C = Tensor.of(new float[] {2, 0, 2, -4}, 2, 2);

  private static float[] merge(String cls, Tensor... xs) {
    Layer l = Layers.deserialize(Map.of("class_name", cls, "config", Map.of("name", cls.toLowerCase())));
    assertEquals(cls, l.className());
    return l.call(List.of(xs), false).toFloatArray();
  }

  @Test
  void valuesAsKeras() {
    assertArrayEquals(new float[] {-2, 4, 4, 0}, merge("Subtract", A, B));
    assertArrayEquals(new float[] {6, 0, 24, -64}, merge("Multiply", A, B, C));
    assertArrayEquals(new float[] {2, 2, -2, 4f / 3}, merge("Average", A, B, C), 1e-6f);
    assertArrayEquals(new float[] {3, 5, 2, 4}, merge("Maximum", A, B, C));
    assertArrayEquals(new float[] {1, 0, -6, -4}, merge("Minimum", A, B, C));
  }

  @Test
  void subtractTakesExactlyTwoInputs() {
    KerasTensor x = Input.of(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Subtract.builder().name("sub").build().apply(List.of(x, x, x)));
    assertTrue(e.getMessage().contains("\"sub\"") && e.getMessage().contains("exactly 2"), e.getMessage());
  }

  @Test
  void inAFunctionalModelAndItsConfig() {
    KerasTensor x = Input.of(2);
    KerasTensor y = Input.of(2);
    Model m = new Model(List.of(x, y), List.of(new Maximum().apply(List.of(x, new Multiply().apply(List.of(x, y))))),
        "m");
    dev.tapekit.models.ModelConfigs.init();
    Model back = (Model) Layers.deserialize(Layers.serialize(m));
    assertArrayEquals(m.call(List.of(A, B), false).toFloatArray(), back.call(List.of(A, B), false).toFloatArray());
    assertArrayEquals(new float[] {3, 5, 12, 16}, m.call(List.of(A, B), false).toFloatArray());
  }
}

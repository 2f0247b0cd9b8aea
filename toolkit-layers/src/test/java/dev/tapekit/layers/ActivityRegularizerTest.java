package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keras adds {@code activity_regularizer(output)} to the loss of any layer that has one. tapekit does not
 * compute it, so a config that sets one is refused naming the layer (it was dropped silently on Dense,
 * Conv and Embedding, training another model); {@code null}, as Keras writes it, is accepted.
 */
class ActivityRegularizerTest {
  private static Map<String, Object> config(String name, Object reg, Object... kv) {
    Map<String, Object> c = new HashMap<>();
    c.put("name", name);
    c.put("activity_regularizer", reg);
    for (int i = 0; i < kv.length; i += 2) {
      c.put((String) kv[i], kv[i + 1]);
    }
    return c;
  }

  @Test
  void aSetActivityRegularizerIsRefusedNamingTheLayer() {
    Object l2 = Map.of("class_name", "L2", "config", Map.of("l2", 0.01));
    Map<String, Map<String, Object>> layers = Map.of(
        "Dense", config("d1", l2, "units", 2),
        "Conv2D", config("c1", l2, "filters", 2, "kernel_size", 3),
        "Embedding", config("e1", l2, "input_dim", 5, "output_dim", 2),
        "Flatten", config("f1", l2));
    for (Map.Entry<String, Map<String, Object>> e : layers.entrySet()) {
      IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
          () -> Layers.deserialize(Map.of("class_name", e.getKey(), "config", e.getValue())), e.getKey());
      String name = (String) e.getValue().get("name");
      assertTrue(ex.getMessage().contains("\"" + name + "\"") && ex.getMessage().contains("activity_regularizer=")
          && ex.getMessage().contains("L2"), ex.getMessage());
    }
  }

  @Test
  void nullAsKerasWritesItIsAccepted() {
    assertDoesNotThrow(() -> Layers.deserialize(Map.of("class_name", "Dense", "config", config("d", null, "units", 2))));
  }
}

package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Layers;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * tf.keras 2 writes a functional model as {@code class_name: "Model"} (or "Functional") whose
 * {@code inbound_nodes} are nested lists {@code [[[layer, node, tensor, kwargs], ...]]}; it loads as Keras 3's
 * form does (it failed with "must be an object").
 */
class Keras2FunctionalConfigTest {
  private static final String CONFIG = """
      {"class_name": "Model", "config": {"name": "m", "layers": [
        {"class_name": "InputLayer", "name": "x", "inbound_nodes": [],
         "config": {"batch_input_shape": [null, 3], "dtype": "float32", "name": "x"}},
        {"class_name": "Dense", "name": "a", "inbound_nodes": [[["x", 0, 0, {}]]],
         "config": {"name": "a", "units": 2, "activation": "relu"}},
        {"class_name": "Dense", "name": "b", "inbound_nodes": [[["x", 0, 0, {}]]],
         "config": {"name": "b", "units": 2}},
        {"class_name": "Add", "name": "sum", "inbound_nodes": [[["a", 0, 0, {}], ["b", 0, 0, {}]]],
         "config": {"name": "sum"}}],
       "input_layers": [["x", 0, 0]], "output_layers": [["sum", 0, 0]]}}
      """;

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String json) throws Exception {
    ModelConfigs.init(); // registers "Model" and "Sequential" with Layers, as the model file readers do
    return new ObjectMapper().readValue(json, Map.class);
  }

  @Test
  void nestedListNodesBuildTheGraph() throws Exception {
    Layer l = Layers.deserialize(parse(CONFIG));
    assertTrue(l instanceof Model);
    Model m = (Model) l;
    Tensor x = Tensor.of(new float[] {1, -2, 3, 0.5f, 0, -1}, 2, 3);
    Layer a = m.getLayer("a");
    Layer b = m.getLayer("b");
    Tensor expected = Ops.add(a.apply(x), b.apply(x));
    assertEquals(expected.toString(), m.predict(x).toString());
  }

  @Test
  void callArgumentsInANodeAreRefusedNamingTheNode() throws Exception {
    String withKwargs = CONFIG.replace("\"name\": \"b\", \"inbound_nodes\": [[[\"x\", 0, 0, {}]]]",
        "\"name\": \"b\", \"inbound_nodes\": [[[\"x\", 0, 0, {\"training\": true}]]]");
    assertTrue(withKwargs.contains("training"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Layers.deserialize(parse(withKwargs)));
    assertTrue(e.getMessage().contains("\"b\"") && e.getMessage().contains("training"), e.getMessage());
  }
}

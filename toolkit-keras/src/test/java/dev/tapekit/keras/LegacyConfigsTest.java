package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Keras 1/2 to Keras 3 config translation on its own, for the layers whose tapekit classes another
 * branch adds (Masking, Bidirectional, TimeDistributed): what tapekit's layers will read.
 */
class LegacyConfigsTest {
  private static final KerasSource KERAS2 = new KerasSource("m.h5", "2.2.4", "tensorflow");
  private static final KerasSource KERAS1 = new KerasSource("old.h5", null, "theano");

  private static Map<String, Object> layer(String cls, Object... kv) {
    Map<String, Object> c = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      c.put((String) kv[i], kv[i + 1]);
    }
    return Map.of("class_name", cls, "config", c);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> config(Map<String, Object> serialized) {
    return (Map<String, Object>) serialized.get("config");
  }

  @Test
  @SuppressWarnings("unchecked")
  void wrappersTranslateTheirInnerLayer() {
    Map<String, Object> bi = LegacyConfigs.layer(layer("Bidirectional", "name", "bi", "merge_mode", "concat",
        "layer", layer("LSTM", "name", "lstm", "units", 4, "recurrent_activation", "hard_sigmoid")), KERAS2);
    Map<String, Object> inner = config(bi).get("layer") instanceof Map<?, ?> m ? config((Map<String, Object>) m) : null;
    assertEquals("hard_sigmoid_keras2", inner.get("recurrent_activation"));
    assertEquals("concat", config(bi).get("merge_mode"));

    Map<String, Object> td = LegacyConfigs.layer(layer("TimeDistributed", "name", "td",
        "layer", layer("Dense", "name", "d", "output_dim", 3, "init", "uniform")), KERAS1);
    Map<String, Object> dense = config((Map<String, Object>) config(td).get("layer"));
    assertEquals(3, dense.get("units"));
    assertEquals("uniform", dense.get("kernel_initializer"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void maskingEmbeddingAndKeras1Recurrent() {
    Map<String, Object> seq = LegacyConfigs.model(Map.of("class_name", "Sequential", "config", List.of(
        layer("Masking", "name", "masking_1", "mask_value", 0.0, "batch_input_shape", Arrays.asList(null, 10, 42)),
        layer("GRU", "name", "gru_1", "output_dim", 8, "inner_activation", "hard_sigmoid", "consume_less", "gpu",
            "forget_bias_init", "one"))), KERAS1);
    List<?> layers = (List<?>) config(seq).get("layers");
    assertEquals(3, layers.size());
    Map<String, Object> in = config((Map<String, Object>) layers.get(0));
    assertEquals("masking_1_input", in.get("name"));
    assertEquals(Arrays.asList(null, 10, 42), in.get("batch_shape"));
    Map<String, Object> masking = config((Map<String, Object>) layers.get(1));
    assertEquals(0.0, masking.get("mask_value"));
    assertTrue(!masking.containsKey("batch_input_shape"), "the shape moved to the InputLayer");
    Map<String, Object> gru = config((Map<String, Object>) layers.get(2));
    assertEquals(8, gru.get("units"));
    assertEquals(false, gru.get("reset_after"));
    assertEquals("hard_sigmoid_keras2", gru.get("recurrent_activation"));
    assertTrue(!gru.containsKey("consume_less") && !gru.containsKey("forget_bias_init"), gru.toString());

    Map<String, Object> emb = LegacyConfigs.layer(layer("Embedding", "name", "e", "input_dim", 100, "output_dim", 8,
        "input_length", 5, "init", "uniform", "W_regularizer", null, "mask_zero", true), KERAS1);
    assertEquals(Arrays.asList(null, 5), config(emb).get("batch_input_shape"));
    assertEquals("uniform", config(emb).get("embeddings_initializer"));
    assertEquals(100, config(emb).get("input_dim"));
    assertEquals(true, config(emb).get("mask_zero"));
  }

  @Test
  void activationLayersOfKeras2() {
    assertEquals(0.1, config(LegacyConfigs.layer(layer("LeakyReLU", "name", "l", "alpha", 0.1), KERAS2))
        .get("negative_slope"));
    Map<String, Object> t = LegacyConfigs.layer(layer("ThresholdedReLU", "name", "t", "theta", 0.5), KERAS2);
    assertEquals("ReLU", t.get("class_name"));
    assertEquals(0.5, config(t).get("threshold"));
    Map<String, Object> conv = LegacyConfigs.layer(layer("Convolution2D", "name", "c", "nb_filter", 4, "nb_row", 3,
        "nb_col", 2, "subsample", List.of(2, 2), "border_mode", "same", "dim_ordering", "default"), KERAS1);
    assertEquals("Conv2D", conv.get("class_name"));
    assertEquals(List.of(3, 2), config(conv).get("kernel_size"));
    assertEquals("channels_first", config(conv).get("data_format"), "Theano's default ordering is th");
    assertEquals("same", config(conv).get("padding"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void keras2FunctionalNodesBecomeKeras3Nodes() {
    Map<String, Object> f = LegacyConfigs.model(Map.of("class_name", "Model", "config", Map.of("name", "f",
        "layers", List.of(
            Map.of("class_name", "InputLayer", "name", "a", "inbound_nodes", List.of(),
                "config", Map.of("name", "a", "batch_input_shape", Arrays.asList(null, 2))),
            Map.of("class_name", "Add", "name", "sum", "config", Map.of("name", "sum"),
                "inbound_nodes", List.of(List.of(List.of("a", 0, 0, Map.of()), List.of("a", 0, 0, Map.of()))))),
        "input_layers", List.of(List.of("a", 0, 0)), "output_layers", List.of("sum", 0, 0))), KERAS2);
    Map<String, Object> add = (Map<String, Object>) ((List<?>) config(f).get("layers")).get(1);
    Map<?, ?> node = (Map<?, ?>) ((List<?>) add.get("inbound_nodes")).get(0);
    List<?> args = (List<?>) ((List<?>) node.get("args")).get(0);
    assertEquals(2, args.size());
    assertEquals(List.of("a", 0, 0), ((Map<?, ?>) ((Map<?, ?>) args.get(0)).get("config")).get("keras_history"));
    assertEquals(List.of(List.of("sum", 0, 0)), config(f).get("output_layers"));

    Map<String, Object> secondOutput = Map.of("class_name", "Model", "config", Map.of("layers", List.of(
        Map.of("class_name", "Dense", "name", "d", "config", Map.of("name", "d"),
            "inbound_nodes", List.of(List.of(List.of("a", 0, 1, Map.of())))))));
    String msg = assertThrows(IllegalArgumentException.class, () -> LegacyConfigs.model(secondOutput, KERAS2))
        .getMessage();
    assertTrue(msg.startsWith("m.h5: layer \"d\": inbound_nodes[0][0]: tensor index 1"), msg);
  }
}

package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Bidirectional;
import dev.tapekit.layers.GRU;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Layers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Model configs in the shape Keras 3 (and tf.keras 2) write them, for the models an importer meets:
 * Masking + LSTM, Conv1D channels_first, Bidirectional with its backward layer, and a Keras 2 GRU.
 */
class KerasSequenceConfigsTest {
  private static final String POLICY = "{\"module\": \"keras\", \"class_name\": \"DTypePolicy\", \"config\": {\"name\": \"float32\"}, \"registered_name\": null}";

  @SuppressWarnings("unchecked")
  private static Layer load(String json) throws Exception {
    ModelConfigs.init();
    return Layers.deserialize(new ObjectMapper().readValue(json.replace("POLICY", POLICY), Map.class));
  }

  private static String input(String shape) {
    return "{\"module\": \"keras.layers\", \"class_name\": \"InputLayer\", \"config\": {\"batch_shape\": " + shape
        + ", \"dtype\": \"float32\", \"sparse\": false, \"name\": \"input_layer\"}, \"registered_name\": null}";
  }

  private static String sequential(String shape, String... layers) {
    return "{\"module\": \"keras\", \"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", \"trainable\": true,"
        + " \"dtype\": POLICY, \"layers\": [" + input(shape) + ", " + String.join(", ", layers) + "], \"build_input_shape\": "
        + shape + "}, \"registered_name\": null}";
  }

  private static final String LSTM = "{\"module\": \"keras.layers\", \"class_name\": \"LSTM\", \"config\": {\"name\": \"lstm\","
      + " \"trainable\": true, \"dtype\": POLICY, \"return_sequences\": false, \"return_state\": false, \"go_backwards\": false,"
      + " \"stateful\": false, \"unroll\": false, \"zero_output_for_mask\": false, \"units\": 4, \"activation\": \"tanh\","
      + " \"recurrent_activation\": \"sigmoid\", \"use_bias\": true, \"kernel_initializer\": {\"module\": \"keras.initializers\","
      + " \"class_name\": \"GlorotUniform\", \"config\": {\"seed\": null}, \"registered_name\": null}, \"recurrent_initializer\":"
      + " {\"module\": \"keras.initializers\", \"class_name\": \"Orthogonal\", \"config\": {\"seed\": null, \"gain\": 1.0},"
      + " \"registered_name\": null}, \"bias_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"Zeros\","
      + " \"config\": {}, \"registered_name\": null}, \"unit_forget_bias\": true, \"kernel_regularizer\": null,"
      + " \"recurrent_regularizer\": null, \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null,"
      + " \"recurrent_constraint\": null, \"bias_constraint\": null, \"dropout\": 0.0, \"recurrent_dropout\": 0.0, \"seed\": null},"
      + " \"registered_name\": null, \"build_config\": {\"input_shape\": [null, 5, 2]}}";

  @Test
  void maskingLstmModelSkipsPaddedSteps() throws Exception {
    String masking = "{\"module\": \"keras.layers\", \"class_name\": \"Masking\", \"config\": {\"name\": \"masking\","
        + " \"trainable\": true, \"dtype\": POLICY, \"mask_value\": 0.0}, \"registered_name\": null,"
        + " \"build_config\": {\"input_shape\": [null, 5, 2]}}";
    Sequential m = (Sequential) load(sequential("[null, 5, 2]", masking, LSTM));
    assertEquals(List.of("masking", "lstm"), m.layers().stream().map(Layer::name).toList());
    assertArrayEquals(new long[] {-1, 4}, m.layers().get(1).outputShape());
    assertEquals(2 * 16 + 4 * 16 + 16, m.countParams());
    Tensor x = Ops.randomUniform(new long[] {1, 3, 2}, 0.1, 1, dev.tapekit.core.DType.FLOAT32, 3);
    Tensor padded = Ops.pad(x, new long[][] {{0, 0}, {0, 2}, {0, 0}});
    assertArrayEquals(m.layers().get(1).apply(x).toDoubleArray(), m.predict(padded).toDoubleArray(), 1e-6);
  }

  @Test
  void conv1dChannelsFirstModel() throws Exception {
    String conv = "{\"module\": \"keras.layers\", \"class_name\": \"Conv1D\", \"config\": {\"name\": \"conv1d\", \"trainable\": true,"
        + " \"dtype\": POLICY, \"filters\": 8, \"kernel_size\": [3], \"strides\": [1], \"padding\": \"causal\","
        + " \"data_format\": \"channels_first\", \"dilation_rate\": [2], \"groups\": 1, \"activation\": \"relu\","
        + " \"use_bias\": true, \"kernel_initializer\": {\"module\": \"keras.initializers\", \"class_name\": \"GlorotUniform\","
        + " \"config\": {\"seed\": null}, \"registered_name\": null}, \"bias_initializer\": {\"module\": \"keras.initializers\","
        + " \"class_name\": \"Zeros\", \"config\": {}, \"registered_name\": null}, \"kernel_regularizer\": null,"
        + " \"bias_regularizer\": null, \"activity_regularizer\": null, \"kernel_constraint\": null, \"bias_constraint\": null},"
        + " \"registered_name\": null}";
    String pool = "{\"module\": \"keras.layers\", \"class_name\": \"GlobalAveragePooling1D\", \"config\": {\"name\": \"gap\","
        + " \"trainable\": true, \"dtype\": POLICY, \"data_format\": \"channels_first\", \"keepdims\": false},"
        + " \"registered_name\": null}";
    Sequential m = (Sequential) load(sequential("[null, 4, 10]", conv, pool));
    assertArrayEquals(new long[] {-1, 8, 10}, m.layers().get(0).outputShape());
    assertArrayEquals(new long[] {-1, 8}, m.layers().get(1).outputShape());
    assertEquals(3 * 4 * 8 + 8, m.countParams());
    assertArrayEquals(new long[] {2, 8}, m.predict(Tensor.ones(2, 4, 10)).shape());
  }

  @Test
  void bidirectionalWithItsBackwardLayer() throws Exception {
    String back = LSTM.replace("\"name\": \"lstm\"", "\"name\": \"backward_lstm\"")
        .replace("\"go_backwards\": false", "\"go_backwards\": true")
        .replace("\"return_sequences\": false", "\"return_sequences\": true");
    String fwd = LSTM.replace("\"name\": \"lstm\"", "\"name\": \"forward_lstm\"")
        .replace("\"return_sequences\": false", "\"return_sequences\": true");
    String bi = "{\"module\": \"keras.layers\", \"class_name\": \"Bidirectional\", \"config\": {\"name\": \"bidirectional\","
        + " \"trainable\": true, \"dtype\": POLICY, \"merge_mode\": \"concat\", \"layer\": " + fwd + ", \"backward_layer\": "
        + back + "}, \"registered_name\": null, \"build_config\": {\"input_shape\": [null, 5, 2]}}";
    Sequential m = (Sequential) load(sequential("[null, 5, 2]", bi));
    Bidirectional layer = (Bidirectional) m.layers().get(0);
    assertEquals("forward_lstm", layer.forwardLayer().name());
    assertEquals("backward_lstm", layer.backwardLayer().name());
    assertArrayEquals(new long[] {-1, 5, 8}, layer.outputShape());
    assertEquals(2 * (2 * 16 + 4 * 16 + 16), m.countParams());
    // Keras's weight order: the forward layer's kernel, recurrent kernel, bias, then the backward layer's
    assertEquals(List.of("forward_lstm/kernel", "forward_lstm/recurrent_kernel", "forward_lstm/bias", "backward_lstm/kernel",
        "backward_lstm/recurrent_kernel", "backward_lstm/bias"), m.weights().stream().map(v -> v.name()).toList());
  }

  @Test
  void keras2GruWithResetBefore() throws Exception {
    // tf.keras 2 writes batch_input_shape, implementation and time_major; Keras <= 2.3 defaulted reset_after to False
    String gru = "{\"class_name\": \"GRU\", \"config\": {\"name\": \"gru\", \"trainable\": true, \"batch_input_shape\": [null, 7, 3],"
        + " \"dtype\": \"float32\", \"return_sequences\": false, \"return_state\": false, \"go_backwards\": false,"
        + " \"stateful\": false, \"unroll\": false, \"time_major\": false, \"units\": 5, \"activation\": \"tanh\","
        + " \"recurrent_activation\": \"hard_sigmoid_keras2\", \"use_bias\": true, \"dropout\": 0.0, \"recurrent_dropout\": 0.0,"
        + " \"implementation\": 1, \"reset_after\": false}}";
    String model = "{\"class_name\": \"Sequential\", \"config\": {\"name\": \"sequential\", \"layers\": [" + gru + "]}}";
    Sequential m = (Sequential) load(model);
    GRU layer = (GRU) m.layers().get(0);
    assertTrue(!layer.resetAfter());
    assertArrayEquals(new long[] {15}, m.weights().get(2).shape());
    assertEquals(3 * (3 * 5 + 5 * 5 + 5), m.countParams());
    assertArrayEquals(new long[] {-1, 5}, layer.outputShape());
  }
}

package dev.tapekit.keras;

import static dev.tapekit.keras.KerasFixturesTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Activations;
import dev.tapekit.layers.Conv1D;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.LSTM;
import dev.tapekit.layers.ReLU;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.BaseOptimizer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras 1 and 2 files built here: names, layouts, Theano kernels, compile, and what is refused. */
class LegacyH5ReaderTest {
  @TempDir Path dir;

  private static Tensor rand(long seed, long... shape) {
    return Tensor.randomUniform(shape, -1, 1, seed);
  }

  private static Map<String, Object> layer(String cls, Object... kv) {
    Map<String, Object> c = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      c.put((String) kv[i], kv[i + 1]);
    }
    return Map.of("class_name", cls, "config", c);
  }

  private static Map<String, Tensor> weights(Object... kv) {
    Map<String, Tensor> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Tensor) kv[i + 1]);
    }
    return m;
  }

  private static List<Object> shape(Integer... dims) {
    return java.util.Arrays.asList((Object[]) dims);
  }

  private static String message(Path p) {
    return assertThrows(IllegalArgumentException.class, () -> Models.load(p)).getMessage();
  }

  @Test
  void keras1DenseWithOldArgumentNames() {
    Tensor w = rand(1, 4, 3);
    Tensor b = rand(2, 3);
    Path p = new LegacyFileBuilder().version(null, "theano")
        .modelConfig(Map.of("class_name", "Sequential", "config", List.of(
            layer("Dense", "name", "dense_1", "output_dim", 3, "input_dim", 4, "init", "glorot_uniform",
                "activation", "linear", "bias", true,
                "W_regularizer", Map.of("name", "WeightRegularizer", "l1", 0.0, "l2", 0.01)),
            layer("Activation", "name", "act", "activation", "softmax"))))
        .layer("dense_1", weights("dense_1_W", w, "dense_1_b", b)).layer("act", weights())
        .write(dir.resolve("k1.h5"));
    Model m = Models.load(p);
    Tensor x = rand(3, 5, 4);
    assertClose(Ops.softmax(Ops.add(Ops.matmul(x, w), b), -1), m.predict(x), "Keras 1 Dense");
    assertEquals(Map.of("class_name", "L1L2", "config", Map.of("l1", 0.0, "l2", 0.01)),
        stripModule(m.getLayer("dense_1").getConfig().get("kernel_regularizer")));
    assertEquals(1, m.losses().size(), "the regularizer is applied");
  }

  @SuppressWarnings("unchecked")
  private static Object stripModule(Object serialized) {
    Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) serialized);
    m.keySet().retainAll(List.of("class_name", "config"));
    return m;
  }

  @Test
  void keras1LstmGatesAreConcatenatedInKeras2Order() {
    long in = 2;
    long units = 3;
    Map<String, Tensor> w = new LinkedHashMap<>();
    Map<String, Tensor> byGate = new LinkedHashMap<>();
    long seed = 10;
    for (String gate : List.of("i", "c", "f", "o")) { // Keras 1's order in the file
      for (String kind : List.of("W", "U", "b")) {
        Tensor t = kind.equals("W") ? rand(seed++, in, units) : kind.equals("U") ? rand(seed++, units, units)
            : rand(seed++, units);
        w.put("lstm_1_" + kind + "_" + gate, t);
        byGate.put(kind + gate, t);
      }
    }
    Path p = new LegacyFileBuilder().version("1.2.2", "tensorflow")
        .modelConfig(Map.of("class_name", "Sequential", "config", List.of(
            layer("LSTM", "name", "lstm_1", "output_dim", 3, "batch_input_shape", shape(null, 5, 2),
                "inner_activation", "hard_sigmoid", "activation", "tanh", "inner_init", "orthogonal",
                "forget_bias_init", "one", "consume_less", "cpu", "dropout_W", 0.0, "dropout_U", 0.0))))
        .layer("lstm_1", w).write(dir.resolve("lstm1.h5"));
    Model m = Models.load(p);
    LSTM expected = LSTM.builder().units(3).recurrentActivation(Activations.HARD_SIGMOID_KERAS2).build();
    Sequential reference = new Sequential(new Input(5, 2), expected);
    expected.setWeights(List.of(
        Ops.concat(List.of(byGate.get("Wi"), byGate.get("Wf"), byGate.get("Wc"), byGate.get("Wo")), 1),
        Ops.concat(List.of(byGate.get("Ui"), byGate.get("Uf"), byGate.get("Uc"), byGate.get("Uo")), 1),
        Ops.concat(List.of(byGate.get("bi"), byGate.get("bf"), byGate.get("bc"), byGate.get("bo")), 0)));
    Tensor x = rand(40, 4, 5, 2);
    assertClose(reference.predict(x), m.predict(x), "Keras 1 LSTM");
    assertEquals("hard_sigmoid_keras2", m.getLayer("lstm_1").getConfig().get("recurrent_activation"));
  }

  @Test
  void theanoKernelsAreFlippedAndKeras1Conv1DReshaped() {
    Tensor k2 = rand(50, 2, 3, 1, 2); // (rows, cols, in, filters): dim_ordering "tf"
    Tensor k1 = rand(51, 3, 1, 2, 2); // Keras 1 Conv1D: (length, 1, in, filters)
    Path p = new LegacyFileBuilder().version("1.2.2", "theano")
        .modelConfig(Map.of("class_name", "Sequential", "config", List.of(
            layer("Convolution2D", "name", "c2", "nb_filter", 2, "nb_row", 2, "nb_col", 3, "border_mode", "valid",
                "subsample", List.of(1, 1), "dim_ordering", "tf", "batch_input_shape", shape(null, 4, 5, 1),
                "bias", false, "activation", "linear"))))
        .layer("c2", weights("c2_W", k2)).write(dir.resolve("theano.h5"));
    Model m = Models.load(p);
    // Theano's convolution is TensorFlow's correlation with the kernel reversed along rows and columns
    float[] v = k2.toFloatArray();
    float[] flipped = new float[v.length];
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 3; c++) {
        for (int f = 0; f < 2; f++) {
          flipped[((1 - r) * 3 + (2 - c)) * 2 + f] = v[(r * 3 + c) * 2 + f];
        }
      }
    }
    Conv2D ref = Conv2D.builder().filters(2).kernelSize(2, 3).useBias(false).build();
    Sequential reference = new Sequential(new Input(4, 5, 1), ref);
    ref.setWeights(List.of(Tensor.of(flipped, 2, 3, 1, 2)));
    Tensor x = rand(52, 2, 4, 5, 1);
    assertClose(reference.predict(x), m.predict(x), "Theano Conv2D");

    Path p1 = new LegacyFileBuilder().version("1.1.0", "tensorflow")
        .modelConfig(Map.of("class_name", "Sequential", "config", List.of(
            layer("Convolution1D", "name", "c1", "nb_filter", 2, "filter_length", 3, "border_mode", "same",
                "subsample_length", 1, "input_dim", 2, "input_length", 6, "activation", "relu"))))
        .layer("c1", weights("c1_W", k1, "c1_b", rand(53, 2))).write(dir.resolve("conv1d.h5"));
    Model m1 = Models.load(p1);
    Conv1D ref1 = Conv1D.builder().filters(2).kernelSize(3).padding("same").activation("relu").build();
    Sequential reference1 = new Sequential(new Input(6, 2), ref1);
    ref1.setWeights(List.of(Ops.reshape(k1, 3, 2, 2), rand(53, 2)));
    Tensor x1 = rand(54, 2, 6, 2);
    assertClose(reference1.predict(x1), m1.predict(x1), "Keras 1 Conv1D");
  }

  /**
   * A Keras 1 functional model: Dense a (2 units) and Dense b ({@code bUnits}) on a 3-wide input, merged by a
   * Merge layer named {@code merged} with {@code mergeConfig} (its mode and arguments).
   */
  private static Map<String, Object> keras1Merge(int bUnits, Map<String, Object> mergeConfig) {
    Map<String, Object> merge = new LinkedHashMap<>(mergeConfig);
    merge.put("name", "merged");
    return Map.of("class_name", "Model", "config", Map.of("name", "m",
        "layers", List.of(
            Map.of("class_name", "InputLayer", "name", "in", "inbound_nodes", List.of(),
                "config", Map.of("name", "in", "batch_input_shape", shape(null, 3), "input_dtype", "float32")),
            Map.of("class_name", "Dense", "name", "a", "inbound_nodes", List.of(List.of(List.of("in", 0, 0))),
                "config", Map.of("name", "a", "output_dim", 2, "bias", false)),
            Map.of("class_name", "Dense", "name", "b", "inbound_nodes", List.of(List.of(List.of("in", 0, 0))),
                "config", Map.of("name", "b", "output_dim", bUnits, "bias", false)),
            Map.of("class_name", "Merge", "name", "merged",
                "inbound_nodes", List.of(List.of(List.of("a", 0, 0), List.of("b", 0, 0))), "config", merge)),
        "input_layers", List.of(List.of("in", 0, 0)), "output_layers", List.of(List.of("merged", 0, 0))));
  }

  @Test
  void keras1ElementwiseMergeModes() {
    // Keras 1's Merge(mode='mul'|'ave'|'max') are Keras 2's Multiply, Average and Maximum
    Tensor wa = rand(62, 3, 2);
    Tensor wb = rand(63, 3, 2);
    Tensor x = rand(64, 5, 3);
    Tensor a = Ops.matmul(x, wa);
    Tensor b = Ops.matmul(x, wb);
    Map<String, Tensor> expected = Map.of("mul", Ops.multiply(a, b), "ave", Ops.divide(Ops.add(a, b), 2.0),
        "max", Ops.maximum(a, b));
    for (Map.Entry<String, Tensor> e : expected.entrySet()) {
      Map<String, Object> model = keras1Merge(2, Map.of("mode", e.getKey()));
      Path p = new LegacyFileBuilder().version("1.2.2", "tensorflow").modelConfig(model)
          .layer("in", weights()).layer("a", weights("a_W", wa)).layer("b", weights("b_W", wb))
          .layer("merged", weights()).write(dir.resolve(e.getKey() + ".h5"));
      assertClose(e.getValue(), Models.load(p).predict(x), "Merge mode " + e.getKey());
    }
  }

  @Test
  void keras1FunctionalMergeAndKeras2TrainingConfig() {
    Tensor wa = rand(60, 3, 2);
    Tensor wb = rand(61, 3, 4);
    Map<String, Object> model = keras1Merge(4, Map.of("mode", "concat", "concat_axis", -1));
    Path p = new LegacyFileBuilder().version("1.2.2", "tensorflow").modelConfig(model)
        .trainingConfig(Map.of("optimizer_config", Map.of("class_name", "SGD",
            "config", Map.of("lr", 0.05, "momentum", 0.9, "decay", 1e-6, "nesterov", true)),
            "loss", "mean_squared_error", "metrics", List.of("mae")))
        .layer("in", weights()).layer("a", weights("a_W", wa)).layer("b", weights("b_W", wb))
        .layer("merged", weights()).write(dir.resolve("merge.h5"));
    Model m = Models.load(p);
    Tensor x = rand(62, 5, 3);
    assertClose(Ops.concat(List.of(Ops.matmul(x, wa), Ops.matmul(x, wb)), 1), m.predict(x), "Merge concat");
    BaseOptimizer sgd = (BaseOptimizer) m.optimizer();
    assertEquals(0.05, sgd.learningRate(), 1e-9);
    assertEquals(true, sgd.getConfig().get("nesterov"));
    assertTrue(m.evaluate(x, Ops.zerosLike(m.predict(x))).containsKey("mae"));
  }

  @Test
  void aLossSavedAsAnObjectCompilesWithItsArguments() {
    // tf.keras writes a loss compiled as an object as {"class_name", "config"}: one loss, not one per output
    Path p = new LegacyFileBuilder().version("2.15.0", "tensorflow")
        .modelConfig(Map.of("class_name", "Sequential", "config", Map.of("name", "s", "layers", List.of(
            layer("Activation", "name", "id", "activation", "linear", "batch_input_shape", shape(null, 1))))))
        .trainingConfig(Map.of("optimizer_config", Map.of("class_name", "SGD", "config", Map.of("lr", 0.1)),
            "loss", Map.of("class_name", "BinaryCrossentropy", "config", Map.of("from_logits", true))))
        .layer("id", weights()).write(dir.resolve("logits.h5"));
    Model m = Models.load(p);
    assertEquals(true, m.loss().getConfig().get("from_logits"));
  }

  @Test
  void hardSigmoidIsMappedByTheFilesKerasVersion() {
    for (String version : List.of("2.2.4", "3.1.0")) {
      Path p = new LegacyFileBuilder().version(version, "tensorflow")
          .modelConfig(Map.of("class_name", "Sequential", "config", Map.of("name", "s", "layers", List.of(
              layer("Activation", "name", "hs", "activation", "hard_sigmoid", "batch_input_shape", shape(null, 2))))))
          .layer("hs", weights()).write(dir.resolve("hs" + version + ".h5"));
      Model m = Models.load(p);
      float y = m.predict(Tensor.of(new float[] {2f, 0f}, 1, 2)).toFloatArray()[0];
      // at x = 2: Keras 2's 0.2 x + 0.5 = 0.9, Keras 3's (x + 3) / 6 = 0.8333
      assertEquals(version.startsWith("2") ? 0.9 : 5.0 / 6, y, 1e-6, version);
    }
  }

  @Test
  void lambdaLayersFailByNameUnlessReplaced() {
    Path p = new LegacyFileBuilder().version("2.3.1", "tensorflow")
        .modelConfig(Map.of("class_name", "Sequential", "config", Map.of("name", "s", "layers", List.of(
            layer("Dense", "name", "d", "units", 2, "batch_input_shape", shape(null, 2), "use_bias", false),
            layer("Lambda", "name", "clip_below", "function", java.util.Arrays.asList("4wEAAAAAAAAA", null, null),
                "function_type", "lambda", "arguments", Map.of())))))
        .layer("d", weights("d/kernel:0", Tensor.eye(2))).layer("clip_below", weights())
        .write(dir.resolve("lambda.h5"));
    String msg = message(p);
    assertTrue(msg.startsWith(p.toString()) && msg.contains("\"clip_below\"") && msg.contains("Lambda")
        && msg.contains("KerasLambdas.register"), msg);
    KerasLambdas.register("clip_below", c -> ReLU.builder().name((String) c.get("name")).build());
    try {
      Model m = Models.load(p);
      assertClose(Tensor.of(new float[] {0f, 3f}, 1, 2), m.predict(Tensor.of(new float[] {-1f, 3f}, 1, 2)),
          "the replacement runs in the Lambda's place");
    } finally {
      KerasLambdas.unregister("clip_below");
    }
  }

  @Test
  void unsupportedOptionsFailNamingFileLayerAndOption() {
    Path stateful = new LegacyFileBuilder().version("2.2.4", "tensorflow")
        .modelConfig(Map.of("class_name", "Sequential", "config", List.of(
            layer("LSTM", "name", "lstm_1", "units", 2, "stateful", true, "batch_input_shape", shape(4, 3, 2)))))
        .write(dir.resolve("stateful.h5"));
    String msg = message(stateful);
    assertTrue(msg.startsWith(stateful + ": layer \"lstm_1\": stateful=True"), msg);


    Path cf = new LegacyFileBuilder().version("2.3.1", "tensorflow")
        .modelConfig(Map.of("class_name", "Sequential", "config", List.of(
            layer("Conv2D", "name", "conv", "filters", 2, "kernel_size", List.of(2, 2), "data_format",
                "channels_first", "batch_input_shape", shape(null, 1, 4, 4)))))
        .layer("conv", weights("conv/kernel:0", rand(1, 2, 2, 1, 2), "conv/bias:0", rand(2, 2)))
        .write(dir.resolve("cf.h5"));
    assertEquals("channels_first", Models.load(cf).layers().get(0).getConfig().get("data_format"));

    Path activity = new LegacyFileBuilder().version("2.3.1", "tensorflow")
        .modelConfig(Map.of("class_name", "Sequential", "config", List.of(
            layer("Dense", "name", "d", "units", 2, "batch_input_shape", shape(null, 2),
                "activity_regularizer", Map.of("class_name", "L1L2", "config", Map.of("l1", 0.1))))))
        .write(dir.resolve("activity.h5"));
    msg = message(activity);
    assertTrue(msg.startsWith(activity + ": layer \"d\": activity_regularizer="), msg);

    Path optimizer = new LegacyFileBuilder().version("2.3.1", "tensorflow")
        .modelConfig(Map.of("class_name", "Sequential", "config", List.of(
            layer("Dense", "name", "d", "units", 2, "batch_input_shape", shape(null, 2)))))
        .trainingConfig(Map.of("optimizer_config", Map.of("class_name", "TFOptimizer", "config", Map.of()),
            "loss", "mse"))
        .layer("d", weights("d/kernel:0", rand(1, 2, 2), "d/bias:0", rand(2, 2)))
        .write(dir.resolve("tfoptimizer.h5"));
    msg = message(optimizer);
    assertTrue(msg.startsWith(optimizer + ": training_config: optimizer TFOptimizer"), msg);
  }

  @Test
  void weightsMustMatchTheModelsLayers() {
    Sequential m = new Sequential(new Input(2), Dense.builder().name("d").units(2).build());
    Path other = new LegacyFileBuilder().version("2.3.1", "tensorflow")
        .layer("e", weights("e/kernel:0", rand(1, 2, 2), "e/bias:0", rand(2, 2))).write(dir.resolve("w.h5"));
    String msg = assertThrows(IllegalArgumentException.class, () -> m.loadWeights(other)).getMessage();
    assertTrue(msg.contains("layer \"e\"") && msg.contains("no layer of that name"), msg);
    Path wrongShape = new LegacyFileBuilder().version("2.3.1", "tensorflow")
        .layer("d", weights("d/kernel:0", rand(1, 3, 2), "d/bias:0", rand(2, 2))).write(dir.resolve("w2.h5"));
    msg = assertThrows(IllegalArgumentException.class, () -> m.loadWeights(wrongShape)).getMessage();
    assertTrue(msg.startsWith(wrongShape.toString()) && msg.contains("(3, 2)") && msg.contains("(2, 2)"), msg);
  }
}

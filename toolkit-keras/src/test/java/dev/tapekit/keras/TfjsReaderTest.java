package dev.tapekit.keras;

import static dev.tapekit.keras.KerasFixturesTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.optimizers.BaseOptimizer;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TensorFlow.js Layers models written by TensorFlow.js 4.22 (scripts/tfjs-models/make-models.js): each
 * reproduces TensorFlow.js's predictions to 1e-5; what the reader does not support is refused.
 */
class TfjsReaderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  static Path fixture(String name) {
    try {
      return Path.of(TfjsReaderTest.class.getResource("/tfjs-models/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Tensor tensor(Map<String, Object> io, String key) {
    Map<String, Object> t = (Map<String, Object>) io.get(key);
    List<Number> data = (List<Number>) t.get("data");
    float[] f = new float[data.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = data.get(i).floatValue();
    }
    return Tensor.of(f, ((List<Number>) t.get("shape")).stream().mapToLong(Number::longValue).toArray());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> io(String name) throws IOException {
    return JSON.readValue(fixture(name).resolve("io.json").toFile(), Map.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp", "cnn", "lstm", "gru", "embedding", "functional"})
  void reproducesTensorFlowJsPredictions(String name) throws IOException {
    Model m = Models.load(fixture(name).resolve("model.json"));
    Map<String, Object> io = io(name);
    assertClose(tensor(io, "prediction"), m.predict(tensor(io, "input")), name);
  }

  @Test
  void trainingConfigCompilesAndOptimizerWeightsAreSkipped() {
    Model mlp = Models.load(fixture("mlp").resolve("model.json"));
    assertTrue(mlp.compiled());
    BaseOptimizer adam = (BaseOptimizer) mlp.optimizer();
    assertEquals("Adam", adam.getClass().getSimpleName());
    assertEquals(0.01, adam.learningRate(), 1e-9);
    assertEquals(0.999, ((Number) adam.getConfig().get("beta_2")).doubleValue(), 1e-9);
    assertEquals("hard_sigmoid_keras2", Models.load(fixture("lstm").resolve("model.json")).layers().get(0)
        .getConfig().get("recurrent_activation"));
  }

  @Test
  void loadWeightsIntoAnExistingModel() throws IOException {
    Path p = fixture("functional").resolve("model.json");
    Model m = Models.load(p);
    Map<String, Object> io = io("functional");
    for (Variable v : m.weights()) {
      v.assign(Tensor.zeros(v.shape()));
    }
    m.loadWeights(p);
    assertClose(tensor(io, "prediction"), m.predict(tensor(io, "input")), "after loadWeights");
  }

  private Path copy(String name) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    try (Stream<Path> s = Files.list(fixture(name))) {
      for (Path f : s.toList()) {
        Files.copy(f, dir.resolve(f.getFileName()));
      }
    }
    return dir.resolve("model.json");
  }

  private static String message(Path p) {
    return assertThrows(IllegalArgumentException.class, () -> Models.load(p)).getMessage();
  }

  @Test
  void refusesQuantizedWeightsShortShardsAndPathsOutsideItsFolder() throws IOException {
    Path q = copy("mlp");
    String json = Files.readString(q);
    int manifest = json.indexOf("\"weightsManifest\""); // the weights' entries only, not the layers' configs
    Files.writeString(q, json.substring(0, manifest) + json.substring(manifest).replace("\"dtype\":\"float32\"",
        "\"dtype\":\"float32\",\"quantization\":{\"dtype\":\"uint8\",\"scale\":0.01,\"min\":-1}"));
    String msg = message(q);
    assertTrue(msg.startsWith(q.toString()) && msg.contains("quantized") && msg.contains("dense_Dense1/kernel"), msg);

    Path shortShard = copy("cnn");
    Path shard = shortShard.resolveSibling("group1-shard4of4.bin");
    Files.write(shard, java.util.Arrays.copyOf(Files.readAllBytes(shard), 3));
    msg = message(shortShard);
    assertTrue(msg.startsWith(shortShard.toString()) && msg.contains("weight shards"), msg);

    Path escape = copy("embedding");
    Files.writeString(escape, Files.readString(escape).replace("group1-shard1of1.bin", "../../secret.bin"));
    msg = message(escape);
    assertTrue(msg.contains("../../secret.bin") && msg.contains("next to the model.json"), msg);

    Path huge = copy("lstm");
    Files.writeString(huge, Files.readString(huge).replace("\"shape\":[3,20]", "\"shape\":[3000000,200000]"));
    msg = message(huge);
    assertTrue(msg.contains("lstm_LSTM1/kernel") && msg.contains("(3000000, 200000)"), msg);
    assertFalse(msg.contains("\n"));
  }
}

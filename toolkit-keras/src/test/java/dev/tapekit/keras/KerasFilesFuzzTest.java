package dev.tapekit.keras;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Tensor;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.testing.Fuzz;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile Keras files: the fixtures' bytes mutated, their model and training configs mutated (huge sizes,
 * wrong types, missing keys) and rewritten with their weights. Every case loads or fails with an
 * IllegalArgumentException or UncheckedIOException with a one-line message (never an OutOfMemoryError, a
 * hang or jhdf's own exception), within its time and memory; runs in the {@code fuzz} execution with
 * {@code -Xmx256m}. TensorFlow.js model.json files are mutated as text and as trees, their shards as bytes. See
 * {@link Fuzz} for seeds and reproduction.
 */
class KerasFilesFuzzTest {
  static final long TIMEOUT_MS = 10_000;
  static final long SLACK = 48L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Fuzz.Oracle ORACLE = Fuzz.accepting(IllegalArgumentException.class,
      UncheckedIOException.class);

  @TempDir
  static Path dir;
  static final List<byte[]> FILES = new ArrayList<>();
  static final List<Seed> SEEDS = new ArrayList<>();

  /** A fixture model taken apart: its attributes as JSON trees and its weights by layer. */
  record Seed(String version, Object modelConfig, Object trainingConfig, Map<String, Map<String, Tensor>> weights) {}

  @BeforeAll
  static void seeds() throws IOException {
    for (String f : List.of("activations/ELU_0_model.h5", "conv1d/conv1d_k2_s1_d1_cl_same_model.h5",
        "functional_lstm/lstm_functional_tf_keras_2.h5", "simple_rnn/simple_rnn_tf_keras_2_model.h5",
        "simple_lstm/simple_lstm_tf_keras_2_weights.h5")) {
      Path p = KerasFixtures.file(f);
      FILES.add(Files.readAllBytes(p));
      if (f.endsWith("_weights.h5")) {
        continue;
      }
      try (H5File h = H5File.open(p)) {
        Map<String, Map<String, Tensor>> weights = new LinkedHashMap<>();
        for (String layer : h.stringsAttribute("model_weights", "layer_names")) {
          Map<String, Tensor> w = new LinkedHashMap<>();
          List<String> names = h.stringsAttribute("model_weights/" + layer, "weight_names");
          for (String n : names == null ? List.<String>of() : names) {
            w.put(n, KerasFixtures.dataset(h, "model_weights/" + layer + "/" + n));
          }
          weights.put(layer, w);
        }
        String tc = h.stringAttribute("/", "training_config");
        SEEDS.add(new Seed(h.stringAttribute("/", "keras_version"),
            JSON.readValue(h.stringAttribute("/", "model_config"), Object.class),
            tc == null ? null : JSON.readValue(tc, Object.class), weights));
      }
    }
  }

  private static <T> T pick(List<T> l, Random r) {
    return l.get(r.nextInt(l.size()));
  }

  @Test
  void mutatedBytes() throws IOException {
    Fuzz f = new Fuzz("keras-h5-bytes", dir.resolve("bytes"), TIMEOUT_MS, SLACK);
    Model lstm = Models.load(KerasFixtures.file("simple_lstm/simple_lstm_tf_keras_2_model.h5"));
    f.run("h5-bytes", 250, c -> {
      Path p = c.write("m.h5", Fuzz.mutateBytes(pick(FILES, c.random()), c.random()));
      return c.random().nextInt(4) == 0 ? Fuzz.expect(ORACLE, () -> lstm.loadWeights(p))
          : Fuzz.expect(ORACLE, () -> Models.load(p));
    });
    System.out.println(f.summary());
    assertTrue(f.findings().isEmpty(), f.report());
  }

  @Test
  void mutatedConfigs() throws IOException {
    Fuzz f = new Fuzz("keras-h5-config", dir.resolve("config"), TIMEOUT_MS, SLACK);
    f.run("h5-config", 300, c -> {
      Random r = c.random();
      Seed s = pick(SEEDS, r);
      boolean training = s.trainingConfig() != null && r.nextInt(3) == 0;
      LegacyFileBuilder b = new LegacyFileBuilder()
          .version(r.nextInt(8) == 0 ? pick(List.of("1.2.2", "3.0.0", "x", ""), r) : s.version(),
              r.nextInt(8) == 0 ? "theano" : "tensorflow")
          .modelConfig(training ? s.modelConfig() : Fuzz.mutateTree(s.modelConfig(), r));
      if (s.trainingConfig() != null) {
        b.trainingConfig(training ? Fuzz.mutateTree(s.trainingConfig(), r) : s.trainingConfig());
      }
      s.weights().forEach(b::layer);
      Path p;
      try {
        p = b.write(c.dir().resolve("m.h5"));
      } catch (RuntimeException e) {
        return null; // jhdf cannot write this mutation (a JSON string it cannot encode): nothing to read
      }
      c.note("model_config/training_config mutated; file " + p.getFileName());
      return Fuzz.expect(ORACLE, () -> Models.load(p));
    });
    System.out.println(f.summary());
    assertTrue(f.findings().isEmpty(), f.report());
  }

  @Test
  void mutatedTfjsModels() throws IOException {
    Fuzz f = new Fuzz("keras-tfjs", dir.resolve("tfjs"), TIMEOUT_MS, SLACK);
    List<String> names = List.of("mlp", "cnn", "lstm", "embedding", "functional");
    f.run("tfjs", 300, c -> {
      Random r = c.random();
      Path src = TfjsReaderTest.fixture(pick(names, r));
      Path json = null;
      try (java.util.stream.Stream<Path> files = Files.list(src)) {
        for (Path p : files.toList()) {
          byte[] b = Files.readAllBytes(p);
          String n = p.getFileName().toString();
          if (n.equals("model.json")) {
            String text = new String(b, java.nio.charset.StandardCharsets.UTF_8);
            String mutated = r.nextBoolean() ? Fuzz.mutateText(text, r)
                : JSON.writeValueAsString(Fuzz.mutateTree(JSON.readValue(text, Object.class), r));
            json = c.write(n, mutated);
          } else if (n.endsWith(".bin")) {
            c.write(n, r.nextInt(4) == 0 ? Fuzz.mutateBytes(b, r) : b);
          }
        }
      }
      Path p = json;
      return Fuzz.expect(ORACLE, () -> Models.load(p));
    });
    System.out.println(f.summary());
    assertTrue(f.findings().isEmpty(), f.report());
  }
}

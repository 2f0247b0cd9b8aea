package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Source rules of the project: every line of every module's main sources that matches a pattern. */
public final class MainSources {
  private MainSources() {}

  /**
   * {@code path:line: text} for each matching line of the main sources (Java, Scala, Kotlin) of every
   * module, except files named in {@code allowed}. Fails when the project root or its sources are not found.
   */
  public static List<String> matching(Pattern pattern, Set<String> allowed) throws IOException {
    Path root = Path.of("").toAbsolutePath();
    while (root != null && !Files.exists(root.resolve("toolkit-core"))) {
      root = root.getParent();
    }
    assertTrue(root != null, "project root not found");
    List<String> hits = new ArrayList<>();
    int files = 0;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        String s = p.toString();
        if (!(s.endsWith(".java") || s.endsWith(".scala") || s.endsWith(".kt"))
            || !s.contains("src" + java.io.File.separator + "main")
            || allowed.contains(p.getFileName().toString())) {
          continue;
        }
        files++;
        List<String> lines = read(p);
        for (int i = 0; i < lines.size(); i++) {
          if (pattern.matcher(lines.get(i)).find()) {
            hits.add(root.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).trim());
          }
        }
      }
    }
    assertTrue(files > 100, "scanned only " + files + " source files");
    return hits;
  }

  private static List<String> read(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

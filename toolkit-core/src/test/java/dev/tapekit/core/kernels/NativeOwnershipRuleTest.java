package dev.tapekit.core.kernels;

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
 * The ownership rule for native memory (docs/core.md): only {@link NativeView} turns an array into a
 * native address. Scans every module's main sources, so a new kernel cannot take a raw pointer.
 */
class NativeOwnershipRuleTest {
  /** An address taken from ND4J, or a JavaCPP pointer made over another pointer (not an allocation). */
  private static final Pattern RAW = Pattern.compile(
      "addressPointer\\s*\\(|new\\s+(Float|Int|Double|Long|Byte|Short)Pointer\\s*\\(\\s*[a-zA-Z_][\\w.]*\\s*\\.\\s*data\\s*\\(");

  @Test
  void onlyNativeViewTakesAddressesFromArrays() throws IOException {
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
        if (!s.endsWith(".java") || !s.contains("src" + java.io.File.separator + "main")
            || p.getFileName().toString().equals("NativeView.java")) {
          continue;
        }
        files++;
        List<String> lines = read(p);
        for (int i = 0; i < lines.size(); i++) {
          if (RAW.matcher(lines.get(i)).find()) {
            offenders.add(root.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).trim());
          }
        }
      }
    }
    assertTrue(files > 100, "scanned only " + files + " source files");
    assertEquals(List.of(), offenders, "raw native addresses outside NativeView");
  }

  private static List<String> read(Path p) {
    try {
      return Files.readAllLines(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Libraries warn through SLF4J, never on the console's error stream: an application decides where its
 * warnings go. (Keras's user-facing prints, the progress bar and summary(), go to System.out as in Keras.)
 * The CLI, the samples and the bench are applications and may write to System.err.
 */
class LibrariesLogThroughSlf4jRuleTest {
  private static final Pattern CONSOLE_ERR = Pattern.compile("System\\.err");

  @Test
  void noLibraryWritesToSystemErr() throws IOException {
    List<String> hits = MainSources.matching(CONSOLE_ERR, Set.of()).stream()
        .filter(h -> !h.startsWith("toolkit-cli") && !h.startsWith("samples") && !h.startsWith("toolkit-bench")
            && !h.contains("/samples/"))
        .toList();
    assertEquals(List.of(), hits, "System.err in library main sources (log through SLF4J)");
  }
}

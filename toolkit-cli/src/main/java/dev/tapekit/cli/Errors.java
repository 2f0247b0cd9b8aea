package dev.tapekit.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** One-line messages for exceptions, without class names where they add nothing. */
final class Errors {
  private Errors() {}

  static String message(Throwable ex) {
    // one line: multi-line messages (lists of places looked in, parser excerpts) are joined
    return String.join(" ", raw(ex).strip().split("\\s*\\R\\s*"));
  }

  private static String raw(Throwable ex) {
    Throwable t = ex;
    // Wrappers whose own message only repeats the cause's.
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
      t = t.getCause();
    }
    if (t instanceof java.nio.file.InvalidPathException p) {
      return "invalid path '" + p.getInput().replace("\0", "\\0").replaceAll("\\p{Cntrl}", "?") + "': " + p.getReason();
    }
    if (t instanceof AccessDeniedException) {
      return "permission denied: " + ((FileSystemException) t).getFile();
    }
    if (t instanceof NoSuchFileException) {
      return "no such file: " + ((FileSystemException) t).getFile();
    }
    if (t instanceof FileSystemException) {
      FileSystemException f = (FileSystemException) t;
      return f.getFile() + ": " + (f.getReason() == null ? f.getClass().getSimpleName() : f.getReason());
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    return t instanceof RuntimeException && !(t instanceof IllegalArgumentException) && !(t instanceof IllegalStateException)
        && !(t instanceof dev.tapekit.cli.config.ConfigException) && !(t instanceof java.io.UncheckedIOException)
        ? t.getClass().getSimpleName() + ": " + m : m;
  }
}

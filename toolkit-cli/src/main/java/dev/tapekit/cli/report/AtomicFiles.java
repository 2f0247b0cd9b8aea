package dev.tapekit.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import dev.tapekit.io.AtomicWrite;
import java.nio.file.Path;

/** Report files, written through {@link AtomicWrite} (a temporary sibling and a rename). */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes {@code bytes} to {@code file}, creating parent directories. */
  public static void write(Path file, byte[] bytes) throws IOException {
    AtomicWrite.write(file, bytes);
  }

  /** Writes UTF-8 text. */
  public static void writeString(Path file, String text) throws IOException {
    write(file, text.getBytes(StandardCharsets.UTF_8));
  }
}

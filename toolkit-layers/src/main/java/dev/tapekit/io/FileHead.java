package dev.tapekit.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The first bytes of a file (up to {@link #SIZE}), for telling formats apart by content. */
public final class FileHead {
  /** How many bytes are read: enough for an HDF5 signature behind a user block of up to 2 KiB. */
  public static final int SIZE = 4096;
  private static final byte[] HDF5 = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  private final byte[] bytes;

  private FileHead(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Reads the head of {@code path}. */
  public static FileHead of(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return new FileHead(in.readNBytes(SIZE));
    }
  }

  /** The bytes read (a copy). */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** A zip archive (local file header signature). */
  public boolean isZip() {
    return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
  }

  /** An HDF5 file: its signature at offset 0, 512, 1024 or 2048 (after a user block). */
  public boolean isHdf5() {
    for (int at = 0; at + HDF5.length <= bytes.length; at = at == 0 ? 512 : at * 2) {
      if (Arrays.equals(bytes, at, at + HDF5.length, HDF5, 0, HDF5.length)) {
        return true;
      }
    }
    return false;
  }

  /** Text that starts (after blanks and a byte order mark) with a JSON object. */
  public boolean isJsonObject() {
    String s = new String(bytes, StandardCharsets.UTF_8).replace("\uFEFF", "").stripLeading();
    return s.startsWith("{");
  }

  /** Whether the (JSON) head mentions {@code key} as a quoted name. */
  public boolean mentions(String key) {
    return new String(bytes, StandardCharsets.UTF_8).contains("\"" + key + "\"");
  }
}

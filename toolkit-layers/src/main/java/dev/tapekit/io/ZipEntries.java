package dev.tapekit.io;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Capped reads of zip entries, shared by every zip-based model format (tapekit's, Keras 3's {@code .keras}): an
 * entry whose recorded size is over the cap is refused unread, and one that inflates past the cap (its recorded
 * size may lie: a zip bomb) is refused at the cap, so a small file never makes a reader allocate much.
 */
public final class ZipEntries {
  private ZipEntries() {}

  /**
   * The bytes of entry {@code name}, at most {@code cap}; {@code why} says what the cap is (for the message).
   *
   * @throws IllegalArgumentException naming the file and the entry when it is missing, too large or corrupt
   */
  public static byte[] read(ZipFile zip, String name, Path path, long cap, String why) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new IllegalArgumentException(path + ": model file is missing '" + name + "' (truncated or corrupt)");
    }
    long limit = Math.min(cap, Integer.MAX_VALUE - 8);
    if (e.getSize() > limit) {
      throw tooLarge(path, name, "holds " + e.getSize() + " bytes, more", limit, why);
    }
    try (InputStream in = zip.getInputStream(e)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Math.max(e.getSize(), 0), 1 << 20));
      byte[] buf = new byte[1 << 16];
      long total = 0;
      int n;
      while ((n = in.read(buf)) > 0) {
        total += n;
        if (total > limit) {
          throw tooLarge(path, name, "inflates to more", limit, why);
        }
        out.write(buf, 0, n);
      }
      return out.toByteArray();
    } catch (ZipException ex) {
      throw new IllegalArgumentException(path + ": entry " + name + " is corrupt: " + message(ex), ex);
    } catch (EOFException ex) {
      throw new IllegalArgumentException(path + ": entry " + name + " is truncated", ex);
    }
  }

  private static IllegalArgumentException tooLarge(Path path, String name, String size, long limit, String why) {
    return new IllegalArgumentException(path + ": entry " + name + " " + size + " than the " + limit
        + " bytes it may hold (" + why + ")");
  }

  private static String message(IOException e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }
}

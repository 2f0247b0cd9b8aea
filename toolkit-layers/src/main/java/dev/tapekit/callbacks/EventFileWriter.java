package dev.tapekit.callbacks;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * One TensorBoard event file, {@code events.out.tfevents.<secs>.<host>.<pid>.v2} in its directory, opened
 * with the {@code brain.Event:2} file-version event first.
 *
 * <p>NOTE: the file is appended to record by record instead of going through {@code io.AtomicWrite}:
 * TensorBoard reads event files while training runs, and a half-written last record after a crash is
 * what its reader expects (it stops at a truncated record); every earlier one stays readable.
 */
final class EventFileWriter implements AutoCloseable {
  /** As tf.summary's writers: buffered records reach the file at least this often. */
  private static final long FLUSH_NANOS = 10_000_000_000L;
  private final Path file;
  private final OutputStream out;
  private long lastFlush = System.nanoTime();

  EventFileWriter(Path dir) {
    try {
      Files.createDirectories(dir);
      long secs = System.currentTimeMillis() / 1000;
      String base = String.format(Locale.ROOT, "events.out.tfevents.%010d.%s.%d", secs, hostName(),
          ProcessHandle.current().pid());
      Path f = dir.resolve(base + ".v2");
      OutputStream o = null;
      // a second writer in the same second and directory gets a counter, never the first one's file
      for (int n = 1; o == null; n++) {
        try {
          o = Files.newOutputStream(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
          f = dir.resolve(base + "." + n + ".v2");
        }
      }
      file = f;
      out = new BufferedOutputStream(o);
      write(TensorBoardEvents.fileVersion(wallTime()));
      flush();
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard: cannot create an event file in " + dir, e);
    }
  }

  Path file() {
    return file;
  }

  static double wallTime() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** Appends one event (its encoding), framed as a TFRecord. */
  void write(byte[] event) {
    try {
      out.write(TfRecord.frame(event));
      if (System.nanoTime() - lastFlush >= FLUSH_NANOS) {
        flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard: cannot write " + file, e);
    }
  }

  void flush() {
    try {
      out.flush();
      lastFlush = System.nanoTime();
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard: cannot write " + file, e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException("TensorBoard: cannot close " + file, e);
    }
  }

  private static String hostName() {
    return Host.NAME;
  }

  /** Looked up once per process: the lookup can be slow where the resolver is. */
  private static final class Host {
    static final String NAME = lookUp();

    private static String lookUp() {
      try {
        return InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        return "localhost"; // any name works: TensorBoard only needs "tfevents" in it
      }
    }
  }
}

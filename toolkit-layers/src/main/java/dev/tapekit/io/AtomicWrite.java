package dev.tapekit.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a file through a temporary sibling and a rename: a crash or a failed write never leaves half a
 * file and never destroys the previous one. Every file tapekit writes (models, checkpoints, reports,
 * downloads) goes through here.
 *
 * <p>The temporary file is {@code .<name>.<pid>.<random>.tmp}, created like any new file, so it gets the
 * user's umask (a {@code Files.createTempFile} file is always 0600, and the rename kept that). Before
 * writing, leftovers of the same target from processes that no longer run (killed mid-save) are
 * removed, as are the {@code <name><digits>.tmp} files older versions left.
 */
public final class AtomicWrite {
  private AtomicWrite() {}

  /** What writes the content. */
  @FunctionalInterface
  public interface Body {
    void write(OutputStream out) throws IOException;
  }

  /** Writes {@code target} from {@code body}, creating parent directories. */
  public static void write(Path target, Body body) throws IOException {
    Path tmp = tempSibling(target);
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        body.write(out);
      }
      commit(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes {@code bytes} to {@code target}. */
  public static void write(Path target, byte[] bytes) throws IOException {
    write(target, out -> out.write(bytes));
  }

  /**
   * A new empty temporary file next to {@code target} (parent directories created, stale leftovers
   * removed); the caller fills it, then {@link #commit}s it or deletes it.
   */
  public static Path tempSibling(Path target) throws IOException {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    String name = abs.getFileName().toString();
    removeLeftovers(dir, name);
    long pid = ProcessHandle.current().pid();
    while (true) {
      Path tmp = dir.resolve("." + name + "." + pid + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
          + ".tmp");
      try {
        return Files.createFile(tmp); // default permissions: honours the umask
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // another random name
      }
    }
  }

  /** Moves a finished temporary file over {@code target} (atomically where the file system can). */
  public static void commit(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void removeLeftovers(Path dir, String name) throws IOException {
    Pattern ours = Pattern.compile(Pattern.quote("." + name + ".") + "(\\d+)\\.[0-9a-f]+\\.tmp");
    Pattern older = Pattern.compile("\\.?" + Pattern.quote(name) + "\\d+\\.tmp");
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*" + globSafe(name) + "*.tmp")) {
      for (Path p : entries) {
        String f = p.getFileName().toString();
        Matcher m = ours.matcher(f);
        boolean stale = m.matches() ? !alive(m.group(1)) : older.matcher(f).matches();
        if (stale) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static boolean alive(String pid) {
    try {
      return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The name with glob metacharacters replaced by '?', for a directory filter (the regex decides). */
  private static String globSafe(String name) {
    return name.replaceAll("[\\[\\]{}*?\\\\,]", "?");
  }
}

package dev.tapekit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.models.Sequential;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving never leaves broken or stray files, keeps the user's umask, and never loses the old file. */
class AtomicWriteTest {
  @TempDir
  Path dir;

  private static Sequential model() {
    Sequential m = new Sequential(new Input(3), new Dense(2));
    return m;
  }

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void savedModelsGetTheUmasksPermissionsNotAlways0600() throws IOException {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
    Path plain = Files.createFile(dir.resolve("plain")); // what the umask gives a new file
    Path saved = dir.resolve("m.tapekit");
    model().save(saved);
    Set<PosixFilePermission> want = Files.getPosixFilePermissions(plain);
    assertEquals(want, Files.getPosixFilePermissions(saved));
    AtomicWrite.write(dir.resolve("report.md"), new byte[] {1});
    assertEquals(want, Files.getPosixFilePermissions(dir.resolve("report.md")));
  }

  @Test
  void leftoversOfKilledSavesAreRemovedOnTheNextSave() throws IOException {
    long deadPid = deadPid();
    long livePid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
    Files.write(dir.resolve(".m.tapekit." + deadPid + ".1f2e.tmp"), new byte[1000]);
    Files.write(dir.resolve("m.tapekit8812345.tmp"), new byte[1000]); // what earlier versions left
    Files.write(dir.resolve(".m.tapekit." + livePid + ".3a.tmp"), new byte[10]); // a save in progress
    Files.write(dir.resolve(".other.tapekit." + deadPid + ".4b.tmp"), new byte[10]); // another target's
    model().save(dir.resolve("m.tapekit"));
    assertEquals(List.of(".m.tapekit." + livePid + ".3a.tmp", ".other.tapekit." + deadPid + ".4b.tmp", "m.tapekit"),
        names());
  }

  @Test
  void aFailedWriteKeepsThePreviousFileAndLeavesNothing() throws IOException {
    Path target = dir.resolve("history.csv");
    AtomicWrite.write(target, new byte[] {1, 2, 3});
    assertThrows(IOException.class, () -> AtomicWrite.write(target, out -> {
      out.write(new byte[] {9, 9});
      throw new IOException("disk full");
    }));
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(target));
    assertEquals(List.of("history.csv"), names());
  }

  /** A pid no process has now. */
  private static long deadPid() {
    for (long pid = 4_000_000; pid > 3_000_000; pid -= 7919) {
      if (ProcessHandle.of(pid).isEmpty()) {
        return pid;
      }
    }
    throw new AssertionError("no free pid found");
  }

  @Test
  void leftoverNamesOfOtherFilesAreNeverTouched() throws IOException {
    Files.write(dir.resolve("notes.tmp"), new byte[1]);
    AtomicWrite.write(dir.resolve("a.bin"), new byte[1]);
    assertTrue(Files.exists(dir.resolve("notes.tmp")));
    assertFalse(names().stream().anyMatch(n -> n.startsWith(".a.bin.")));
  }
}

package dev.tapekit.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.models.Sequential;
import dev.tapekit.testing.Allocations;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files whose entries lie about their size or content (issue 15): entries are read with a cap, the
 * weights' NPY headers are checked against the model, and every refusal is one clean line.
 */
class ModelFilesHostileTest {
  static final long BOUND = 32L << 20;

  @TempDir
  Path dir;

  interface Content {
    void write(OutputStream out) throws IOException;
  }

  /** A saved model: Dense(2) on 3 inputs, compiled with Adam so it has optimizer slots too. */
  Path saved() {
    Sequential m = new Sequential(new Input(3), new Dense(2));
    m.compile("adam", "mse");
    Path p = dir.resolve("good.tapekit");
    m.save(p);
    return p;
  }

  /** {@code src} with some entries replaced. */
  Path rewrite(Path src, String name, Map<String, Content> replace) throws IOException {
    Path out = dir.resolve(name);
    try (ZipFile in = new ZipFile(src.toFile()); ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      Enumeration<? extends ZipEntry> es = in.entries();
      while (es.hasMoreElements()) {
        ZipEntry e = es.nextElement();
        zip.putNextEntry(new ZipEntry(e.getName()));
        Content c = replace.get(e.getName());
        if (c != null) {
          c.write(zip);
        } else {
          try (var s = in.getInputStream(e)) {
            s.transferTo(zip);
          }
        }
        zip.closeEntry();
      }
    }
    return out;
  }

  /** An NPY header for float32 data of {@code shape} (what follows is up to the caller). */
  static byte[] npyHeader(String shape) {
    String h = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    h = h + " ".repeat(63 - (10 + h.length()) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + h.length()).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
    b.put(h.getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** Loading must fail with one clean line naming the file, allocating little; returns the message. */
  static String refused(Path p) {
    Allocations.Result r = Allocations.measure(() -> ModelFiles.load(p));
    assertNotNull(r.thrown(), p.getFileName() + " was accepted");
    Class<?> c = r.thrown().getClass();
    assertTrue(c == IllegalArgumentException.class || c == UncheckedIOException.class
        || c.getName().startsWith("dev.tapekit."), "a documented exception type: " + r.thrown());
    String m = r.thrown().getMessage();
    assertNotNull(m, r.thrown().toString());
    assertTrue(m.contains(p.getFileName().toString()), "names the file: " + m);
    assertFalse(m.contains("\n"), "one line: " + m);
    for (String raw : new String[] {"cannot be cast", "Cannot invoke", "out of bounds", "out of range", "For input string"}) {
      assertFalse(m.contains(raw), "no raw exception text: " + m);
    }
    assertTrue(r.bytes() < BOUND, "allocated " + r.bytes() + " bytes (" + m + ")");
    return m;
  }

  @Test
  void hugeAllZeroWeightsEntryIsNotReadIntoMemory() throws IOException {
    // 256 MiB of zeros compress to a quarter of a megabyte; the model expects 6 floats
    Path p = rewrite(saved(), "zeros.tapekit", Map.of("weights/0000.npy", out -> {
      out.write(npyHeader("(67108864,)"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) {
        out.write(zeros);
      }
    }));
    String m = refused(p);
    assertTrue(m.contains("weights/0000.npy"), m);
  }

  @Test
  void hugeJsonEntryIsNotReadIntoMemory() throws IOException {
    Path p = rewrite(saved(), "bigmeta.tapekit", Map.of("metadata.json", out -> {
      out.write("{\"format\": \"tapekit\", \"format_version\": 1".getBytes(StandardCharsets.US_ASCII));
      byte[] spaces = " ".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 64; i++) {
        out.write(spaces);
      }
      out.write("}".getBytes(StandardCharsets.US_ASCII));
    }));
    String m = refused(p);
    assertTrue(m.contains("metadata.json"), m);
  }

  @Test
  void corruptWeightHeadersGiveCleanErrors() throws IOException {
    Path good = saved();
    // header length with the high bit set, a header running past the entry, a negative dimension
    Content negLen = out -> out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, -16, -1, -1, -1, 0, 0});
    Content longHdr = out -> out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 100, 0, '{'});
    Content negDim = out -> {
      out.write(npyHeader("(-3, 2)"));
      out.write(new byte[24]);
    };
    Content badDim = out -> {
      out.write(npyHeader("(3, x)"));
      out.write(new byte[24]);
    };
    int i = 0;
    for (Content c : new Content[] {negLen, longHdr, negDim, badDim}) {
      String m = refused(rewrite(good, "bad" + i++ + ".tapekit", Map.of("weights/0000.npy", c)));
      assertTrue(m.contains("weights/0000.npy"), m);
    }
  }

  /** Cases the fuzzer (ReadersFuzzTest) found with other seeds than the test command's. */
  @Test
  void fuzzFindingsStayFixed() throws IOException {
    // a zip end record whose comment length runs past the file: the JDK throws an EOFException without message
    byte[] zip = Files.readAllBytes(saved());
    zip[zip.length - 1] = 7;
    Path eof = dir.resolve("eof.tapekit");
    Files.write(eof, zip);
    assertTrue(refused(eof).contains("not a readable zip archive"), refused(eof));
    // a functional model whose config has a tensor reference of one element (was IndexOutOfBoundsException)
    Input in = new Input(3);
    dev.tapekit.models.Model f = new dev.tapekit.models.Model(in.output(), new Dense(2).apply(in.output()));
    Path good = dir.resolve("functional.tapekit");
    f.save(good);
    String cfg;
    try (ZipFile z = new ZipFile(good.toFile())) {
      cfg = new String(z.getInputStream(z.getEntry("config.json")).readAllBytes(), StandardCharsets.UTF_8);
    }
    String bad = cfg.replaceFirst("\"keras_history\"\\s*:\\s*\\[\\s*(\"[^\"]+\")[^\\]]*\\]", "\"keras_history\" : [ $1 ]");
    assertTrue(!bad.equals(cfg), "the reference was cut");
    String m = refused(rewrite(good, "history.tapekit", Map.of("config.json", out -> out.write(bad.getBytes(StandardCharsets.UTF_8)))));
    assertTrue(m.contains("keras_history must be [layer name, node index, tensor index]"), m);
  }

  @Test
  void metadataOfTheWrongShapeNamesTheField() throws IOException {
    Path good = saved();
    String meta;
    try (ZipFile z = new ZipFile(good.toFile())) {
      meta = new String(z.getInputStream(z.getEntry("metadata.json")).readAllBytes(), StandardCharsets.UTF_8);
    }
    String bad = meta.replaceFirst("\"weights\"\\s*:\\s*\\[", "\"weights\": \"abc\", \"was\": [");
    String m = refused(rewrite(good, "strweights.tapekit", Map.of("metadata.json",
        out -> out.write(bad.getBytes(StandardCharsets.UTF_8)))));
    assertTrue(m.contains("weights"), m);
    String bad2 = meta.replaceFirst("\"file\"\\s*:\\s*\"weights/0000.npy\"", "\"file\": 7");
    String m2 = refused(rewrite(good, "numfile.tapekit", Map.of("metadata.json",
        out -> out.write(bad2.getBytes(StandardCharsets.UTF_8)))));
    assertTrue(m2.contains("file"), m2);
  }
}

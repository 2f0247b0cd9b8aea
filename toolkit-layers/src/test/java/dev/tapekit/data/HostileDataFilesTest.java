package dev.tapekit.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.testing.Allocations;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * NPY and IDX files whose size fields lie (issue 15): the readers check what a header claims against the
 * bytes there are before allocating, and say in one line which file is wrong and how.
 */
class HostileDataFilesTest {
  /** More than any of these small files justifies; the unfixed readers allocated gigabytes. */
  static final long BOUND = 16L << 20;

  @TempDir
  Path dir;

  /** An NPY file: magic, version, a header-length field as given, the header text and what follows. */
  static byte[] npy(int major, long headerLenField, String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    ByteBuffer b = ByteBuffer.allocate(12 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) headerLenField);
    } else {
      b.putInt((int) headerLenField);
    }
    b.put(h);
    byte[] out = new byte[b.position() + dataBytes];
    System.arraycopy(b.array(), 0, out, 0, b.position());
    return out;
  }

  /** A well-formed header of {@code descr} and {@code shape} (padded to 64 bytes as NumPy does). */
  static String header(String descr, String shape) {
    String h = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    return h + " ".repeat(63 - (10 + h.length()) % 64) + "\n";
  }

  static byte[] npy(String descr, String shape, int dataBytes) {
    String h = header(descr, shape);
    return npy(1, h.length(), h, dataBytes);
  }

  /** Reads a file that must be refused with one clean line naming it; returns the message. */
  String refused(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return refused(p, () -> Npy.read(p));
  }

  static String refused(Path p, Allocations.Body read) {
    Allocations.Result r = Allocations.measure(read);
    assertNotNull(r.thrown(), p.getFileName() + " was accepted");
    assertEquals(IOException.class, r.thrown().getClass(), "a plain IOException: " + r.thrown());
    String m = r.thrown().getMessage();
    assertNotNull(m, "a message: " + r.thrown());
    assertTrue(m.contains(p.getFileName().toString()), "names the file: " + m);
    assertFalse(m.contains("\n"), "one line: " + m);
    assertTrue(r.bytes() < BOUND, "allocated " + r.bytes() + " bytes for a " + p.toFile().length()
        + "-byte file (" + m + ")");
    return m;
  }

  @Test
  void npyV2HeaderLengthLargerThanTheFile() throws IOException {
    String m = refused("hugehdr.npy", npy(2, 0x7ffffff0, header("<f4", "(3,)"), 12));
    assertTrue(m.contains("header length 2147483632"), m);
  }

  @Test
  void npyHeaderLengthWithTheHighBitSet() throws IOException {
    // NumPy reads the field unsigned: 0xfffffff0 is 4294967280, not -16
    String m = refused("neghdr.npy", npy(2, 0xfffffff0L, header("<f4", "(3,)"), 12));
    assertTrue(m.contains("header length 4294967280"), m);
  }

  @Test
  void npyTruncatedInTheHeader() throws IOException {
    byte[] full = npy("<f4", "(3,)", 12);
    byte[] cut = java.util.Arrays.copyOf(full, 30);
    String m = refused("trunc_hdr.npy", cut);
    assertTrue(m.contains("truncated"), m);
    String m2 = refused("trunc_len.npy", java.util.Arrays.copyOf(full, 9));
    assertTrue(m2.contains("truncated"), m2);
  }

  @Test
  void npyShapeClaimingMoreDataThanTheFileHolds() throws IOException {
    byte[] f = npy("<f4", "(500000000,)", 0);
    assertEquals(128, f.length);
    String m = refused("bigshape.npy", f);
    assertTrue(m.contains("(500000000,)") && m.contains("2000000000") && m.contains("truncated"), m);
    // the same from a stream, whose length is not known in advance
    Path p = dir.resolve("bigshape.npy");
    String s = refused(p, () -> {
      try {
        Npy.read(new ByteArrayInputStream(f));
      } catch (IOException e) {
        throw new IOException(e.getMessage().replace("stream", "bigshape.npy"), e);
      }
    });
    assertTrue(s.contains("truncated"), s);
  }

  @Test
  void npyBadShapesAndDtypes() throws IOException {
    assertTrue(refused("negdim.npy", npy("<f4", "(-1, 3)", 12)).contains("(-1, 3)"));
    assertTrue(refused("overflow.npy", npy("<f4", "(4611686018427387904, 4)", 16)).contains("4611686018427387904"));
    assertTrue(refused("notint.npy", npy("<f4", "(3.5,)", 16)).contains("3.5"));
    assertTrue(refused("emptydescr.npy", npy("", "(3,)", 12)).contains("dtype"));
    assertTrue(refused("nowidth.npy", npy("<f", "(3,)", 12)).contains("'<f'"));
    assertTrue(refused("badwidth.npy", npy("<fx", "(3,)", 12)).contains("'<fx'"));
    assertTrue(refused("hugewidth.npy", npy("<f99999999999", "(3,)", 12)).contains("dtype"));
  }

  /** An IDX file: zero, type, rank, the dims as given and {@code dataBytes} zero bytes. */
  static byte[] idx(int type, long[] dims, int dataBytes) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeShort(0);
    out.writeByte(type);
    out.writeByte(dims.length);
    for (long d : dims) {
      out.writeInt((int) d);
    }
    out.write(new byte[dataBytes]);
    return b.toByteArray();
  }

  String idxRefused(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return refused(p, () -> IdxReader.read(p));
  }

  @Test
  void idxShapeClaimingMoreDataThanTheFileHolds() throws IOException {
    byte[] f = idx(0x08, new long[] {2000000000, 1, 1}, 0);
    assertEquals(16, f.length);
    String m = idxRefused("huge-idx3-ubyte", f);
    assertTrue(m.contains("(2000000000, 1, 1)") && m.contains("truncated"), m);
    // gzip-compressed: the uncompressed length is not known in advance
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(idx(0x0D, new long[] {500000000}, 100));
    }
    String g = idxRefused("huge-idx1-float.gz", gz.toByteArray());
    assertTrue(g.contains("truncated"), g);
  }

  @Test
  void idxDimsWhoseProductOverflows() throws IOException {
    String m = idxRefused("overflow-idx3-ubyte", idx(0x08, new long[] {0xffffffffL, 0xffffffffL, 0xffffffffL}, 8));
    assertTrue(m.contains("(4294967295, 4294967295, 4294967295)"), m);
    // 65536^4 is 2^64, which wraps to 0 elements in a long
    String w = idxRefused("wraps-idx4-ubyte", idx(0x08, new long[] {65536, 65536, 65536, 65536}, 8));
    assertTrue(w.contains("(65536, 65536, 65536, 65536)"), w);
  }

  /** Cases the fuzzer (ReadersFuzzTest) found: each was an undocumented exception or a raw message. */
  @Test
  void fuzzFindingsStayFixed() throws IOException {
    // an empty Fortran-order array (ND4J cannot permute it: NullPointerException)
    Path p = dir.resolve("emptyf.npy");
    String fortran = header("<f4", "(0, 3)").replace("False", "True ");
    Files.write(p, npy(1, fortran.length(), fortran, 0));
    assertEquals(0, Npy.read(p).size());
    // a header of text without the keys ends in the header's text, quoted (was ": null")
    String m = refused("nullhdr.npy", npy(1, 5, "null\n", 0));
    assertTrue(m.endsWith("no 'descr' in \"null\""), m);
    // empty images scaled by 255 (ND4J cannot divide an empty array: IllegalStateException)
    Path e = dir.resolve("empty-idx3-ubyte");
    Files.write(e, idx(0x08, new long[] {0, 28, 28}, 0));
    assertEquals(0, IdxReader.readImages(e, true).size());
    // gzip data that end early: the JDK's EOFException has no message
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
      z.write(idx(0x08, new long[] {100, 28, 28}, 78400));
    }
    byte[] cut = java.util.Arrays.copyOf(gz.toByteArray(), 40);
    String g = idxRefused("cut-idx3-ubyte.gz", cut);
    assertTrue(g.contains("compressed data end too early"), g);
  }

  @Test
  void aFailedDownloadIsDescribedInWords() {
    // port 1 on the loopback interface: the connection is refused at once
    DatasetOptions o = DatasetOptions.defaults().cacheDir(dir.resolve("cache")).systemDirs(false).environment(false)
        .baseUrl("http://127.0.0.1:1/");
    IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Datasets.load("mnist", o));
    assertTrue(e.getMessage().contains("fix the download from http://127.0.0.1:1/: "), e.getMessage());
    assertFalse(e.getMessage().contains("java.net"), "no exception class: " + e.getMessage());
  }

  @Test
  void idxTruncatedInTheHeader() throws IOException {
    byte[] f = java.util.Arrays.copyOf(idx(0x08, new long[] {2, 3, 4}, 24), 9);
    String m = idxRefused("trunc-idx3-ubyte", f);
    assertTrue(m.contains("truncated"), m);
  }
}

package dev.tapekit.data;

import dev.tapekit.core.DType;
import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes NumPy's {@code .npy} format (versions 1.0 to 3.0): float32, float64, int32, int64
 * and bool, written little-endian in C order as {@code numpy.save} does. Reading also accepts
 * big-endian data, Fortran order, and uint8/int8/int16/uint16 (widened to int32).
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  private Npy() {}

  /** Writes a tensor to a file (created or replaced). */
  public static void write(Path path, Tensor tensor) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
      write(out, tensor);
    }
  }

  /** Writes a tensor to a stream, which is left open. */
  public static void write(OutputStream out, Tensor tensor) throws IOException {
    if (tensor == null) {
      throw new IllegalArgumentException("Npy.write: tensor is null");
    }
    String header = "{'descr': '" + descr(tensor.dtype()) + "', 'fortran_order': False, 'shape': "
        + shapeTuple(tensor.shape()) + ", }";
    // pad with spaces so that magic + version + length + header (ending in '\n') is a multiple of 64
    int total = MAGIC.length + 2 + 2 + header.length() + 1;
    int padded = (total + 63) / 64 * 64;
    StringBuilder h = new StringBuilder(header);
    h.append(" ".repeat(padded - total)).append('\n');
    byte[] hb = h.toString().getBytes(StandardCharsets.US_ASCII);
    boolean v2 = hb.length > 65535;
    out.write(MAGIC);
    out.write(v2 ? 2 : 1);
    out.write(0);
    if (v2) {
      out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(hb.length).array());
    } else {
      out.write(hb.length & 0xff);
      out.write((hb.length >> 8) & 0xff);
    }
    out.write(hb);
    out.write(data(tensor));
    out.flush();
  }

  private static String descr(DType dtype) {
    switch (dtype) {
      case FLOAT32: return "<f4";
      case FLOAT64: return "<f8";
      case INT32: return "<i4";
      case INT64: return "<i8";
      case BOOL: return "|b1";
      default: throw new IllegalArgumentException("Npy.write: unsupported dtype " + dtype);
    }
  }

  private static String shapeTuple(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder b = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      b.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    return b.append(')').toString();
  }

  private static byte[] data(Tensor t) {
    long n = t.size();
    DType d = t.dtype();
    int width = d == DType.FLOAT64 || d == DType.INT64 ? 8 : d == DType.BOOL ? 1 : 4;
    if (n * width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Npy.write: tensor of shape " + Shapes.str(t.shape()) + " is too large");
    }
    ByteBuffer b = ByteBuffer.allocate((int) (n * width)).order(ByteOrder.LITTLE_ENDIAN);
    if (n == 0) {
      return b.array(); // the core's to*Array() fail on empty arrays
    }
    switch (d) {
      case FLOAT32: b.asFloatBuffer().put(t.toFloatArray()); break;
      case FLOAT64: b.asDoubleBuffer().put(t.toDoubleArray()); break;
      case INT32: {
        long[] v = t.toLongArray();
        for (int i = 0; i < v.length; i++) {
          b.putInt(i * 4, (int) v[i]);
        }
        break;
      }
      case INT64: b.asLongBuffer().put(t.toLongArray()); break;
      case BOOL: {
        long[] v = t.toLongArray();
        for (int i = 0; i < v.length; i++) {
          b.put(i, (byte) (v[i] != 0 ? 1 : 0));
        }
        break;
      }
      default: throw new IllegalArgumentException("Npy.write: unsupported dtype " + d);
    }
    return b.array();
  }

  /** The longest header accepted (NumPy's own writers stay far below; its reader refuses 10,000 by default). */
  static final int MAX_HEADER = 1 << 20;
  /** Streams of unknown length are read in chunks of this size, so a lying header costs at most one chunk. */
  static final int CHUNK = 1 << 20;
  /** The most data bytes one array may have (a Java array's limit). */
  static final long MAX_DATA = Integer.MAX_VALUE - 8;
  /** The highest rank accepted (ND4J's limit). */
  static final int MAX_RANK = 32;

  /** Reads a tensor from a {@code .npy} file; sizes in the header are checked against the file's size. */
  public static Tensor read(Path path) throws IOException {
    long size = Files.size(path);
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
      return read(in, path.toString(), size);
    }
  }

  /** Reads one array from a stream positioned at its magic string; reads exactly the array's bytes. */
  public static Tensor read(InputStream in) throws IOException {
    return read(in, "stream", -1);
  }

  /** Reads one array from a stream (read in bounded chunks); {@code source} names it in errors. */
  public static Tensor read(InputStream in, String source) throws IOException {
    return read(in, source, -1);
  }

  /** Reads an array held in memory (a zip entry, a download); {@code source} names it in errors. */
  public static Tensor read(byte[] bytes, String source) throws IOException {
    return read(new java.io.ByteArrayInputStream(bytes), source, bytes.length);
  }

  /**
   * Reads one array; {@code length} is the number of bytes the source holds (-1 when unknown). Every size
   * the header claims is checked against that length, or read in bounded chunks, before anything of that
   * size is allocated. Errors are {@link IOException}s naming {@code source}.
   */
  private static Tensor read(InputStream raw, String source, long length) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    byte[] magic = new byte[6];
    if (in.readNBytes(magic, 0, 6) < 6) {
      throw new IOException(source + " is empty or truncated before the NPY header");
    }
    for (int i = 0; i < 6; i++) {
      if (magic[i] != MAGIC[i]) {
        throw new IOException(source + " is not an .npy file (bad magic string)");
      }
    }
    int major = readByte(in, source);
    readByte(in, source);
    long headerLen;
    int prefix;
    if (major == 1) {
      headerLen = readByte(in, source) | (readByte(in, source) << 8);
      prefix = 10;
    } else if (major == 2 || major == 3) {
      headerLen = 0;
      for (int i = 0; i < 4; i++) {
        headerLen |= (long) readByte(in, source) << (8 * i);
      }
      prefix = 12;
    } else {
      throw new IOException(source + " has unsupported .npy format version " + major + " (supported: 1, 2, 3)");
    }
    if (length >= 0 && prefix + headerLen > length) {
      throw new IOException(source + " is truncated or corrupt: header length " + headerLen
          + " is more than the " + (length - prefix) + " bytes after the header's length field");
    }
    if (headerLen > MAX_HEADER) {
      throw new IOException(source + " has header length " + headerLen + ", more than the " + MAX_HEADER
          + " bytes this reader accepts");
    }
    byte[] hb = readUpTo(in, (int) headerLen, length >= 0);
    if (hb.length < headerLen) {
      throw new IOException(source + " is truncated in its header: header length " + headerLen + " but only "
          + hb.length + " bytes follow");
    }
    String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    String descr = match(DESCR, header, "descr", source);
    boolean fortran = match(FORTRAN, header, "fortran_order", source).equals("True");
    String shapeText = match(SHAPE, header, "shape", source);
    long[] shape = parseShape(shapeText, source);
    Kind kind = kind(descr, source);
    long n = elements(shape, shapeText, source);
    long dataBytes = n > MAX_DATA / kind.width ? Long.MAX_VALUE : n * kind.width;
    String shapeStr = "(" + excerpt(shapeText) + ")";
    if (length >= 0 && dataBytes > length - prefix - headerLen) {
      throw new IOException(source + " is truncated: shape " + shapeStr + " of " + descr + " needs "
          + (dataBytes == Long.MAX_VALUE ? "more than " + MAX_DATA : String.valueOf(dataBytes)) + " data bytes, the file has "
          + (length - prefix - headerLen));
    }
    if (dataBytes > MAX_DATA) {
      throw new IOException(source + ": array of shape " + shapeStr + " is too large to load (more than "
          + MAX_DATA + " bytes)");
    }
    byte[] bytes = readUpTo(in, (int) dataBytes, length >= 0);
    if (bytes.length < dataBytes) {
      throw new IOException(source + " is truncated: shape " + shapeStr + " of " + descr + " needs " + dataBytes
          + " data bytes, found " + bytes.length);
    }
    char order = descr.charAt(0);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
    // Fortran order: read with the reversed shape, then transpose back
    // (an empty array has no order: ND4J cannot permute one)
    boolean transpose = fortran && shape.length > 1 && n > 0;
    long[] readShape = transpose ? reversed(shape) : shape;
    Tensor t = decode(kind.name, b, (int) n, readShape, source);
    if (transpose) {
      int[] perm = new int[shape.length];
      for (int i = 0; i < perm.length; i++) {
        perm[i] = perm.length - 1 - i;
      }
      t = Tensor.fromINDArray(t.array().permute(perm).dup('c'));
    }
    return t;
  }

  private static int readByte(DataInputStream in, String source) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new IOException(source + " is truncated before the end of the NPY header");
    }
    return b;
  }

  /**
   * Reads {@code n} bytes, or fewer if the stream ends first (the result is then shorter). Unless
   * {@code sizeChecked} (the source is known to hold them), reads in chunks of {@link #CHUNK}, so what is
   * allocated is never much more than what the stream holds.
   */
  static byte[] readUpTo(InputStream in, int n, boolean sizeChecked) throws IOException {
    if (sizeChecked || n <= CHUNK) {
      byte[] b = new byte[n];
      int got = in.readNBytes(b, 0, n);
      return got == n ? b : java.util.Arrays.copyOf(b, got);
    }
    List<byte[]> chunks = new ArrayList<>();
    long total = 0;
    while (total < n) {
      int want = (int) Math.min(CHUNK, n - total);
      byte[] c = new byte[want];
      int got = in.readNBytes(c, 0, want);
      chunks.add(got == want ? c : java.util.Arrays.copyOf(c, got));
      total += got;
      if (got < want) {
        break;
      }
    }
    byte[] out = new byte[(int) total];
    int at = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, out, at, c.length);
      at += c.length;
    }
    return out;
  }

  /** An element type: its name in {@link #decode} ("f4") and width in bytes. */
  private record Kind(String name, int width) {}

  private static final java.util.Map<String, Integer> WIDTHS = java.util.Map.of("f4", 4, "f8", 8, "i4", 4, "i8", 8,
      "b1", 1, "u1", 1, "i1", 1, "i2", 2, "u2", 2);

  private static Kind kind(String descr, String source) throws IOException {
    String k = !descr.isEmpty() && "<>|=".indexOf(descr.charAt(0)) >= 0 ? descr.substring(1) : null;
    Integer w = k == null ? null : WIDTHS.get(k);
    if (w == null) {
      throw new IOException(source + " has unsupported dtype '" + excerpt(descr)
          + "'; supported: f4, f8, i4, i8, b1 (and u1, i1, i2, u2 read as int32), with a byte order '<', '>', '|' or '='");
    }
    return new Kind(k, w);
  }

  /** The number of elements of {@code shape}; a product past {@link Long#MAX_VALUE} is an error. */
  private static long elements(long[] shape, String text, String source) throws IOException {
    if (shape.length > MAX_RANK) {
      throw new IOException(source + ": shape (" + excerpt(text) + ") has rank " + shape.length + ", more than "
          + MAX_RANK);
    }
    long n = 1;
    for (long d : shape) {
      if (d > Integer.MAX_VALUE) {
        throw new IOException(source + ": shape (" + excerpt(text) + ") has a dimension of " + d
            + ", more than an array can hold");
      }
      if (d != 0 && n > Long.MAX_VALUE / d) {
        // a zero later still makes it empty
        for (long e : shape) {
          if (e == 0) {
            return 0;
          }
        }
        throw new IOException(source + ": shape (" + excerpt(text) + ") has more elements than can be counted");
      }
      n *= d;
    }
    return n;
  }

  /** Header text for messages: one line, at most 120 characters. */
  static String excerpt(String s) {
    String one = s.strip().replaceAll("[\\p{Cntrl}]", "?");
    return one.length() <= 120 ? one : one.substring(0, 117) + "...";
  }

  private static Tensor decode(String kind, ByteBuffer b, int n, long[] shape, String source) throws IOException {
    boolean scalar = shape.length == 0;
    switch (kind) {
      case "f4": {
        float[] v = new float[n];
        b.asFloatBuffer().get(v);
        return scalar ? Tensor.scalar(v[0], DType.FLOAT32) : Tensor.of(v, shape);
      }
      case "f8": {
        double[] v = new double[n];
        b.asDoubleBuffer().get(v);
        return scalar ? Tensor.scalar(v[0], DType.FLOAT64) : Tensor.of(v, shape);
      }
      case "i8": {
        long[] v = new long[n];
        b.asLongBuffer().get(v);
        return scalar ? Tensor.scalar(v[0], DType.INT64) : Tensor.ofLongs(v, shape);
      }
      case "b1": {
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
          v[i] = b.get(i) != 0;
        }
        return scalar ? Tensor.scalar(v[0] ? 1 : 0, DType.BOOL) : Tensor.of(v, shape);
      }
      case "i4": case "u1": case "i1": case "i2": case "u2": {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
          v[i] = switch (kind) {
            case "i4" -> b.getInt(i * 4);
            case "u1" -> b.get(i) & 0xff;
            case "i1" -> b.get(i);
            case "i2" -> b.getShort(i * 2);
            default -> b.getShort(i * 2) & 0xffff;
          };
        }
        return scalar ? Tensor.scalar(v[0], DType.INT32) : Tensor.of(v, shape);
      }
      default:
        throw new IOException(source + " has unsupported dtype '" + kind + "'");
    }
  }

  private static String match(Pattern p, String header, String key, String source) throws IOException {
    Matcher m = p.matcher(header);
    if (!m.find()) {
      throw new IOException(source + " has a bad .npy header: no '" + key + "' in \"" + excerpt(header) + "\"");
    }
    return m.group(1);
  }

  private static long[] parseShape(String s, String source) throws IOException {
    List<Long> dims = new ArrayList<>();
    for (String part : s.split(",")) {
      String p = part.trim();
      if (!p.isEmpty()) {
        long d;
        try {
          d = Long.parseLong(p.endsWith("L") ? p.substring(0, p.length() - 1) : p);
        } catch (NumberFormatException e) {
          throw new IOException(source + " has a bad shape (" + excerpt(s) + "): '" + excerpt(p)
              + "' is not a whole number", e);
        }
        if (d < 0) {
          throw new IOException(source + " has a bad shape (" + excerpt(s) + "): negative dimension " + d);
        }
        dims.add(d);
      }
    }
    return dims.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] reversed(long[] a) {
    long[] r = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      r[i] = a[a.length - 1 - i];
    }
    return r;
  }
}

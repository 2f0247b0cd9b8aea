package dev.tapekit.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The arrays of a checkpoint: NumPy .npy version 1.0, little-endian float64, C order, streamed. Reading
 * is strict: the shape must be the one the caller expects (checked before the values are allocated) and
 * the entry must hold exactly its values.
 */
final class NpyDoubles {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** NumPy's own header for such an array, e.g. {@code {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }}. */
  private static final Pattern HEADER = Pattern.compile(
      "\\{'descr': *'<f8', *'fortran_order': *False, *'shape': *\\(([0-9, ]*)\\), *\\} *\\n?");
  private static final int CHUNK = 8192;

  private NpyDoubles() {}

  static void write(OutputStream out, double[] values, long[] shape) throws IOException {
    StringBuilder sh = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      sh.append(i > 0 ? ", " : "").append(shape[i]);
    }
    if (shape.length == 1) {
      sh.append(',');
    }
    String header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" + sh + "), }";
    int pad = (64 - (MAGIC.length + 4 + header.length() + 1) % 64) % 64;
    byte[] h = (header + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
    out.write(MAGIC);
    out.write(1);
    out.write(0);
    out.write(h.length & 0xff);
    out.write(h.length >> 8);
    out.write(h);
    ByteBuffer b = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      if (!b.hasRemaining()) {
        out.write(b.array(), 0, b.position());
        b.clear();
      }
      b.putDouble(v);
    }
    out.write(b.array(), 0, b.position());
  }

  /**
   * The values of an array of exactly {@code shape}.
   *
   * @param what names the entry in errors ({@code weights/0003.npy})
   */
  static double[] read(InputStream in, long[] shape, String what) throws IOException {
    byte[] pre = in.readNBytes(8);
    if (pre.length < 8 || !Arrays.equals(Arrays.copyOf(pre, 6), MAGIC)) {
      throw new IOException(what + " is not a .npy array");
    }
    int major = pre[6];
    long headerLen;
    if (major == 1) {
      byte[] l = in.readNBytes(2);
      if (l.length < 2) {
        throw new IOException(what + " is truncated in its .npy header");
      }
      headerLen = (l[0] & 0xff) | (l[1] & 0xff) << 8;
    } else if (major == 2) {
      byte[] l = in.readNBytes(4);
      if (l.length < 4) {
        throw new IOException(what + " is truncated in its .npy header");
      }
      headerLen = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    } else {
      throw new IOException(what + " has .npy version " + (major & 0xff) + "; checkpoints hold version 1 or 2");
    }
    if (headerLen > 4096) {
      throw new IOException(what + " has a .npy header of " + headerLen + " bytes; a checkpoint array's is under 4096");
    }
    byte[] hb = in.readNBytes((int) headerLen);
    if (hb.length < headerLen) {
      throw new IOException(what + " is truncated in its .npy header");
    }
    String header = new String(hb, StandardCharsets.US_ASCII);
    Matcher m = HEADER.matcher(header);
    if (!m.matches()) {
      throw new IOException(what + " is not a float64 C-order .npy array: header " + header.strip());
    }
    long[] got = parseShape(m.group(1), what);
    if (!Arrays.equals(got, shape)) {
      throw new IOException(what + " has shape " + dev.tapekit.layers.Config.shapeStr(got) + ", but the index says "
          + dev.tapekit.layers.Config.shapeStr(shape));
    }
    long n = Flat.count(shape);
    if (n > Integer.MAX_VALUE - 8) {
      throw new IOException(what + " of shape " + dev.tapekit.layers.Config.shapeStr(shape) + " is too large");
    }
    double[] out = new double[(int) n];
    byte[] buf = new byte[CHUNK];
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at < out.length) {
      int want = (int) Math.min(CHUNK / 8, out.length - at) * 8;
      int read = in.readNBytes(buf, 0, want);
      if (read < want) {
        throw new IOException(what + " is truncated: it holds " + (8L * at + read) + " bytes of data, shape "
            + dev.tapekit.layers.Config.shapeStr(shape) + " needs " + 8 * n);
      }
      b.clear();
      for (int i = 0; i < want / 8; i++) {
        out[at++] = b.getDouble();
      }
    }
    if (in.read() != -1) {
      throw new IOException(what + " holds more data than shape " + dev.tapekit.layers.Config.shapeStr(shape)
          + " needs (" + 8 * n + " bytes)");
    }
    return out;
  }

  private static long[] parseShape(String dims, String what) throws IOException {
    String[] parts = dims.split(",", -1);
    long[] out = new long[parts.length];
    int k = 0;
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].strip();
      if (p.isEmpty()) {
        if (i == parts.length - 1) {
          continue; // the trailing comma of (n,)
        }
        throw new IOException(what + " has a malformed .npy shape (" + dims + ")");
      }
      if (!p.matches("[0-9]{1,18}")) {
        throw new IOException(what + " has a malformed .npy shape (" + dims + ")");
      }
      out[k++] = Long.parseLong(p);
    }
    return Arrays.copyOf(out, k);
  }
}

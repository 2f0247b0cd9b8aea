package dev.tapekit.data;

import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed (detected from the
 * content, not the name). Unsigned-byte data of rank 1 are labels (int64); of higher rank, images as
 * float32 values 0..255. Other element types (int8, int16, int32, float, double) are read as float32.
 */
public final class IdxReader {
  private IdxReader() {}

  /** Reads a file: rank-1 data as int64 labels, anything else as float32 values. */
  public static Tensor read(Path path) throws IOException {
    // the shape is checked against the file's size, unless it is compressed (then read in bounded chunks)
    long size = Files.size(path);
    try (InputStream in = open(path)) {
      return read(in, path.toString(), in instanceof GzipStream ? -1 : size);
    }
  }

  /** Reads images as float32, divided by 255 when {@code scale}. */
  public static Tensor readImages(Path path, boolean scale) throws IOException {
    Tensor t = read(path);
    if (t.rank() < 2) {
      throw new IOException("IdxReader: " + path + " holds data of shape " + Shapes.str(t.shape())
          + ", not images (rank >= 2)");
    }
    // ND4J cannot divide an empty array
    return scale && t.size() > 0 ? Tensor.fromINDArray(t.array().div(255.0)) : t;
  }

  /** Reads labels as int64. */
  public static Tensor readLabels(Path path) throws IOException {
    Tensor t = read(path);
    if (t.rank() != 1) {
      throw new IOException("IdxReader: " + path + " holds data of shape " + Shapes.str(t.shape())
          + ", not labels (rank 1)");
    }
    return t;
  }

  /** Opens a file, transparently un-gzipping it when it starts with the gzip magic bytes. */
  static InputStream open(Path path) throws IOException {
    BufferedInputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
    if (isGzip(in)) {
      try {
        return new GzipStream(new GZIPInputStream(in, 1 << 16));
      } catch (IOException e) {
        in.close();
        throw new IOException(path + " starts like a gzip file but is not one: " + gzipProblem(e), e);
      }
    }
    return in;
  }

  private static boolean isGzip(BufferedInputStream in) throws IOException {
    if (in instanceof GzipStream) {
      return true;
    }
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b;
  }

  /** Decompressed data (its length is unknown until read). */
  private static final class GzipStream extends BufferedInputStream {
    GzipStream(InputStream in) {
      super(in, 1 << 16);
    }
  }

  /** What went wrong reading gzip data, in words (the JDK's EOFException has no message). */
  private static String gzipProblem(IOException e) {
    if (e instanceof EOFException) {
      return "its compressed data end too early (truncated)";
    }
    if (e instanceof java.util.zip.ZipException && e.getMessage() != null) {
      return "corrupt compressed data (" + e.getMessage() + ")";
    }
    return e.getMessage() == null || e.getMessage().isBlank() ? "corrupt compressed data" : e.getMessage();
  }

  /** Reads IDX data from a stream; {@code source} names it in errors. */
  public static Tensor read(InputStream raw, String source) throws IOException {
    return read(raw, source, -1);
  }

  /**
   * Reads IDX data from a stream of {@code length} bytes (-1 when unknown): a shape claiming more data than
   * the stream holds is refused before the data are allocated; streams of unknown length are read in
   * bounded chunks.
   */
  static Tensor read(InputStream raw, String source, long length) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    byte[] head = new byte[4];
    int got;
    try {
      got = in.readNBytes(head, 0, 4);
    } catch (IOException e) {
      throw new IOException(source + " cannot be read: " + gzipProblem(e), e);
    }
    if (got < 4) {
      throw new IOException(source + " is empty or truncated before the IDX header");
    }
    int zero = (head[0] & 0xff) << 8 | (head[1] & 0xff);
    int type = head[2] & 0xff;
    int rank = head[3] & 0xff;
    if (zero != 0 || rank == 0) {
      throw new IOException(source + " is not an IDX file (bad magic number)");
    }
    int width = switch (type) {
      case 0x08, 0x09 -> 1;
      case 0x0B -> 2;
      case 0x0C, 0x0D -> 4;
      case 0x0E -> 8;
      default -> throw new IOException(source + " has unknown IDX element type 0x" + Integer.toHexString(type)
          + " (known: 0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E)");
    };
    byte[] dims = readSome(in, 4 * rank, source);
    if (dims.length < 4 * rank) {
      throw new IOException(source + " is truncated in its IDX header: rank " + rank + " needs " + 4 * rank
          + " bytes of sizes, found " + dims.length);
    }
    if (rank > Npy.MAX_RANK) {
      throw new IOException(source + " has rank " + rank + ", more than " + Npy.MAX_RANK);
    }
    long[] shape = new long[rank];
    ByteBuffer db = ByteBuffer.wrap(dims);
    boolean empty = false;
    for (int i = 0; i < rank; i++) {
      shape[i] = db.getInt() & 0xffffffffL;
      empty |= shape[i] == 0;
    }
    long n = 1;
    for (long d : shape) {
      if (!empty && (d > Integer.MAX_VALUE || n > (Npy.MAX_DATA / width) / d)) {
        if (length >= 0) {
          throw new IOException(source + " is truncated or corrupt: shape " + Shapes.str(shape)
              + " needs more data bytes than the file's " + (length - 4 - 4L * rank));
        }
        throw new IOException(source + ": shape " + Shapes.str(shape) + " is too large to load");
      }
      n *= d;
    }
    if (empty) {
      n = 0;
    }
    long need = n * width;
    if (length >= 0 && need > length - 4 - 4L * rank) {
      throw new IOException(source + " is truncated: shape " + Shapes.str(shape) + " needs " + need
          + " data bytes, the file has " + (length - 4 - 4L * rank));
    }
    byte[] bytes = readSome(in, (int) need, source, length >= 0);
    if (bytes.length < need) {
      throw new IOException(source + " is truncated: shape " + Shapes.str(shape) + " needs " + need
          + " data bytes, found " + bytes.length);
    }
    if (type == 0x08 && rank == 1) {
      long[] labels = new long[(int) n];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = bytes[i] & 0xff;
      }
      return Tensor.ofLongs(labels, shape);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes); // IDX is big-endian, ByteBuffer's default
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = switch (type) {
        case 0x08 -> bytes[i] & 0xff;
        case 0x09 -> bytes[i];
        case 0x0B -> b.getShort(i * 2);
        case 0x0C -> b.getInt(i * 4);
        case 0x0D -> b.getFloat(i * 4);
        default -> (float) b.getDouble(i * 8);
      };
    }
    return Tensor.of(v, shape);
  }

  private static byte[] readSome(InputStream in, int n, String source) throws IOException {
    return readSome(in, n, source, false);
  }

  /** Up to {@code n} bytes (fewer at the end of the stream); corrupt gzip data is an error naming the file. */
  private static byte[] readSome(InputStream in, int n, String source, boolean sizeChecked) throws IOException {
    try {
      return Npy.readUpTo(in, n, sizeChecked);
    } catch (java.util.zip.ZipException | EOFException e) {
      throw new IOException(source + " cannot be read: " + gzipProblem(e), e);
    }
  }
}

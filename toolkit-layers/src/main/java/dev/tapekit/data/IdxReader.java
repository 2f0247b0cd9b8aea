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
    try (InputStream in = open(path)) {
      return read(in, path.toString());
    }
  }

  /** Reads images as float32, divided by 255 when {@code scale}. */
  public static Tensor readImages(Path path, boolean scale) throws IOException {
    Tensor t = read(path);
    if (t.rank() < 2) {
      throw new IOException("IdxReader: " + path + " holds data of shape " + Shapes.str(t.shape())
          + ", not images (rank >= 2)");
    }
    return scale ? Tensor.fromINDArray(t.array().div(255.0)) : t;
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
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
  }

  /** Reads IDX data from a stream; {@code source} names it in errors. */
  public static Tensor read(InputStream raw, String source) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    int zero;
    int type;
    int rank;
    try {
      zero = in.readUnsignedShort();
      type = in.readUnsignedByte();
      rank = in.readUnsignedByte();
    } catch (EOFException e) {
      throw new IOException("IdxReader: " + source + " is empty or truncated before the IDX header", e);
    }
    if (zero != 0 || rank == 0) {
      throw new IOException("IdxReader: " + source + " is not an IDX file (bad magic number)");
    }
    long[] shape = new long[rank];
    try {
      for (int i = 0; i < rank; i++) {
        shape[i] = in.readInt() & 0xffffffffL;
      }
    } catch (EOFException e) {
      throw new IOException("IdxReader: " + source + " is truncated in its IDX header: rank " + rank + " needs "
          + rank + " sizes", e);
    }
    long n = Shapes.size(shape);
    int width = switch (type) {
      case 0x08, 0x09 -> 1;
      case 0x0B -> 2;
      case 0x0C, 0x0D -> 4;
      case 0x0E -> 8;
      default -> throw new IOException("IdxReader: " + source + " has unknown element type 0x"
          + Integer.toHexString(type));
    };
    if (n * width > Integer.MAX_VALUE) {
      throw new IOException("IdxReader: " + source + " of shape " + Shapes.str(shape) + " is too large to load");
    }
    byte[] bytes = new byte[(int) (n * width)];
    try {
      in.readFully(bytes);
    } catch (EOFException e) {
      throw new IOException("IdxReader: " + source + " is truncated: shape " + Shapes.str(shape) + " needs "
          + bytes.length + " data bytes", e);
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
}

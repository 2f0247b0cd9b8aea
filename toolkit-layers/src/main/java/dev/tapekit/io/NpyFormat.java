package dev.tapekit.io;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** NumPy .npy for the weights inside model files: written as version 1.0, little-endian, C order. */
final class NpyFormat {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  private NpyFormat() {}

  static byte[] write(Tensor t) {
    String descr;
    int width;
    switch (t.dtype()) {
      case FLOAT32: descr = "<f4"; width = 4; break;
      case FLOAT64: descr = "<f8"; width = 8; break;
      case INT32: descr = "<i4"; width = 4; break;
      case INT64: descr = "<i8"; width = 8; break;
      default: descr = "|b1"; width = 1;
    }
    long[] shape = t.shape();
    StringBuilder sh = new StringBuilder();
    for (int i = 0; i < shape.length; i++) {
      sh.append(shape[i]).append(shape.length == 1 || i < shape.length - 1 ? "," : "");
    }
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + sh + "), }";
    int total = MAGIC.length + 4 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    int n = (int) t.size();
    ByteBuffer body = ByteBuffer.allocate(n * width).order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case FLOAT32: for (float f : t.toFloatArray()) body.putFloat(f); break;
      case FLOAT64: for (double d : t.toDoubleArray()) body.putDouble(d); break;
      case INT32: for (long l : t.toLongArray()) body.putInt((int) l); break;
      case INT64: for (long l : t.toLongArray()) body.putLong(l); break;
      default: for (long l : t.toLongArray()) body.put((byte) (l != 0 ? 1 : 0));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(total + pad + n * width);
    out.writeBytes(MAGIC);
    out.write(1);
    out.write(0);
    int hl = header.length();
    out.write(hl & 0xff);
    out.write(hl >> 8);
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body.array());
    return out.toByteArray();
  }

  /**
   * Reads an entry's bytes with the data package's reader, which checks every size in the header against
   * {@code b.length} before allocating; errors are IOExceptions naming {@code what}.
   */
  static Tensor read(byte[] b, String what) throws IOException {
    return dev.tapekit.data.Npy.read(b, what);
  }
}

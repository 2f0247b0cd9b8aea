package dev.tapekit.callbacks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * TFRecord framing, the container of TensorBoard's event files: {@code uint64 length}, {@code uint32
 * masked_crc32c(length)}, the data, {@code uint32 masked_crc32c(data)}, all little-endian. The mask is
 * TensorFlow's (rotate right by 15, add 0xa282ead8) so a CRC of data holding CRCs stays meaningful.
 */
final class TfRecord {
  private static final int MASK_DELTA = 0xa282ead8;

  private TfRecord() {}

  /** One framed record around {@code data}. */
  static byte[] frame(byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(data.length);
    b.putInt(maskedCrc32c(b.array(), 0, 8));
    b.put(data);
    b.putInt(maskedCrc32c(data, 0, data.length));
    return b.array();
  }

  /** CRC-32C (Castagnoli) of the bytes, masked as TFRecord stores it. */
  static int maskedCrc32c(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }
}

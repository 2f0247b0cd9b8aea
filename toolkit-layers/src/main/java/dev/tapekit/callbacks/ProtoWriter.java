package dev.tapekit.callbacks;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few protobuf wire-format pieces TensorBoard's event files need, written by hand (no protobuf
 * dependency): varints (wire type 0), fixed64 doubles (1), and length-delimited bytes, strings and
 * sub-messages (2). Scalar fields holding their default (0, "") are left out, as
 * proto3 serializers do; a sub-message is always written, even empty, as a set field is.
 */
final class ProtoWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ProtoWriter varint(int field, long value) {
    if (value != 0) {
      tag(field, 0);
      rawVarint(value);
    }
    return this;
  }

  ProtoWriter fixed64Double(int field, double value) {
    if (value != 0) {
      tag(field, 1);
      rawLittleEndian(Double.doubleToRawLongBits(value), 8);
    }
    return this;
  }

  ProtoWriter string(int field, String value) {
    return value.isEmpty() ? this : bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** A bytes field, or a sub-message given as its encoding (written even when empty). */
  ProtoWriter bytes(int field, byte[] value) {
    tag(field, 2);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void tag(int field, int wireType) {
    rawVarint(((long) field << 3) | wireType);
  }

  private void rawVarint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void rawLittleEndian(long bits, int bytes) {
    for (int i = 0; i < bytes; i++) {
      out.write((int) (bits >>> (8 * i)) & 0xFF);
    }
  }
}

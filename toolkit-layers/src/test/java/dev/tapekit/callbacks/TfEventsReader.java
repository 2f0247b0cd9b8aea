package dev.tapekit.callbacks;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A reader written from the TFRecord and protobuf specifications, sharing no code with the writer: its own
 * bitwise CRC-32C, its own wire-format decoder. Fails on a bad length CRC, data CRC or truncated record.
 */
final class TfEventsReader {
  /** One decoded Event; a summary event holds one value, as tf.summary writes them. */
  record Event(double wallTime, long step, String fileVersion, String tag, String plugin, int dtype, List<Long> shape,
      byte[] content) {
    float floatValue() {
      return ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN).getFloat();
    }

    double[] doubles() {
      ByteBuffer b = ByteBuffer.wrap(content).order(ByteOrder.LITTLE_ENDIAN);
      double[] d = new double[content.length / 8];
      for (int i = 0; i < d.length; i++) {
        d[i] = b.getDouble();
      }
      return d;
    }
  }

  private TfEventsReader() {}

  /** Castagnoli CRC, bit by bit (reflected polynomial 0x82F63B78). */
  static int crc32c(byte[] b, int off, int len) {
    int crc = ~0;
    for (int i = off; i < off + len; i++) {
      crc ^= b[i] & 0xFF;
      for (int k = 0; k < 8; k++) {
        crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
      }
    }
    return ~crc;
  }

  static int masked(int crc) {
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  /** The records' payloads, each checked against its two CRCs. */
  static List<byte[]> records(byte[] file) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    while (b.hasRemaining()) {
      if (b.remaining() < 12) {
        throw new IllegalStateException("truncated record header at " + b.position());
      }
      int start = b.position();
      long len = b.getLong();
      int lenCrc = b.getInt();
      if (lenCrc != masked(crc32c(file, start, 8))) {
        throw new IllegalStateException("bad length CRC at " + start);
      }
      if (b.remaining() < len + 4) {
        throw new IllegalStateException("truncated record at " + start);
      }
      byte[] data = new byte[(int) len];
      b.get(data);
      if (b.getInt() != masked(crc32c(data, 0, data.length))) {
        throw new IllegalStateException("bad data CRC at " + start);
      }
      out.add(data);
    }
    return out;
  }

  static List<Event> read(Path file) throws IOException {
    List<Event> events = new ArrayList<>();
    for (byte[] r : records(Files.readAllBytes(file))) {
      events.add(event(r));
    }
    return events;
  }

  static Event event(byte[] data) {
    Map<Integer, List<Object>> e = fields(data);
    double wall = Double.longBitsToDouble((Long) first(e, 1, 0L));
    long step = (Long) first(e, 2, 0L);
    String version = str(first(e, 3, new byte[0]));
    if (!e.containsKey(5)) {
      return new Event(wall, step, version, null, null, 0, List.of(), new byte[0]);
    }
    List<Object> values = fields((byte[]) first(e, 5, null)).get(1);
    if (values.size() != 1) {
      throw new IllegalStateException("expected one value per summary, got " + values.size());
    }
    Map<Integer, List<Object>> v = fields((byte[]) values.get(0));
    Map<Integer, List<Object>> tensor = fields((byte[]) first(v, 8, new byte[0]));
    List<Long> shape = new ArrayList<>();
    for (Object dim : fields((byte[]) first(tensor, 2, new byte[0])).getOrDefault(2, List.of())) {
      shape.add((Long) first(fields((byte[]) dim), 1, 0L));
    }
    Map<Integer, List<Object>> meta = fields((byte[]) first(v, 9, new byte[0]));
    String plugin = str(first(fields((byte[]) first(meta, 1, new byte[0])), 1, new byte[0]));
    return new Event(wall, step, version, str(first(v, 1, new byte[0])), plugin,
        ((Long) first(tensor, 1, 0L)).intValue(), shape, (byte[]) first(tensor, 4, new byte[0]));
  }

  private static Object first(Map<Integer, List<Object>> m, int field, Object dflt) {
    List<Object> l = m.get(field);
    return l == null ? dflt : l.get(0);
  }

  private static String str(Object bytes) {
    return new String((byte[]) bytes, StandardCharsets.UTF_8);
  }

  /** Field number to values: varints and fixed64 as Long, fixed32 as Integer, length-delimited as byte[]. */
  static Map<Integer, List<Object>> fields(byte[] msg) {
    Map<Integer, List<Object>> out = new LinkedHashMap<>();
    int[] pos = {0};
    while (pos[0] < msg.length) {
      long key = varint(msg, pos);
      int field = (int) (key >>> 3);
      Object value;
      switch ((int) (key & 7)) {
        case 0 -> value = varint(msg, pos);
        case 1 -> {
          value = ByteBuffer.wrap(msg, pos[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
          pos[0] += 8;
        }
        case 2 -> {
          int len = (int) varint(msg, pos);
          byte[] b = new byte[len];
          System.arraycopy(msg, pos[0], b, 0, len);
          pos[0] += len;
          value = b;
        }
        case 5 -> {
          value = ByteBuffer.wrap(msg, pos[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
          pos[0] += 4;
        }
        default -> throw new IllegalStateException("wire type " + (key & 7) + " at " + pos[0]);
      }
      out.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
  }
}

package dev.tapekit.callbacks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code tensorboard.Event} messages the TensorBoard callback writes, encoded as TensorFlow 2's
 * summary writer encodes them (what Keras 3's callback produces through {@code tf.summary}):
 *
 * <pre>
 * Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
 * Summary { repeated Value value = 1; }
 * Value   { string tag = 1; TensorProto tensor = 8; SummaryMetadata metadata = 9; }
 * TensorProto { DataType dtype = 1; TensorShapeProto tensor_shape = 2; bytes tensor_content = 4; }
 * TensorShapeProto { repeated Dim dim = 2; }  Dim { int64 size = 1; }
 * SummaryMetadata { PluginData plugin_data = 1; }  PluginData { string plugin_name = 1; }
 * </pre>
 *
 * A scalar is a DT_FLOAT tensor of shape [] under the "scalars" plugin ({@code tf.summary.scalar}); a
 * histogram a DT_DOUBLE tensor of shape [k, 3] holding (left edge, right edge, count) rows under the
 * "histograms" plugin ({@code tf.summary.histogram}). The plugins' content (a version 0 message) encodes
 * to nothing.
 */
final class TensorBoardEvents {
  /** tf.summary.histogram's default bucket count. */
  static final int HISTOGRAM_BUCKETS = 30;
  private static final int DT_FLOAT = 1;
  private static final int DT_DOUBLE = 2;

  private TensorBoardEvents() {}

  /** The first event of every file. */
  static byte[] fileVersion(double wallTime) {
    return new ProtoWriter().fixed64Double(1, wallTime).string(3, "brain.Event:2").toByteArray();
  }

  static byte[] scalar(double wallTime, long step, String tag, double value) {
    byte[] content = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat((float) value).array();
    return summary(wallTime, step, tag, tensor(DT_FLOAT, new long[0], content), "scalars");
  }

  /** A histogram of {@code data} in {@link #HISTOGRAM_BUCKETS} buckets. */
  static byte[] histogram(double wallTime, long step, String tag, double[] data) {
    double[] rows = buckets(data, HISTOGRAM_BUCKETS);
    ByteBuffer content = ByteBuffer.allocate(rows.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : rows) {
      content.putDouble(v);
    }
    return summary(wallTime, step, tag, tensor(DT_DOUBLE, new long[] {rows.length / 3, 3}, content.array()),
        "histograms");
  }

  /**
   * TensorBoard's {@code summary_v2._buckets}, row-major [count, 3]: equal-width buckets from min to max
   * (the last edge exactly max, values on it counted in the last bucket); a single distinct value puts
   * every count in the last bucket with both edges at the value; no data gives zero rows.
   */
  static double[] buckets(double[] data, int count) {
    double[] rows = new double[count * 3];
    if (data.length == 0) {
      return rows;
    }
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    double range = max - min;
    if (range == 0) {
      for (int i = 0; i < count; i++) {
        rows[3 * i] = max;
        rows[3 * i + 1] = max;
      }
      rows[3 * count - 1] = data.length;
      return rows;
    }
    double width = range / count;
    for (double v : data) {
      int i = Math.min((int) Math.floor((v - min) / width), count - 1);
      rows[3 * i + 2]++;
    }
    for (int i = 0; i < count; i++) {
      // edges as tf.linspace computes them: start + i * step
      rows[3 * i] = min + i * width;
      rows[3 * i + 1] = i == count - 1 ? max : min + (i + 1) * width;
    }
    return rows;
  }

  private static ProtoWriter tensor(int dtype, long[] shape, byte[] content) {
    ProtoWriter dims = new ProtoWriter();
    for (long d : shape) {
      dims.message(2, new ProtoWriter().varint(1, d));
    }
    return new ProtoWriter().varint(1, dtype).message(2, dims).bytes(4, content);
  }

  private static byte[] summary(double wallTime, long step, String tag, ProtoWriter tensor, String plugin) {
    ProtoWriter metadata = new ProtoWriter().message(1, new ProtoWriter().string(1, plugin));
    ProtoWriter value = new ProtoWriter().string(1, tag).message(8, tensor).message(9, metadata);
    return new ProtoWriter().fixed64Double(1, wallTime).varint(2, step)
        .message(5, new ProtoWriter().message(1, value)).toByteArray();
  }
}

package dev.tapekit.metrics;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link IoU} of two classes with predictions thresholded ({@code keras.metrics.BinaryIoU}): a prediction
 * at or above {@code threshold} (0.5) is class 1; {@code target_class_ids} defaults to both.
 */
public final class BinaryIoU extends IoUBase {
  private final double threshold;

  /** Named "binary_io_u", both classes, threshold 0.5. */
  public BinaryIoU() {
    this(builder().args());
  }

  private BinaryIoU(MetricArgs a) {
    super(a, 2, a.indices("target_class_ids", 2), true, true);
    this.threshold = a.number("threshold");
  }

  @Override
  INDArray predictedIds(INDArray yPred) {
    // Keras compares in float32
    return yPred.castTo(DataType.FLOAT).gte(threshold).castTo(DataType.DOUBLE);
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = configOf(List.of("name", "target_class_ids"));
    c.put("threshold", threshold);
    return c;
  }

  /** A builder with Keras's arguments. */
  public static IoUBase.Builder<BinaryIoU> builder() {
    return new IoUBase.Builder<>("BinaryIoU", "binary_io_u", BinaryIoU::new, "target_class_ids", List.of(0, 1),
        "threshold", 0.5);
  }
}

package dev.tapekit.metrics;

import java.util.List;
import java.util.Map;

/**
 * {@link IoU} for one-hot labels ({@code keras.metrics.OneHotIoU}): labels and (unless
 * {@code sparse_y_pred}) predictions are reduced by argmax along {@code axis}.
 */
public final class OneHotIoU extends IoUBase {
  private OneHotIoU(MetricArgs a) {
    super(a, a.integer("num_classes", 1, false), a.indices("target_class_ids", a.integer("num_classes", 1, false)),
        false, a.bool("sparse_y_pred"));
  }

  @Override
  public Map<String, Object> getConfig() {
    return configOf(List.of("name", "num_classes", "target_class_ids", "ignore_class", "sparse_y_pred", "axis"));
  }

  /** A builder with Keras's arguments; {@code num_classes} and {@code target_class_ids} are required. */
  public static IoUBase.Builder<OneHotIoU> builder() {
    return new IoUBase.Builder<>("OneHotIoU", "one_hot_io_u", OneHotIoU::new, "num_classes", MetricBuilder.REQUIRED,
        "target_class_ids", MetricBuilder.REQUIRED, "ignore_class", null, "sparse_y_pred", false, "axis", -1);
  }
}

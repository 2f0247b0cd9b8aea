package dev.tapekit.metrics;

import java.util.Map;

/**
 * The mean intersection-over-union of chosen classes ({@code keras.metrics.IoU}):
 * {@code IoU.builder().numClasses(2).targetClassIds(0).build()}. See {@link IoUBase}.
 */
public final class IoU extends IoUBase {
  private IoU(MetricArgs a) {
    super(a, a.integer("num_classes", 1, false), a.indices("target_class_ids", a.integer("num_classes", 1, false)),
        a.bool("sparse_y_true"), a.bool("sparse_y_pred"));
  }

  @Override
  public Map<String, Object> getConfig() {
    return fullConfig();
  }

  /** A builder with Keras's arguments; {@code num_classes} and {@code target_class_ids} are required. */
  public static IoUBase.Builder<IoU> builder() {
    return new IoUBase.Builder<>("IoU", "io_u", IoU::new, "num_classes", MetricBuilder.REQUIRED,
        "target_class_ids", MetricBuilder.REQUIRED, "ignore_class", null, "sparse_y_true", true,
        "sparse_y_pred", true, "axis", -1);
  }
}

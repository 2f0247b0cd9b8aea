package dev.tapekit.metrics;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/** {@link MeanIoU} for one-hot labels ({@code keras.metrics.OneHotMeanIoU}); see {@link OneHotIoU}. */
public final class OneHotMeanIoU extends IoUBase {
  private OneHotMeanIoU(MetricArgs a) {
    super(a, a.integer("num_classes", 1, false), IntStream.range(0, a.integer("num_classes", 1, false)).toArray(),
        false, a.bool("sparse_y_pred"));
  }

  @Override
  public Map<String, Object> getConfig() {
    return configOf(List.of("name", "num_classes", "ignore_class", "sparse_y_pred", "axis"));
  }

  /** A builder with Keras's arguments; {@code num_classes} is required. */
  public static IoUBase.Builder<OneHotMeanIoU> builder() {
    return new IoUBase.Builder<>("OneHotMeanIoU", "one_hot_mean_io_u", OneHotMeanIoU::new,
        "num_classes", MetricBuilder.REQUIRED, "ignore_class", null, "sparse_y_pred", false, "axis", -1);
  }
}

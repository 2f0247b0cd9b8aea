package dev.tapekit.metrics;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The intersection-over-union averaged over all {@code num_classes} classes that occur
 * ({@code keras.metrics.MeanIoU}): {@code MeanIoU.builder().numClasses(3).build()}. See {@link IoUBase}.
 */
public final class MeanIoU extends IoUBase {
  /** Named "mean_io_u" (Keras's default name) over {@code numClasses} classes. */
  public MeanIoU(int numClasses) {
    this(builder().numClasses(numClasses).args());
  }

  private MeanIoU(MetricArgs a) {
    super(a, a.integer("num_classes", 1, false), IntStream.range(0, a.integer("num_classes", 1, false)).toArray(),
        a.bool("sparse_y_true"), a.bool("sparse_y_pred"));
  }

  @Override
  public Map<String, Object> getConfig() {
    return configOf(List.of("name", "num_classes", "ignore_class", "sparse_y_true", "sparse_y_pred", "axis"));
  }

  /** A builder with Keras's arguments; {@code num_classes} is required. */
  public static IoUBase.Builder<MeanIoU> builder() {
    return new IoUBase.Builder<>("MeanIoU", "mean_io_u", MeanIoU::new, "num_classes", MetricBuilder.REQUIRED,
        "ignore_class", null, "sparse_y_true", true, "sparse_y_pred", true, "axis", -1);
  }
}

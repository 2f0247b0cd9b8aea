package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/** Keras's Average: the element-wise mean of inputs of one shape (their sum divided by their count). */
public final class Average extends ElementwiseMerge {
  public Average() {
    this(builder());
  }

  private Average(ElementwiseMerge.Builder<Average> b) {
    super(b, Ops::add);
  }

  @Override
  public Tensor call(List<Tensor> inputs, boolean training) {
    return Ops.divide(super.call(inputs, training), inputs.size());
  }

  public static Average fromConfig(Map<String, Object> c) {
    return builder().fromConfig(c);
  }

  public static ElementwiseMerge.Builder<Average> builder() {
    return new ElementwiseMerge.Builder<>(Average::new);
  }
}

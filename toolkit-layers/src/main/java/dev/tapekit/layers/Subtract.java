package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import java.util.List;
import java.util.Map;

/** Keras's Subtract: the first of exactly two inputs of one shape minus the second. */
public final class Subtract extends ElementwiseMerge {
  public Subtract() {
    this(builder());
  }

  private Subtract(ElementwiseMerge.Builder<Subtract> b) {
    super(b, Ops::subtract);
  }

  @Override
  protected void checkShapes(List<long[]> shapes) {
    if (shapes.size() != 2) {
      throw new IllegalArgumentException("Layer \"" + name() + "\" should be called on exactly 2 inputs. Received: "
          + "input_shape=" + shapes(shapes));
    }
    super.checkShapes(shapes);
  }

  public static Subtract fromConfig(Map<String, Object> c) {
    return builder().fromConfig(c);
  }

  public static ElementwiseMerge.Builder<Subtract> builder() {
    return new ElementwiseMerge.Builder<>(Subtract::new);
  }
}

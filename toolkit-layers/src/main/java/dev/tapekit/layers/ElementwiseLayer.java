package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.util.List;

/** A layer whose output has its input's shape (the activation layers): only {@link #activate} differs. */
abstract class ElementwiseLayer extends Layer {
  ElementwiseLayer(Layer.Builder<?> b) {
    super(b);
  }

  /** The layer's function of one (already cast) input. */
  abstract Tensor activate(Tensor x);

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return activate(castInput(inputs));
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    return shapes.get(0).clone();
  }
}

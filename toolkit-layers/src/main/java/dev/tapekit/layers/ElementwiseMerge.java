package dev.tapekit.layers;

import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * Keras's element-wise merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum): inputs of one
 * shape folded pairwise with one op. Each Keras class is a small subclass, so configs and summaries name it.
 */
public abstract class ElementwiseMerge extends Merge {
  private final BinaryOperator<Tensor> op;

  protected ElementwiseMerge(Layer.Builder<?> b, BinaryOperator<Tensor> op) {
    super(b);
    this.op = op;
  }

  @Override
  protected void checkShapes(List<long[]> shapes) {
    long[] first = shapes.get(0);
    for (long[] s : shapes) {
      boolean ok = s.length == first.length;
      for (int i = 1; ok && i < s.length; i++) {
        ok = s[i] == first[i] || s[i] < 0 || first[i] < 0;
      }
      if (!ok) {
        throw new IllegalArgumentException("Layer \"" + name() + "\": inputs must have the same shape. Received: "
            + "input_shape=" + shapes(shapes));
      }
    }
  }

  @Override
  public Tensor call(List<Tensor> inputs, boolean training) {
    Tensor out = inputs.get(0);
    for (int i = 1; i < inputs.size(); i++) {
      out = op.apply(out, inputs.get(i));
    }
    return out;
  }

  @Override
  protected long[] mergedShape(List<long[]> shapes) {
    return shapes.get(0).clone();
  }

  /** The builder every element-wise merge layer uses: only the common arguments. */
  public static final class Builder<L extends ElementwiseMerge> extends Layer.Builder<Builder<L>> {
    private final Function<Builder<L>, L> make;

    Builder(Function<Builder<L>, L> make) {
      this.make = make;
    }

    public L build() {
      return make.apply(this);
    }

    L fromConfig(Map<String, Object> c) {
      return baseConfig(c).build();
    }
  }
}

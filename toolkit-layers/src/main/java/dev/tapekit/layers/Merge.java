package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;

/** Shared checks of the merge layers (Add, Concatenate): at least two inputs. */
public abstract class Merge extends Layer {
  protected Merge(Layer.Builder<?> b) {
    super(b);
  }

  @Override
  public void build(long[] inputShape) {
    throw new IllegalArgumentException("A merge layer should be called on a list of inputs. Received: input_shape="
        + Config.shapeStr(inputShape) + " (not a list of shapes)");
  }

  @Override
  public void build(List<long[]> shapes) {
    if (shapes.size() < 2) {
      throw new IllegalArgumentException("A merge layer should be called on a list of at least 2 inputs. Got "
          + shapes.size() + " inputs.");
    }
    checkShapes(shapes);
  }

  /** Throws when the input shapes cannot be merged. */
  protected abstract void checkShapes(List<long[]> shapes);

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    throw new IllegalArgumentException("Layer \"" + name() + "\" should be called on a list of inputs");
  }

  @Override
  public abstract Tensor call(List<Tensor> inputs, boolean training);

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    checkShapes(shapes);
    return mergedShape(shapes);
  }

  @Override
  public boolean supportsMasking() {
    return true;
  }

  /** Keras's {@code Merge.compute_mask}: a position counts where every masked input counts. */
  @Override
  public Tensor computeMask(List<Tensor> inputs, List<Tensor> masks) {
    Tensor out = null;
    for (Tensor m : masks) {
      if (m != null) {
        out = out == null ? m : Ops.logicalAnd(out, m);
      }
    }
    return out;
  }

  /** The output shape of valid inputs. */
  protected abstract long[] mergedShape(List<long[]> shapes);

  static String shapes(List<long[]> shapes) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < shapes.size(); i++) {
      sb.append(i > 0 ? ", " : "").append(Config.shapeStr(shapes.get(i)));
    }
    return sb.append(']').toString();
  }
}

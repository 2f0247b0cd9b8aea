package dev.tapekit.data;

import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** {@link Pipeline#batch}: stacks consecutive elements along a new first axis. */
final class Batcher extends Pipeline.Passing {
  private final int size;
  private final boolean dropRemainder;
  private long seen;
  private Batch next;

  Batcher(SourceIterator up, int size, boolean dropRemainder) {
    super(up);
    this.size = size;
    this.dropRemainder = dropRemainder;
  }

  @Override
  public boolean hasNext() {
    if (next == null) {
      next = read();
    }
    return next != null;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Batch b = next;
    next = null;
    return b;
  }

  private Batch read() {
    List<Batch> elements = new ArrayList<>(size);
    while (elements.size() < size && up.hasNext()) {
      elements.add(up.next());
    }
    if (elements.isEmpty() || (dropRemainder && elements.size() < size)) {
      return null;
    }
    Batch first = elements.get(0);
    Tensor x = stack(elements, true, 0);
    Tensor y = first.y() == null ? null : stack(elements, false, 1);
    seen += elements.size();
    return new Batch(x, y);
  }

  private Tensor stack(List<Batch> elements, boolean inputs, int component) {
    long[] shape = part(elements.get(0), inputs).shape();
    INDArray[] rows = new INDArray[elements.size()];
    for (int i = 0; i < rows.length; i++) {
      Tensor t = part(elements.get(i), inputs);
      if (t == null || !java.util.Arrays.equals(t.shape(), shape)) {
        // tf.data's message
        throw new IllegalArgumentException("Pipeline.batch: Cannot batch tensors with different shapes in component "
            + component + ". First element had shape " + Shapes.str(shape) + " and element " + (seen + i)
            + " had shape " + (t == null ? "None" : Shapes.str(t.shape())) + ".");
      }
      long[] one = new long[shape.length + 1];
      one[0] = 1;
      System.arraycopy(shape, 0, one, 1, shape.length);
      rows[i] = t.array().reshape('c', one);
    }
    return Tensor.fromINDArray(Nd4j.concat(0, rows));
  }

  private static Tensor part(Batch b, boolean inputs) {
    return inputs ? b.x() : b.y();
  }
}

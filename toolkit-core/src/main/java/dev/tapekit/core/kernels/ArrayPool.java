package dev.tapekit.core.kernels;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-thread free lists of arrays by dtype and shape, refilled when a {@code TensorScope} closes.
 *
 * <p>NOTE: allocating an ND4J array and later freeing it costs 10-20 us on the development VM (shape
 * information, JavaCPP deallocator registration, malloc), which for a small training step is more than
 * the arithmetic. A training loop allocates the same shapes in the same order every step, so the
 * arrays one step's scope releases serve the next step's outputs. Only shapes some kernel asked for are
 * kept; everything else is freed at once, and the pool holds at most {@link #MAX_BYTES} per thread.
 */
public final class ArrayPool {
  /** Upper bound of pooled memory per thread; beyond it released arrays are freed. */
  public static final long MAX_BYTES = 64L << 20;
  private static final int MAX_PER_SHAPE = 16;

  private static final ThreadLocal<ArrayPool> POOLS = ThreadLocal.withInitial(ArrayPool::new);

  private final HashMap<Key, ArrayDeque<INDArray>> free = new HashMap<>();
  private long bytes;

  private ArrayPool() {}

  /** A row-major array of this dtype and shape with undefined contents, recycled when possible. */
  public static INDArray take(DataType dtype, long[] shape) {
    return POOLS.get().takeHere(dtype, shape);
  }

  /**
   * Gives back an array nobody uses any more (its scope closed): kept for reuse when its shape is in
   * demand, else freed now.
   */
  public static void give(INDArray a) {
    POOLS.get().giveHere(a);
  }

  private static final boolean OFF = Boolean.getBoolean("tapekit.debug.noPool");

  private INDArray takeHere(DataType dtype, long[] shape) {
    if (OFF) {
      return Nd4j.createUninitialized(dtype, shape, 'c');
    }
    Key key = new Key(dtype, shape);
    ArrayDeque<INDArray> list = free.get(key);
    if (list == null) { // first demand for this shape: from now on released arrays of it are kept
      list = new ArrayDeque<>();
      free.put(new Key(dtype, shape.clone()), list);
    }
    INDArray a = list.pollLast();
    if (a != null) {
      bytes -= sizeOf(a);
      return a;
    }
    return Nd4j.createUninitialized(dtype, shape, 'c');
  }

  private void giveHere(INDArray a) {
    if (a.isView() || a.wasClosed()) {
      return;
    }
    ArrayDeque<INDArray> list = a.ordering() == 'c' && !a.isAttached()
        ? free.get(new Key(a.dataType(), a.shape())) : null;
    long size = sizeOf(a);
    if (list == null || list.size() >= MAX_PER_SHAPE || bytes + size > MAX_BYTES) {
      if (a.closeable()) {
        a.close();
      }
      return;
    }
    list.addLast(a);
    bytes += size;
  }

  private static long sizeOf(INDArray a) {
    return a.length() * a.dataType().width();
  }

  private record Key(DataType dtype, long[] shape) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.dtype == dtype && Arrays.equals(k.shape, shape);
    }

    @Override
    public int hashCode() {
      return dtype.hashCode() * 31 + Arrays.hashCode(shape);
    }
  }
}

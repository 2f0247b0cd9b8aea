package dev.tapekit.data;

import dev.tapekit.core.DType;
import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * An in-memory dataset of inputs {@code x} and targets {@code y} sharing their first (sample) axis,
 * like the arrays given to Keras's {@code fit}. Immutable: shuffle, split and take return new datasets.
 * {@code y} may be null for unlabelled data (prediction).
 */
public final class Dataset implements BatchSource {
  private final Tensor x;
  private final Tensor y;
  private final int defaultBatchSize;

  private Dataset(Tensor x, Tensor y, int defaultBatchSize) {
    this.x = x;
    this.y = y;
    this.defaultBatchSize = defaultBatchSize;
  }

  /** A dataset of inputs and targets with the same number of samples (first dimension). */
  public static Dataset of(Tensor x, Tensor y) {
    if (x == null) {
      throw new IllegalArgumentException("Dataset: x is null");
    }
    if (x.rank() == 0) {
      throw new IllegalArgumentException("Dataset: x must have a sample axis, got a scalar");
    }
    if (y != null && (y.rank() == 0 || y.shape()[0] != x.shape()[0])) {
      throw new IllegalArgumentException("Dataset: x and y must have the same number of samples, got x of shape "
          + Shapes.str(x.shape()) + " and y of shape " + Shapes.str(y.shape()));
    }
    return new Dataset(x, y, 32);
  }

  /** An unlabelled dataset (y is null). */
  public static Dataset of(Tensor x) {
    return of(x, null);
  }

  /** The inputs. */
  public Tensor x() {
    return x;
  }

  /** The targets, or null. */
  public Tensor y() {
    return y;
  }

  /** The number of samples. */
  public long size() {
    return x.shape()[0];
  }

  /** The samples in a seeded random order; the same seed gives the same order. */
  public Dataset shuffle(long seed) {
    long n = size();
    if (n > Integer.MAX_VALUE) {
      throw new IllegalStateException("Dataset.shuffle: too many samples (" + n + ")");
    }
    long[] perm = permutation((int) n, seed);
    return new Dataset(gatherRows(x, perm), y == null ? null : gatherRows(y, perm), defaultBatchSize);
  }

  /** A seeded Fisher-Yates permutation of 0..n-1. */
  static long[] permutation(int n, long seed) {
    long[] p = new long[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      long t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static Tensor gatherRows(Tensor t, long[] rows) {
    if (rows.length == 0) {
      return t;
    }
    INDArray idx = Nd4j.createFromArray(rows);
    INDArray out = Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder("gather")
        .addInputs(t.array(), idx).addIntegerArguments(0).build())[0];
    return Tensor.fromINDArray(out);
  }

  /**
   * Consecutive batches of {@code batchSize} samples; the last one is smaller unless
   * {@code dropRemainder}, which drops it.
   */
  public List<Batch> batches(int batchSize, boolean dropRemainder) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("Dataset.batches: batch size must be >= 1, got " + batchSize);
    }
    long n = size();
    List<Batch> out = new ArrayList<>();
    for (long start = 0; start < n; start += batchSize) {
      long end = Math.min(n, start + batchSize);
      if (dropRemainder && end - start < batchSize) {
        break;
      }
      out.add(new Batch(rows(x, start, end), y == null ? null : rows(y, start, end)));
    }
    return Collections.unmodifiableList(out);
  }

  /** Batches of 32, the remainder kept (Keras's default batch size). */
  @Override
  public Iterator<Batch> iterator() {
    return batches(defaultBatchSize, false).iterator();
  }

  /** The number of batches of {@link #iterator()}. */
  @Override
  public long cardinality() {
    return (size() + defaultBatchSize - 1) / defaultBatchSize;
  }

  /** Each pass copies its batches out of the dataset. */
  @Override
  public boolean freshBatches() {
    return true;
  }

  /**
   * Splits off the last {@code fraction} of samples, unshuffled, as Keras's {@code validation_split}:
   * returns {first (1 - fraction), last fraction}. The split index is floor(n * (1 - fraction)).
   */
  public Dataset[] split(double fraction) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("Dataset.split: fraction must be in (0, 1), got " + fraction);
    }
    long n = size();
    long at = (long) Math.floor(n * (1.0 - fraction));
    if (at == 0 || at == n) {
      throw new IllegalArgumentException("Dataset.split: fraction " + fraction + " of " + n
          + " samples leaves one part empty");
    }
    return new Dataset[] {slice(0, at), slice(at, n)};
  }

  /** The first {@code n} samples (all of them when n >= size). */
  public Dataset take(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("Dataset.take: n must be >= 0, got " + n);
    }
    return n >= size() ? this : slice(0, n);
  }

  /** Samples [start, end). */
  public Dataset slice(long start, long end) {
    if (start < 0 || end > size() || start > end) {
      throw new IllegalArgumentException("Dataset.slice: [" + start + ", " + end + ") is out of range for "
          + size() + " samples");
    }
    return new Dataset(rows(x, start, end), y == null ? null : rows(y, start, end), defaultBatchSize);
  }

  private static Tensor rows(Tensor t, long start, long end) {
    INDArrayIndex[] idx = new INDArrayIndex[t.rank()];
    idx[0] = NDArrayIndex.interval(start, end);
    for (int d = 1; d < idx.length; d++) {
      idx[d] = NDArrayIndex.all();
    }
    if (end == start) {
      long[] shape = t.shape().clone();
      shape[0] = 0;
      return Tensor.zeros(t.dtype(), shape);
    }
    // a copy, so the batch owns contiguous memory and never aliases the dataset
    return Tensor.fromINDArray(t.array().get(idx).dup('c'));
  }

  /** The dtype of x, for messages. */
  DType xType() {
    return x.dtype();
  }

  @Override
  public String toString() {
    return "Dataset(x=" + Shapes.str(x.shape()) + " " + x.dtype()
        + (y == null ? "" : ", y=" + Shapes.str(y.shape()) + " " + y.dtype()) + ")";
  }
}

package dev.tapekit.data;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.RandomSeeds;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A tf.data-like input pipeline: elements (an input and an optional target, each a {@link Batch}) flow
 * from a source through {@link #map}, {@link #shuffle}, {@link #batch}, {@link #repeat}, {@link #take}
 * and {@link #prefetch}, in the order they are chained, as with {@code tf.data.Dataset}. Immutable: each
 * method returns a new pipeline. Each {@link #iterator()} is a new pass; nothing is read before it.
 *
 * <pre>{@code
 * Pipeline train = Pipeline.fromTensorSlices(x, y).shuffle(1024, 42).batch(32).prefetch(2);
 * model.fit(train, FitOptions.builder().epochs(5).build());
 * }</pre>
 */
public final class Pipeline implements BatchSource {
  private final Supplier<SourceIterator> open;
  private final long cardinality;
  private final boolean fresh;

  private Pipeline(Supplier<SourceIterator> open, long cardinality, boolean fresh) {
    this.open = open;
    this.cardinality = cardinality;
    this.fresh = fresh;
  }

  // ---------------------------------------------------------------- sources

  /** One element per row of x and y (tf.data's {@code from_tensor_slices((x, y))}); y may be null. */
  public static Pipeline fromTensorSlices(Tensor x, Tensor y) {
    Dataset checked = Dataset.of(x, y); // same sample counts, or one clear line
    long n = checked.size();
    return new Pipeline(() -> over(new Iterator<>() {
      long i;

      @Override
      public boolean hasNext() {
        return i < n;
      }

      @Override
      public Batch next() {
        if (i >= n) {
          throw new NoSuchElementException();
        }
        long row = i++;
        return new Batch(row(x, row), y == null ? null : row(y, row));
      }
    }), n, false);
  }

  /** One element per row of x, unlabelled. */
  public static Pipeline fromTensorSlices(Tensor x) {
    return fromTensorSlices(x, null);
  }

  /**
   * The elements of the iterators {@code generator} makes, one iterator per pass (tf.data's
   * {@code from_generator}, which calls the generator again on every pass). The cardinality is unknown.
   */
  public static Pipeline fromGenerator(Supplier<? extends Iterator<Batch>> generator) {
    if (generator == null) {
      throw new IllegalArgumentException("Pipeline.fromGenerator: generator is null");
    }
    return new Pipeline(() -> over(generator.get()), UNKNOWN, false);
  }

  /** The batches of a source (a {@link Dataset}, an image folder) as a pipeline's elements. */
  public static Pipeline from(BatchSource source) {
    if (source instanceof Pipeline p) {
      return p;
    }
    if (source == null) {
      throw new IllegalArgumentException("Pipeline.from: source is null");
    }
    return new Pipeline(() -> over(source.iterator()), source.cardinality(), source.freshBatches());
  }

  private static Tensor row(Tensor t, long i) {
    INDArrayIndex[] idx = new INDArrayIndex[t.rank()];
    idx[0] = NDArrayIndex.point(i);
    for (int d = 1; d < idx.length; d++) {
      idx[d] = NDArrayIndex.all();
    }
    INDArray a = t.array().get(idx);
    return Tensor.fromINDArray(a);
  }

  static SourceIterator over(Iterator<Batch> it) {
    if (it instanceof SourceIterator s) {
      return s;
    }
    return new SourceIterator() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Batch next() {
        return it.next();
      }
    };
  }

  // ---------------------------------------------------------------- transformations

  /** Applies {@code f} to each element (tf.data's {@code map}). */
  public Pipeline map(UnaryOperator<Batch> f) {
    if (f == null) {
      throw new IllegalArgumentException("Pipeline.map: function is null");
    }
    return new Pipeline(() -> {
      SourceIterator up = open.get();
      return new Passing(up) {
        @Override
        public Batch next() {
          return f.apply(up.next());
        }
      };
    }, cardinality, false); // f may return tensors that something else holds
  }

  /** Stacks consecutive elements into batches of {@code size}, the last one smaller. */
  public Pipeline batch(int size) {
    return batch(size, false);
  }

  /**
   * Stacks consecutive elements into batches of {@code size} along a new first axis (tf.data's
   * {@code batch}); with {@code dropRemainder} a last, smaller batch is dropped.
   */
  public Pipeline batch(int size, boolean dropRemainder) {
    if (size < 1) {
      throw new IllegalArgumentException("Pipeline.batch: batch_size must be >= 1, got " + size);
    }
    long c = cardinality < 0 ? cardinality : dropRemainder ? cardinality / size : (cardinality + size - 1) / size;
    return new Pipeline(() -> new Batcher(open.get(), size, dropRemainder), c, true);
  }

  /**
   * tf.data's {@code shuffle(buffer_size)} with a random seed, reshuffled on every pass.
   * See {@link #shuffle(int, long, boolean)}.
   */
  public Pipeline shuffle(int bufferSize) {
    return shuffle(bufferSize, RandomSeeds.next(), true);
  }

  /** tf.data's {@code shuffle(buffer_size, seed=seed)}: reshuffled on every pass, the same passes for a seed. */
  public Pipeline shuffle(int bufferSize, long seed) {
    return shuffle(bufferSize, seed, true);
  }

  /**
   * Shuffles through a buffer of {@code bufferSize} elements, as tf.data: the buffer is filled with the
   * first elements, each output is drawn uniformly from it and its place refilled with the next
   * element; when the input ends the buffer drains in random order. A buffer of 1 keeps the order; one
   * of at least the dataset's size gives a uniform permutation. With {@code reshuffleEachIteration}
   * every pass has its own order (pass k's order depends only on the seed and k); without, every pass
   * has the same order.
   */
  public Pipeline shuffle(int bufferSize, long seed, boolean reshuffleEachIteration) {
    if (bufferSize < 1) {
      throw new IllegalArgumentException("Pipeline.shuffle: buffer_size must be >= 1, got " + bufferSize);
    }
    SplittableRandom passes = new SplittableRandom(seed);
    return new Pipeline(() -> {
      SplittableRandom rng;
      synchronized (passes) {
        rng = reshuffleEachIteration ? passes.split() : new SplittableRandom(seed).split();
      }
      return new ShuffleBuffer(open.get(), bufferSize, rng);
    }, cardinality, fresh);
  }

  /** Repeats the pipeline forever (tf.data's {@code repeat()}); the cardinality is infinite. */
  public Pipeline repeat() {
    return repeat(-1);
  }

  /**
   * Passes over the pipeline {@code count} times in a row (tf.data's {@code repeat(count)}; -1 is
   * forever). Each repetition is a new pass, so a shuffle before the repeat reshuffles it.
   */
  public Pipeline repeat(long count) {
    if (count < -1) {
      throw new IllegalArgumentException("Pipeline.repeat: count must be >= -1, got " + count);
    }
    long c = cardinality == 0 || count == 0 ? 0 : count == -1 || cardinality == INFINITE ? INFINITE
        : cardinality == UNKNOWN ? UNKNOWN : cardinality * count;
    return new Pipeline(() -> new Repeater(open, count), c, fresh);
  }

  /** The first {@code n} elements (tf.data's {@code take}; -1 is all of them). */
  public Pipeline take(long n) {
    if (n < -1) {
      throw new IllegalArgumentException("Pipeline.take: count must be >= -1, got " + n);
    }
    if (n == -1) {
      return this;
    }
    long c = cardinality == INFINITE ? n : cardinality == UNKNOWN ? UNKNOWN : Math.min(cardinality, n);
    return new Pipeline(() -> {
      SourceIterator up = open.get();
      return new Passing(up) {
        long taken;

        @Override
        public boolean hasNext() {
          if (taken >= n) {
            up.close(); // what comes after the n-th element is never read
            return false;
          }
          return up.hasNext();
        }

        @Override
        public Batch next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          taken++;
          return up.next();
        }
      };
    }, c, fresh);
  }

  /**
   * Reads up to {@code bufferSize} elements ahead on a background thread (tf.data's {@code prefetch}),
   * so that reading the next batch overlaps with the training step. The thread ends when the pass ends,
   * fails or is closed; an error in it is thrown by the pass's {@code next()}.
   */
  public Pipeline prefetch(int bufferSize) {
    if (bufferSize < 1) {
      throw new IllegalArgumentException("Pipeline.prefetch: buffer_size must be >= 1, got " + bufferSize);
    }
    return new Pipeline(() -> new Prefetcher(open, bufferSize), cardinality, fresh);
  }

  // ---------------------------------------------------------------- reading

  @Override
  public SourceIterator iterator() {
    return open.get();
  }

  /** The number of elements a pass yields, {@link #INFINITE} or {@link #UNKNOWN}, as tf.data's cardinality(). */
  @Override
  public long cardinality() {
    return cardinality;
  }

  @Override
  public boolean freshBatches() {
    return fresh;
  }

  @Override
  public String toString() {
    return "Pipeline(cardinality=" + (cardinality == INFINITE ? "infinite" : cardinality == UNKNOWN ? "unknown"
        : Long.toString(cardinality)) + ")";
  }

  /** An iterator over an upstream one, closing it when closed. */
  abstract static class Passing implements SourceIterator {
    final SourceIterator up;

    Passing(SourceIterator up) {
      this.up = up;
    }

    @Override
    public boolean hasNext() {
      return up.hasNext();
    }

    @Override
    public void close() {
      up.close();
    }
  }

  /** Passes over an upstream pipeline count times (-1: forever); stops when a pass yields nothing. */
  private static final class Repeater implements SourceIterator {
    private final Supplier<SourceIterator> open;
    private final long count;
    private long started;
    private SourceIterator current;
    private boolean currentYielded;

    Repeater(Supplier<SourceIterator> open, long count) {
      this.open = open;
      this.count = count;
    }

    @Override
    public boolean hasNext() {
      while (current == null || !current.hasNext()) {
        // NOTE: an empty pass ends the repeat, as tf.data does, instead of looping forever
        boolean emptyPass = current != null && !currentYielded;
        if (emptyPass || (count != -1 && started >= count)) {
          return false;
        }
        current = open.get();
        currentYielded = false;
        started++;
      }
      return true;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      currentYielded = true;
      return current.next();
    }

    @Override
    public void close() {
      if (current != null) {
        current.close();
      }
    }
  }
}

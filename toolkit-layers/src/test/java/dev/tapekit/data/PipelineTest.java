package dev.tapekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** tf.data.Dataset's behaviour for from_tensor_slices, batch, shuffle, repeat, take, map, prefetch. */
class PipelineTest {
  /** Elements 0..n-1: x = [i, 10 i], y = i. */
  static Pipeline numbers(int n) {
    float[] x = new float[2 * n];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = 10 * i;
      y[i] = i;
    }
    return Pipeline.fromTensorSlices(Tensor.of(x, n, 2), Tensor.of(y));
  }

  /** The labels of one pass, element by element (batches flattened). */
  static List<Long> labels(Iterable<Batch> pass) {
    List<Long> out = new ArrayList<>();
    for (Batch b : pass) {
      for (long v : b.y().toLongArray()) {
        out.add(v);
      }
    }
    return out;
  }

  private static List<Long> range(int n) {
    return IntStream.range(0, n).mapToObj(i -> (long) i).toList();
  }

  @Test
  void fromTensorSlicesYieldsRowsAndBatchStacksThemWithASmallerLastBatch() {
    // tf.data: from_tensor_slices((x, y)).batch(4) on 10 rows: batches of 4, 4, 2; cardinality 3
    Pipeline p = numbers(10).batch(4);
    assertEquals(3, p.cardinality());
    List<Batch> batches = new ArrayList<>();
    p.forEach(batches::add);
    assertEquals(3, batches.size());
    assertArrayEquals(new long[] {4, 2}, batches.get(0).x().shape());
    assertArrayEquals(new long[] {2, 2}, batches.get(2).x().shape());
    assertArrayEquals(new float[] {8, 80, 9, 90}, batches.get(2).x().toFloatArray());
    assertEquals(range(10), labels(p));
    // drop_remainder=True drops the last, partial batch
    Pipeline dropped = numbers(10).batch(4, true);
    assertEquals(2, dropped.cardinality());
    assertEquals(range(8), labels(dropped));
  }

  @Test
  void batchingElementsOfDifferentShapesFailsNamingTheElement() {
    Pipeline p = Pipeline.fromGenerator(() -> List.of(new Batch(Tensor.of(new float[] {1, 2}), null),
        new Batch(Tensor.of(new float[] {1, 2, 3}), null)).iterator()).batch(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.iterator().next());
    assertTrue(e.getMessage().contains("First element had shape (2,) and element 1 had shape (3,)"), e.getMessage());
  }

  @Test
  void aShuffleBufferOfOneKeepsTheOrder() {
    assertEquals(range(20), labels(numbers(20).shuffle(1, 3)));
  }

  @Test
  void eachOutputComesFromTheBufferWindow() {
    // tf.data's buffer: the i-th output is one of the first i + bufferSize inputs
    int n = 200;
    int buffer = 5;
    List<Long> out = labels(numbers(n).shuffle(buffer, 9));
    assertEquals(range(n), out.stream().sorted().toList(), "not a permutation");
    for (int i = 0; i < n; i++) {
      assertTrue(out.get(i) < i + buffer, "output " + i + " is input " + out.get(i));
    }
    assertNotEquals(range(n), out, "a buffer of 5 shuffled nothing");
  }

  @Test
  void aSeedGivesTheSamePassesAndEachPassIsReshuffledByDefault() {
    Pipeline a = numbers(50).shuffle(50, 4);
    Pipeline b = numbers(50).shuffle(50, 4);
    List<Long> a1 = labels(a);
    List<Long> a2 = labels(a);
    assertEquals(a1, labels(b), "same seed, first pass");
    assertEquals(a2, labels(b), "same seed, second pass");
    assertNotEquals(a1, a2, "reshuffle_each_iteration=True: each pass has its own order");
    assertEquals(range(50), a2.stream().sorted().toList());
    // reshuffle_each_iteration=False: every pass has the same order
    Pipeline fixed = numbers(50).shuffle(50, 4, false);
    assertEquals(labels(fixed), labels(fixed));
  }

  @Test
  void repeatAfterShuffleReshufflesEachRepetition() {
    // tf.data: ds.shuffle(n).repeat(2) gives two different permutations back to back
    Pipeline p = numbers(30).shuffle(30, 2).repeat(2);
    assertEquals(60, p.cardinality());
    List<Long> all = labels(p);
    assertEquals(60, all.size());
    List<Long> first = all.subList(0, 30);
    List<Long> second = all.subList(30, 60);
    assertEquals(range(30), first.stream().sorted().toList());
    assertEquals(range(30), second.stream().sorted().toList());
    assertNotEquals(first, second);
  }

  @Test
  void takeOfAnInfiniteRepeatIsFinite() {
    Pipeline forever = numbers(3).repeat();
    assertEquals(BatchSource.INFINITE, forever.cardinality());
    Pipeline seven = forever.take(7);
    assertEquals(7, seven.cardinality());
    assertEquals(List.of(0L, 1L, 2L, 0L, 1L, 2L, 0L), labels(seven));
    // tf.data: an empty dataset repeated forever is empty, not an endless loop
    assertFalse(numbers(3).take(0).repeat().iterator().hasNext());
  }

  @Test
  void mapAppliesToEachElementAndFromGeneratorCallsTheGeneratorEachPass() {
    int[] calls = {0};
    Pipeline p = Pipeline.fromGenerator(() -> {
      calls[0]++;
      return List.of(new Batch(Tensor.of(new float[] {1}), Tensor.of(new int[] {1})),
          new Batch(Tensor.of(new float[] {2}), Tensor.of(new int[] {2}))).iterator();
    }).map(b -> new Batch(dev.tapekit.core.Ops.multiply(b.x(), Tensor.scalar(3)), b.y()));
    assertEquals(BatchSource.UNKNOWN, p.cardinality());
    List<Float> xs = new ArrayList<>();
    p.forEach(b -> xs.add(b.x().toFloatArray()[0]));
    p.forEach(b -> { });
    assertEquals(List.of(3f, 6f), xs);
    assertEquals(2, calls[0]);
    assertFalse(p.freshBatches(), "a map's outputs may be held elsewhere");
    assertTrue(numbers(4).batch(2).map(b -> b).batch(1).freshBatches());
  }

  @Test
  void prefetchReadsOnAnotherThreadAndKeepsTheOrder() {
    AtomicReference<Thread> reader = new AtomicReference<>();
    Pipeline p = Pipeline.fromGenerator(() -> {
      Iterator<Batch> it = labelsIterator(12);
      return new Iterator<>() {
        @Override
        public boolean hasNext() {
          reader.set(Thread.currentThread());
          return it.hasNext();
        }

        @Override
        public Batch next() {
          return it.next();
        }
      };
    }).prefetch(2);
    assertEquals(range(12), labels(p));
    assertNotEquals(Thread.currentThread(), reader.get());
  }

  @Test
  void aPrefetchedErrorIsThrownInTheConsumingThreadAndTheReaderEnds() throws Exception {
    RuntimeException boom = new IllegalStateException("bad record 3");
    Pipeline p = Pipeline.fromGenerator(() -> new Iterator<Batch>() {
      int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Batch next() {
        if (i == 3) {
          throw boom;
        }
        return new Batch(Tensor.of(new float[] {i++}), null);
      }
    }).prefetch(4);
    Prefetcher it = (Prefetcher) p.iterator();
    for (int k = 0; k < 3; k++) {
      assertEquals(k, it.next().x().toFloatArray()[0]);
    }
    assertEquals(boom, assertThrows(IllegalStateException.class, it::next));
    it.thread().join(30_000);
    assertFalse(it.thread().isAlive(), "the prefetch thread outlived the failed pass");
  }

  @Test
  void closingAPassStopsItsPrefetchThread() throws Exception {
    Prefetcher it = (Prefetcher) numbers(5).repeat().prefetch(1).iterator();
    assertEquals(2, it.next().x().toFloatArray().length);
    it.close();
    it.thread().join(30_000);
    assertFalse(it.thread().isAlive());
  }

  private static Iterator<Batch> labelsIterator(int n) {
    return Arrays.stream(new int[n]).boxed().map(new java.util.function.Function<Integer, Batch>() {
      int i;

      @Override
      public Batch apply(Integer ignored) {
        int v = i++;
        return new Batch(Tensor.of(new float[] {v}), Tensor.of(new int[] {v}));
      }
    }).iterator();
  }
}

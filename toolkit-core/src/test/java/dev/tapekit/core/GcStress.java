package dev.tapekit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs code while another thread collects garbage continuously and churns native memory, so that any
 * native address whose owning array is not kept reachable is freed (and its memory overwritten) while a
 * kernel still reads it. Results must be bit-identical to a run without the stress.
 *
 * <p>NOTE: freeing a chunk makes malloc write its free-list pointers into the chunk's first bytes, and
 * the churn re-allocates and fills freed chunks with NaN, so a kernel reading freed memory sees garbage
 * rather than, by luck, the old values.
 */
public final class GcStress implements AutoCloseable {
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong collections = new AtomicLong();
  private final Thread thread;

  private GcStress() {
    thread = new Thread(this::hammer, "gc-stress");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts the stress thread; close stops it. */
  public static GcStress start() {
    return new GcStress();
  }

  private void hammer() {
    long[] sizes = {64, 300, 1_000, 4_096, 20_000, 70_000, 300_000};
    int i = 0;
    while (running.get()) {
      // heap garbage: young collections every few milliseconds (a full System.gc() takes ~100 ms)
      for (int k = 0; k < 64; k++) {
        sink = new byte[64 << 10];
      }
      INDArray junk = Nd4j.createUninitialized(DataType.FLOAT, sizes[i % sizes.length]);
      junk.assign(Float.NaN);
      junk = null;
      if (++i % 16 == 0) {
        System.gc();
      }
      collections.incrementAndGet();
    }
  }

  /** Keeps the garbage loop from being optimised away. */
  private static volatile Object sink;

  /** Rounds of garbage (each at least one young collection's worth of heap every few rounds) so far. */
  public long collections() {
    return collections.get();
  }

  @Override
  public void close() {
    running.set(false);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Computes {@code body} once quietly, then {@code repeats} times under stress, and fails unless every
   * stressed result has exactly the bits of the quiet one.
   */
  public static void assertStable(String what, Supplier<float[]> body, int repeats) {
    float[] quiet = body.get();
    int[] want = bits(quiet);
    try (GcStress stress = start()) {
      for (int r = 0; r < repeats; r++) {
        float[] got = body.get();
        assertEquals(quiet.length, got.length, what + ": length");
        int[] bits = bits(got);
        if (!Arrays.equals(want, bits)) {
          int at = Arrays.mismatch(want, bits);
          fail(what + ": repeat " + r + " under GC stress differs at element " + at + ": " + got[at]
              + " instead of " + quiet[at] + " (" + stress.collections() + " garbage rounds so far)");
        }
      }
    }
  }

  private static int[] bits(float[] v) {
    int[] b = new int[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Float.floatToRawIntBits(v[i]);
    }
    return b;
  }

  /** The elements of an array, row-major, as floats (a copy). */
  public static float[] values(INDArray a) {
    return a.dup('c').castTo(DataType.FLOAT).data().asFloat();
  }
}

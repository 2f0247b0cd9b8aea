package dev.tapekit.layers;

import java.util.SplittableRandom;

/**
 * The seed stream behind unseeded initializers and dropout, like {@code keras.utils.set_random_seed}: after
 * {@link #setRandomSeed} the same program builds the same weights.
 *
 * <p>The stream is per thread: a thread that called {@link #setRandomSeed} draws from its own stream, so two
 * threads that seed and build models at the same time (Spark tasks in one executor, parallel tests) each get the
 * weights their seed gives, whatever the other does. A thread that never seeded (or called
 * {@link #clearThreadSeed}) draws from the shared stream, which every {@link #setRandomSeed} also reseeds: a
 * program that seeds on one thread and builds its model on another stays reproducible.
 */
public final class RandomSeeds {
  private static final ThreadLocal<SplittableRandom> OWN = new ThreadLocal<>();
  private static final Object LOCK = new Object();
  private static SplittableRandom shared = new SplittableRandom(); // guarded by LOCK

  private RandomSeeds() {}

  /** Reseeds the calling thread's stream (and the shared stream of threads that never seeded). */
  public static void setRandomSeed(long seed) {
    OWN.set(new SplittableRandom(seed));
    synchronized (LOCK) {
      shared = new SplittableRandom(seed);
    }
  }

  /** The next seed of the calling thread's stream, or of the shared stream if the thread never seeded. */
  public static long next() {
    SplittableRandom own = OWN.get();
    if (own != null) {
      return own.nextLong();
    }
    synchronized (LOCK) {
      return shared.nextLong();
    }
  }

  /** Forgets the calling thread's seed: it draws from the shared stream again. */
  public static void clearThreadSeed() {
    OWN.remove();
  }
}

package dev.tapekit.layers;

import java.util.SplittableRandom;

/**
 * Keras 3's {@code SeedGenerator}: the random stream a layer draws its dropout masks from. Its whole state is
 * the seed and the number of draws, so that {@code BackupAndRestore} can back it up and a resumed run draws
 * the very masks the uninterrupted run would have ({@link #state}, {@link #restore}).
 */
public final class SeedGenerator {
  private long seed;
  private long drawn;
  private SplittableRandom rng;

  /** A generator with this seed, or with the next seed of {@link RandomSeeds} when null. */
  public SeedGenerator(Long seed) {
    this.seed = seed != null ? seed : RandomSeeds.next();
    this.rng = new SplittableRandom(this.seed);
  }

  /** The next seed for one random op. */
  public synchronized long next() {
    drawn++;
    return rng.nextLong();
  }

  /** The seed and the draws made so far. */
  public synchronized State state() {
    return new State(seed, drawn);
  }

  /** Continues as a generator that was seeded with {@code state.seed()} and drew {@code state.drawn()} seeds. */
  public synchronized void restore(State state) {
    if (state.drawn() < 0) {
      throw new IllegalArgumentException("seed generator state: draws must be >= 0, got " + state.drawn());
    }
    seed = state.seed();
    rng = new SplittableRandom(seed);
    for (long i = 0; i < state.drawn(); i++) {
      rng.nextLong();
    }
    drawn = state.drawn();
  }

  /**
   * A generator's state.
   *
   * @param seed the seed it started from
   * @param drawn the seeds drawn since
   */
  public record State(long seed, long drawn) {}
}

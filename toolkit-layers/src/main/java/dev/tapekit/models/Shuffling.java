package dev.tapekit.models;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The per-epoch sample order of {@code fit()}, shared by every training loop that must reproduce it. fit()
 * shuffles indices, not data: each batch gathers its rows from the original arrays ({@link #batch}), so no
 * shuffled copy of the training set is ever made.
 */
public final class Shuffling {
  private Shuffling() {}

  /** A permutation of 0..n-1 by Fisher-Yates with the generator's next ints, as an int32 tensor. */
  public static Tensor permutation(long n, SplittableRandom rng) {
    return Tensor.of(order(n, rng));
  }

  /** A permutation of 0..n-1 by Fisher-Yates with the generator's next ints. */
  public static int[] order(long n, SplittableRandom rng) {
    int[] idx = new int[Math.toIntExact(n)];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    for (int i = idx.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
    }
    return idx;
  }

  /**
   * Rows {@code order[s..e)} of {@code t}: a gather of one batch from the original array, or, without an
   * order, a view of rows [s, e). The values are those of rows [s, e) of {@code gather(t, order)}.
   */
  public static Tensor batch(Tensor t, int[] order, long s, long e) {
    if (t == null) {
      return null;
    }
    if (order == null) {
      return Trainer.rows(t, s, e);
    }
    return Ops.gather(t, Arrays.copyOfRange(order, (int) s, (int) e));
  }

  /**
   * The orders of one fit(): a generator seeded once, of which {@link #seed} and {@link #drawn} are the whole
   * state, so that a resumed run ({@link #resume}) draws the very order the uninterrupted run would have.
   */
  public static final class Orders {
    private final long seed;
    private final SplittableRandom rng;
    private long drawn;

    /** Orders from a fresh generator with this seed. */
    public Orders(long seed) {
      this.seed = seed;
      this.rng = new SplittableRandom(seed);
    }

    /** The orders that follow {@code drawn} orders of {@code n} samples drawn from {@code seed}. */
    public static Orders resume(State state, long n) {
      if (state.drawn() < 0) {
        throw new IllegalArgumentException("shuffle state: orders drawn must be >= 0, got " + state.drawn());
      }
      Orders o = new Orders(state.seed());
      for (long i = 0; i < state.drawn(); i++) {
        o.next(n);
      }
      return o;
    }

    /** The next epoch's order of {@code n} samples. */
    public int[] next(long n) {
      drawn++;
      return order(n, rng);
    }

    /** The state to save: the seed and how many orders were drawn. */
    public State state() {
      return new State(seed, drawn);
    }
  }

  /**
   * The shuffle generator's state: its seed and the number of orders drawn from it.
   *
   * @param seed the generator's seed
   * @param drawn the orders drawn so far (one per shuffled epoch)
   */
  public record State(long seed, long drawn) {}
}

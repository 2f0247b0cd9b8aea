package dev.tapekit.models;

import dev.tapekit.core.Tensor;
import java.util.SplittableRandom;

/** The per-epoch sample order of {@code fit()}, shared by every training loop that must reproduce it. */
public final class Shuffling {
  private Shuffling() {}

  /** A permutation of 0..n-1 by Fisher-Yates with the generator's next ints, as an int32 tensor. */
  public static Tensor permutation(long n, SplittableRandom rng) {
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
    return Tensor.of(idx);
  }
}

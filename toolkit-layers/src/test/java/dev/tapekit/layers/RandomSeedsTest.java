package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tapekit.core.Variable;
import dev.tapekit.models.Sequential;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RandomSeeds is per thread: threads seeding and building at once each get the weights of their own seed. */
class RandomSeedsTest {
  @AfterEach
  void forgetThisThreadsSeed() {
    RandomSeeds.clearThreadSeed();
  }

  /** Builds Input(4), Dense(8), Dense(3) and returns all its weights, flat. */
  private static double[] build() {
    Sequential m = new Sequential(new Input(4), new Dense(8, "relu"), new Dense(3));
    List<Double> all = new ArrayList<>();
    for (Variable v : m.weights()) {
      for (double d : v.peek().toDoubleArray()) {
        all.add(d);
      }
    }
    return all.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double[] reference(long seed) throws Exception {
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      return one.submit(() -> {
        RandomSeeds.setRandomSeed(seed);
        return build();
      }).get(60, TimeUnit.SECONDS);
    } finally {
      one.shutdownNow();
    }
  }

  @Test
  void twoThreadsSeedingAndBuildingAtOnceEachGetTheirOwnWeights() throws Exception {
    double[] ref1 = reference(1);
    double[] ref2 = reference(2);
    assertFalse(Arrays.equals(ref1, ref2), "different seeds give different weights");
    // thread A seeds, then thread B seeds, then both build, layer draws interleaving: with one global stream
    // A would build from B's seed and both would draw from one stream
    CyclicBarrier aSeeded = new CyclicBarrier(2);
    CyclicBarrier bothSeeded = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 5; round++) {
        Future<double[]> a = pool.submit(() -> {
          RandomSeeds.setRandomSeed(1);
          aSeeded.await();
          bothSeeded.await();
          return build();
        });
        Future<double[]> b = pool.submit(() -> {
          aSeeded.await();
          RandomSeeds.setRandomSeed(2);
          bothSeeded.await();
          return build();
        });
        assertArrayEquals(ref1, a.get(60, TimeUnit.SECONDS), "thread A, round " + round);
        assertArrayEquals(ref2, b.get(60, TimeUnit.SECONDS), "thread B, round " + round);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aThreadThatNeverSeededDrawsFromTheLatestSeed() throws Exception {
    double[] ref = reference(3);
    RandomSeeds.setRandomSeed(3);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      // seeded here, built there: still the weights of seed 3, as with one global stream
      assertArrayEquals(ref, other.submit(RandomSeedsTest::build).get(60, TimeUnit.SECONDS));
    } finally {
      other.shutdownNow();
    }
    assertArrayEquals(ref, build(), "this thread's own stream is unaffected by the other thread's draws");
  }
}

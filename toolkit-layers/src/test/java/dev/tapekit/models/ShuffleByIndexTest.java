package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.MeanSquaredError;
import dev.tapekit.optimizers.SGD;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * fit() shuffles indices and gathers each batch from the original arrays: no shuffled copy of the training
 * set (which stayed in native memory until a major GC), and the same batches, in the same order, as before.
 */
class ShuffleByIndexTest {
  /** Records, for each training call, the batch it saw and the size of the native buffer behind it (a view's root). */
  static final class Probe extends Layer {
    final List<float[]> batches = new ArrayList<>();
    final List<Long> bufferLengths = new ArrayList<>();

    Probe() {
      super("probe", true, DType.FLOAT32, null);
    }

    @Override
    public Tensor call(Tensor x, boolean training) {
      if (training) {
        batches.add(x.toFloatArray());
        org.nd4j.linalg.api.buffer.DataBuffer b = x.array().data();
        // the buffer a view shares: its root
        bufferLengths.add(b.originalDataBuffer() != null ? b.originalDataBuffer().length() : b.length());
      }
      return x;
    }
  }

  @Test
  void eachBatchIsGatheredFromTheOriginalArraysInTheSeedsOrder() {
    int n = 50;
    int features = 3;
    int batch = 8;
    long seed = 42;
    Tensor x = Ops.randomUniform(new long[] {n, features}, -1, 1, DType.FLOAT32, 1);
    Tensor y = Ops.randomUniform(new long[] {n, 1}, -1, 1, DType.FLOAT32, 2);
    RandomSeeds.setRandomSeed(3);
    Probe probe = new Probe();
    Sequential m = new Sequential(new Input(features), probe, new Dense(1));
    m.compile(new SGD(0.01), new MeanSquaredError());
    m.fit(x, y, FitOptions.builder().epochs(3).batchSize(batch).seed(seed).verbose(0).build());

    int steps = (n + batch - 1) / batch;
    assertEquals(3 * steps, probe.batches.size());
    for (long len : probe.bufferLengths) {
      // today: a view of the epoch's shuffled copy of all n rows
      assertTrue(len <= (long) batch * features, "a batch backed by a buffer of " + len + " floats: a copy of the "
          + "training set (" + n * features + " floats) is behind it");
    }
    // the batches are those of the per-epoch order Fisher-Yates draws from SplittableRandom(seed), as before
    SplittableRandom rng = new SplittableRandom(seed);
    float[] xs = x.toFloatArray();
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] order = Shuffling.order(n, rng);
      for (int b = 0; b < steps; b++) {
        int s = b * batch;
        int e = Math.min(n, s + batch);
        float[] want = new float[(e - s) * features];
        for (int i = s; i < e; i++) {
          System.arraycopy(xs, order[i] * features, want, (i - s) * features, features);
        }
        assertArrayEquals(want, probe.batches.get(epoch * steps + b), "epoch " + epoch + " batch " + b);
      }
    }
  }

  @Test
  void withoutShufflingBatchesAreViewsOfTheOriginalRows() {
    Tensor x = Ops.randomUniform(new long[] {20, 2}, -1, 1, DType.FLOAT32, 4);
    Probe probe = new Probe();
    Sequential m = new Sequential(new Input(2), probe, new Dense(1));
    m.compile(new SGD(0.01), new MeanSquaredError());
    m.fit(x, Ops.randomUniform(new long[] {20, 1}, -1, 1, DType.FLOAT32, 5),
        FitOptions.builder().epochs(1).batchSize(6).shuffle(false).verbose(0).build());
    float[] xs = x.toFloatArray();
    assertArrayEquals(Arrays.copyOfRange(xs, 12, 24), probe.batches.get(1));
    assertEquals(40L, probe.bufferLengths.get(1), "a view of x itself");
  }

  @Test
  void sampleWeightsFollowTheirRows() {
    // a sample weight of 0 on every row but one: the loss of each batch is that row's only when it is in it
    int n = 12;
    Tensor x = Ops.randomUniform(new long[] {n, 2}, -1, 1, DType.FLOAT32, 6);
    Tensor y = Ops.randomUniform(new long[] {n, 1}, -1, 1, DType.FLOAT32, 7);
    float[] w = new float[n];
    w[5] = 1;
    RandomSeeds.setRandomSeed(8);
    Sequential a = new Sequential(new Input(2), new Dense(1));
    a.compile(new SGD(0.1), new MeanSquaredError());
    RandomSeeds.setRandomSeed(8);
    Sequential b = new Sequential(new Input(2), new Dense(1));
    b.compile(new SGD(0.1), new MeanSquaredError());
    a.fit(x, y, FitOptions.builder().epochs(4).batchSize(4).seed(9).sampleWeight(Tensor.of(w)).verbose(0).build());
    // the same training on row 5 alone, with its batch's size: the shuffled row 5 is in one batch per epoch
    SplittableRandom rng = new SplittableRandom(9);
    for (int epoch = 0; epoch < 4; epoch++) {
      int[] order = Shuffling.order(n, rng);
      for (int s = 0; s < n; s += 4) {
        int[] rows = Arrays.copyOfRange(order, s, s + 4);
        b.trainOnBatch(Ops.gather(x, Tensor.of(rows), 0), Ops.gather(y, Tensor.of(rows), 0),
            Ops.gather(Tensor.of(w), Tensor.of(rows), 0));
      }
    }
    assertArrayEquals(b.weights().get(0).peek().toFloatArray(), a.weights().get(0).peek().toFloatArray());
    assertArrayEquals(b.weights().get(1).peek().toFloatArray(), a.weights().get(1).peek().toFloatArray());
  }
}

package dev.tapekit.distribute;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.DType;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Dropout;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Sequential;
import dev.tapekit.layers.regularizers.L2;
import dev.tapekit.optimizers.Adam;
import dev.tapekit.optimizers.SGD;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** MirroredStrategy: replica threads, gradient all-reduce, loss scaling, fit equal to single-replica fit. */
class MirroredStrategyTest {
  /** Class = quadrant of a point in [-1, 1]^2: learnable by a small MLP. */
  static Tensor[] blobs(int n, long seed) {
    Tensor x = Ops.randomUniform(new long[] {n, 2}, -1, 1, DType.FLOAT32, seed);
    float[] xv = x.toFloatArray();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = (xv[2 * i] > 0 ? 1 : 0) + (xv[2 * i + 1] > 0 ? 2 : 0);
    }
    return new Tensor[] {x, Tensor.of(y)};
  }

  static Sequential mlp() {
    RandomSeeds.setRandomSeed(7);
    Sequential m = new Sequential(new Input(2), new Dense(16, "relu"), new Dense(4));
    m.compile(Adam.builder().learningRate(0.01).build(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        List.of("accuracy"));
    return m;
  }

  static double maxDiff(List<Variable> a, List<Variable> b) {
    double d = 0;
    for (int i = 0; i < a.size(); i++) {
      double[] x = a.get(i).peek().toDoubleArray();
      double[] y = b.get(i).peek().toDoubleArray();
      for (int j = 0; j < x.length; j++) {
        d = Math.max(d, Math.abs(x[j] - y[j]));
      }
    }
    return d;
  }

  @Test
  void fitOnThreeReplicasEqualsSingleReplicaFit() {
    Tensor[] d = blobs(100, 1); // 100 = 3 batches of 32 + 4: uneven shards and a short last batch
    Sequential single = mlp();
    Sequential initial = mlp();
    Sequential mirrored = mlp();
    History hs = single.fit(d[0], d[1], FitOptions.builder().epochs(3).batchSize(32).seed(5).verbose(0).build());
    History hm;
    try (MirroredStrategy s = new MirroredStrategy(3)) {
      hm = s.fit(mirrored, d[0], d[1], 3, 32, 5L, List.of());
    }
    assertTrue(maxDiff(single.weights(), initial.weights()) > 1e-2, "training must move the weights");
    assertTrue(maxDiff(single.weights(), mirrored.weights()) < 1e-5, "diff " + maxDiff(single.weights(), mirrored.weights()));
    assertEquals(hs.history().keySet(), hm.history().keySet());
    for (int e = 0; e < 3; e++) {
      assertEquals(hs.get("loss").get(e), hm.get("loss").get(e), 1e-5);
      assertEquals(hs.get("accuracy").get(e), hm.get("accuracy").get(e), 1e-9);
    }
    assertEquals(single.optimizer().iterations(), mirrored.optimizer().iterations());
  }

  @Test
  void regularizationPenaltiesCountOnceAcrossReplicas() {
    Tensor[] d = blobs(40, 4);
    java.util.function.Supplier<Sequential> regularized = () -> {
      RandomSeeds.setRandomSeed(9);
      Sequential m = new Sequential(new Input(2),
          Dense.builder().units(8).activation("relu").kernelRegularizer(new L2(0.05)).build(), new Dense(4));
      m.compile(new SGD(0.1), SparseCategoricalCrossentropy.builder().fromLogits(true).build(), List.of());
      return m;
    };
    Sequential single = regularized.get();
    Sequential mirrored = regularized.get();
    History hs = single.fit(d[0], d[1], FitOptions.builder().epochs(2).batchSize(10).shuffle(false).verbose(0).build());
    History hm;
    try (MirroredStrategy s = new MirroredStrategy(2)) {
      hm = s.fit(mirrored, d[0], d[1], 2, 10);
    }
    assertTrue(maxDiff(single.weights(), mirrored.weights()) < 1e-6, "diff " + maxDiff(single.weights(), mirrored.weights()));
    assertEquals(hs.get("loss").get(1), hm.get("loss").get(1), 1e-6);
  }

  @Test
  void handWrittenLoopSummedGradientsEqualWholeBatchGradients() {
    Tensor[] d = blobs(10, 2);
    Sequential m = mlp();
    SparseCategoricalCrossentropy loss = SparseCategoricalCrossentropy.builder().fromLogits(true).build();
    List<Variable> vars = m.trainableVariables();
    List<Tensor> whole;
    try (GradientTape tape = new GradientTape()) {
      whole = tape.gradient(loss.call(d[1], m.call(d[0], true)), vars);
    }
    Set<String> threads = ConcurrentHashMap.newKeySet();
    List<Tensor> summed;
    try (MirroredStrategy s = new MirroredStrategy(3)) {
      PerReplica<List<Tensor>> g = s.run(d[0], d[1], (ctx, xs, ys) -> {
        threads.add(Thread.currentThread().getName());
        assertEquals(10, ctx.globalBatchSize());
        try (GradientTape tape = new GradientTape()) {
          return tape.gradient(ctx.scaleMeanLoss(loss.call(ys, m.call(xs, true))), vars);
        }
      });
      assertEquals(3, g.size());
      summed = s.sumGradients(g);
    }
    assertEquals(3, threads.size(), "each replica runs on its own thread: " + threads);
    for (int i = 0; i < vars.size(); i++) {
      double[] a = whole.get(i).toDoubleArray();
      double[] b = summed.get(i).toDoubleArray();
      for (int j = 0; j < a.length; j++) {
        assertEquals(a[j], b[j], 1e-6);
      }
    }
  }

  @Test
  void averageLossAndReduceFollowTensorFlow() {
    try (MirroredStrategy s = new MirroredStrategy(2)) {
      Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5}, 5);
      PerReplica<Tensor> losses = s.run(x, null, (ctx, xs, ys) -> ctx.computeAverageLoss(xs));
      // shards {1,2,3} and {4,5}, each summed and divided by the global batch of 5
      assertEquals(6.0 / 5, losses.values().get(0).doubleValue(), 1e-6);
      assertEquals(9.0 / 5, losses.values().get(1).doubleValue(), 1e-6);
      assertEquals(3.0, s.reduce(ReduceOp.SUM, losses).doubleValue(), 1e-6);
      assertEquals(1.5, s.reduce(ReduceOp.MEAN, losses).doubleValue(), 1e-6);
      PerReplica<Tensor> single = s.run(Tensor.of(new float[] {7}, 1), null, (ctx, xs, ys) -> xs);
      assertEquals(1, single.size(), "a batch smaller than the replica count runs fewer replicas");
    }
  }

  @Test
  void nullGradientsCountAsZeroAndStayNullWhenAllNull() {
    try (MirroredStrategy s = new MirroredStrategy(2)) {
      Tensor one = Tensor.of(new float[] {1, 2}, 2);
      List<Tensor> out = s.sumGradients(new PerReplica<>(List.of(
          java.util.Arrays.asList(one, null), java.util.Arrays.asList(one, null))));
      assertEquals(List.of(2.0, 4.0), java.util.Arrays.stream(out.get(0).toDoubleArray()).boxed().toList());
      assertNull(out.get(1));
    }
  }

  @Test
  void badInputGetsClearErrors() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new MirroredStrategy(0)).getMessage()
        .contains("replicas must be >= 1, got 0"));
    try (MirroredStrategy s = new MirroredStrategy(2)) {
      Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 4);
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> s.run(x, null, (ctx, xs, ys) -> {
            if (ctx.replicaId() == 1) {
              throw new IllegalArgumentException("boom");
            }
            return xs;
          }));
      assertTrue(e.getMessage().contains("replica 1 failed: boom"), e.getMessage());
      assertTrue(assertThrows(IllegalArgumentException.class, () -> s.run(x, Tensor.of(new float[] {1}, 1),
          (ctx, xs, ys) -> xs)).getMessage().contains("y has 1 rows but x has 4"));
      Sequential uncompiled = new Sequential(new Input(2), new Dense(1));
      assertThrows(IllegalStateException.class, () -> s.fit(uncompiled, x, x, 1, 2));
      Sequential dropout = new Sequential(new Input(2), new Dropout(0.5), new Dense(1));
      dropout.compile("sgd", "mse");
      Tensor[] d = blobs(4, 3);
      String msg = assertThrows(IllegalArgumentException.class, () -> s.fit(dropout, d[0], d[1], 1, 2)).getMessage();
      assertTrue(msg.contains("Dropout") && msg.contains("cannot be shared"), msg);
      Sequential ok = mlp();
      assertTrue(assertThrows(IllegalArgumentException.class, () -> s.fit(ok, d[0], d[1], 1, 0)).getMessage()
          .contains("batchSize=0"));
    }
  }

  static Sequential maskedRegression() {
    RandomSeeds.setRandomSeed(11);
    Sequential m = new Sequential(new Input(4, 1), new dev.tapekit.layers.Masking(0.0), new Dense(1));
    m.compile(new SGD(0.05), "mse", List.of("mae"));
    return m;
  }

  @Test
  void masksCountPerReplicaAsInSingleReplicaFit() {
    // every sample has 3 valid steps and a padded last one whose target is far off: it must not count
    int n = 16;
    float[] x = new float[n * 4];
    float[] y = new float[n * 4];
    for (int i = 0; i < n * 4; i++) {
      boolean pad = i % 4 == 3;
      x[i] = pad ? 0 : 0.1f + (i % 7) / 10f;
      y[i] = pad ? 100 : 2 * x[i] - 0.5f;
    }
    Tensor xs = Tensor.of(x, n, 4, 1);
    Tensor ys = Tensor.of(y, n, 4, 1);
    Sequential single = maskedRegression();
    Sequential mirrored = maskedRegression();
    History hs = single.fit(xs, ys, FitOptions.builder().epochs(3).batchSize(8).shuffle(false).verbose(0).build());
    History hm;
    try (MirroredStrategy s = new MirroredStrategy(2)) {
      hm = s.fit(mirrored, xs, ys, 3, 8);
    }
    assertTrue(maxDiff(single.weights(), mirrored.weights()) < 1e-5, "diff " + maxDiff(single.weights(), mirrored.weights()));
    for (int e = 0; e < 3; e++) {
      assertEquals(hs.get("loss").get(e), hm.get("loss").get(e), 1e-5);
      assertEquals(hs.get("mae").get(e), hm.get("mae").get(e), 1e-5);
    }
    assertTrue(hs.get("loss").get(0) < 10, "padded targets must not count: " + hs.get("loss"));
  }
}

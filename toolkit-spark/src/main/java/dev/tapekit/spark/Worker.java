package dev.tapekit.spark;

import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Masked;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.BaseLoss;
import dev.tapekit.losses.Reduction;
import dev.tapekit.models.Model;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The task side. Every method is a pure function of (plan, round input, partition, block): the model
 * is rebuilt from the factory with a seed derived from the round and partition, so a retried task
 * returns exactly what the first attempt would have.
 */
final class Worker {
  private Worker() {}

  static Model newModel(ModelFactory factory, long seed) {
    // RandomSeeds is per thread: tasks running at once in one executor each build from their own seed
    RandomSeeds.setRandomSeed(seed);
    Model m = factory.create();
    if (m == null || !m.compiled()) {
      throw new IllegalStateException("ModelFactory must return a compiled model, got "
          + (m == null ? "null" : "an uncompiled " + m.name()));
    }
    return m;
  }

  /** Row indices of this partition's batch at (epoch, step): a per-epoch permutation, sliced. */
  static int[] batchRows(Plan plan, Block block, int partition, int epoch, int step) {
    int n = block.rows();
    int start = step * plan.batchSize();
    if (start >= n) {
      return new int[0];
    }
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    if (plan.shuffle()) {
      SplittableRandom rng = new SplittableRandom(Seeds.mix(plan.seed(), epoch, partition));
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
    }
    return java.util.Arrays.copyOfRange(perm, start, Math.min(n, start + plan.batchSize()));
  }

  /** The batch's features and labels as tensors (labels of width 1 become a vector). */
  static Tensor[] tensors(Plan plan, Block block, int[] rows) {
    int fw = block.featureWidth();
    int lw = block.labelWidth();
    float[] x = new float[rows.length * fw];
    float[] y = new float[rows.length * lw];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(block.x(), rows[i] * fw, x, i * fw, fw);
      System.arraycopy(block.y(), rows[i] * lw, y, i * lw, lw);
    }
    long[] fs = plan.featureShape() != null ? plan.featureShape() : new long[] {fw};
    if (Flat.count(fs) != fw) {
      throw new IllegalArgumentException("featureShape " + java.util.Arrays.toString(fs) + " holds " + Flat.count(fs)
          + " values but samples have " + fw + " features");
    }
    long[] xShape = new long[fs.length + 1];
    xShape[0] = rows.length;
    System.arraycopy(fs, 0, xShape, 1, fs.length);
    Tensor yt = lw == 1 ? Tensor.of(y, rows.length) : Tensor.of(y, rows.length, lw);
    return new Tensor[] {Tensor.of(x, xShape), yt};
  }

  static void announce(Plan plan, long round, int partition, int attempt) {
    if (plan.hook() != null) {
      plan.hook().beforeTask(round, partition, attempt);
    }
  }

  private static void announce(Plan plan, long round, int partition) {
    org.apache.spark.TaskContext tc = org.apache.spark.TaskContext.get();
    announce(plan, round, partition, tc == null ? 0 : tc.attemptNumber());
  }

  /** Sync: the gradient of this partition's share of the global-batch loss at one step. */
  static PartitionResult gradients(Plan plan, RoundInput in, int partition, Block block) {
    announce(plan, in.round(), partition);
    int[] rows = batchRows(plan, block, partition, in.epoch(), in.firstStep());
    if (rows.length == 0) {
      return new PartitionResult(partition, 0, 0, null, null, null);
    }
    Model model = newModel(plan.factory(), Seeds.mix(plan.seed(), in.round(), partition));
    Flat.unpack(in.weights(), model.weights());
    return gradients(plan, model, partition, block, rows, new StepShape(in.stepRows(), in.activePartitions()));
  }

  /**
   * Sync: the gradient, at {@code model}'s current weights, of this partition's share of the global-batch loss
   * on {@code rows} of the block (not empty), and the non-trainable weights after the forward pass.
   */
  static PartitionResult gradients(Plan plan, Model model, int partition, Block block, int[] rows, StepShape step) {
    List<Variable> vars = model.trainableVariables();
    Tensor[] xy = tensors(plan, block, rows);
    boolean sums = model.loss() instanceof BaseLoss bl && bl.reduction() == Reduction.SUM;
    Tensor total;
    List<Tensor> grads;
    try (GradientTape tape = new GradientTape()) {
      Masked yPred = model.applyMasked(List.of(xy[0]), java.util.Collections.singletonList(null), true);
      Tensor l = model.loss().call(xy[1], yPred.output(), null, yPred.mask());
      // TensorFlow's scaling: this partition's share of the global-batch mean, penalties split evenly
      total = sums ? l : Ops.multiply(l, (double) rows.length / step.rows());
      for (Tensor r : model.losses()) {
        total = Ops.add(total, Ops.divide(Ops.cast(r, total.dtype()), (double) step.active()));
      }
      grads = tape.gradient(total, vars);
    }
    return new PartitionResult(partition, rows.length, total.doubleValue() * step.rows(),
        Flat.packTensors(grads, vars), Flat.pack(model.nonTrainableWeights()), null);
  }

  /** Averaging: this partition's parameters and optimizer state after the round's local steps. */
  static PartitionResult localSteps(Plan plan, RoundInput in, int partition, Block block) {
    announce(plan, in.round(), partition);
    Model model = newModel(plan.factory(), Seeds.mix(plan.seed(), in.round(), partition));
    Flat.unpack(in.weights(), model.weights());
    in.opt().restoreInto(model.optimizer(), model.trainableVariables());
    long trained = 0;
    double lossSum = 0;
    for (int s = in.firstStep(); s < in.firstStep() + in.steps(); s++) {
      int[] rows = batchRows(plan, block, partition, in.epoch(), s);
      if (rows.length == 0) {
        break;
      }
      Tensor[] xy = tensors(plan, block, rows);
      Map<String, Double> logs = model.trainOnBatch(xy[0], xy[1]);
      lossSum += logs.get("loss") * rows.length;
      trained += rows.length;
    }
    if (trained == 0) {
      return new PartitionResult(partition, 0, 0, null, null, null);
    }
    return new PartitionResult(partition, trained, lossSum, Flat.pack(model.weights()), null,
        OptState.of(model.optimizer(), model.trainableVariables()));
  }
}

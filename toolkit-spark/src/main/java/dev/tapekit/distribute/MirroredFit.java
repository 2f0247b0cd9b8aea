package dev.tapekit.distribute;

import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.CallbackList;
import dev.tapekit.callbacks.History;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Masked;
import dev.tapekit.layers.BatchNormalization;
import dev.tapekit.layers.Dropout;
import dev.tapekit.layers.Layer;
import dev.tapekit.losses.BaseLoss;
import dev.tapekit.losses.Loss;
import dev.tapekit.losses.Reduction;
import dev.tapekit.metrics.Metric;
import dev.tapekit.models.Model;
import dev.tapekit.models.Shuffling;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** The fit loop of {@link MirroredStrategy}: Keras's train step with the forward/backward on replicas. */
final class MirroredFit {
  private final MirroredStrategy strategy;
  private final Model model;
  private double lossTotal;
  private double lossCount;

  MirroredFit(MirroredStrategy strategy, Model model) {
    this.strategy = strategy;
    this.model = model;
  }

  /** One replica's result: its scaled loss, predictions and gradients. */
  private record Out(Tensor loss, Masked yPred, List<Tensor> grads) {}

  History fit(Tensor x, Tensor y, int epochs, int batchSize, Long seed, List<Callback> callbacks) {
    if (model == null || !model.compiled()) {
      throw new IllegalStateException("MirroredStrategy.fit: the model must be compiled first, got " + model);
    }
    if (epochs < 0 || batchSize <= 0) {
      throw new IllegalArgumentException("MirroredStrategy.fit: epochs must be >= 0 and batchSize > 0, got epochs="
          + epochs + ", batchSize=" + batchSize);
    }
    if (x == null || y == null || x.rank() == 0 || y.rank() == 0 || x.shape()[0] != y.shape()[0] || x.shape()[0] == 0) {
      throw new IllegalArgumentException("MirroredStrategy.fit: x and y need the same, non-zero number of rows, got x="
          + (x == null ? null : java.util.Arrays.toString(x.shape())) + ", y="
          + (y == null ? null : java.util.Arrays.toString(y.shape())));
    }
    for (Layer l : model.layers()) {
      if (l instanceof BatchNormalization || l instanceof Dropout) {
        throw new IllegalArgumentException("MirroredStrategy.fit: layer \"" + l.name() + "\" (" + l.className()
            + ") changes state during training calls and cannot be shared by replicas");
      }
    }
    long n = x.shape()[0];
    if (!model.built()) {
      // build on this thread: replicas must never race to create weights
      model.predict(Shards.rows(x, 0, 1));
    }
    int steps = (int) ((n + batchSize - 1) / batchSize);
    History history = new History();
    List<Callback> all = new ArrayList<>(callbacks);
    all.add(history);
    CallbackList cbs = new CallbackList(all);
    cbs.setModel(model);
    Map<String, Object> params = new HashMap<>();
    params.put("epochs", epochs);
    params.put("steps", steps);
    params.put("verbose", 0);
    cbs.setParams(params);
    model.setStopTraining(false);
    cbs.onTrainBegin(Map.of());
    List<Variable> vars = model.trainableVariables();
    boolean constraints = model.hasConstraints();
    // Same generator and shuffle as Model.fit, so both see the same batches for the same seed.
    SplittableRandom rng = seed == null ? null : new SplittableRandom(seed);
    Map<String, Double> epochLogs = new TreeMap<>();
    for (int epoch = 0; epoch < epochs && !model.stopTraining(); epoch++) {
      resetMetrics();
      cbs.onEpochBegin(epoch, Map.of());
      // shuffle indices, gather per batch: no shuffled copy of the training set per epoch
      int[] order = rng == null ? null : Shuffling.order(n, rng);
      for (int b = 0; b < steps && !model.stopTraining(); b++) {
        cbs.onTrainBatchBegin(b, Map.of());
        long s = (long) b * batchSize;
        long e = Math.min(n, s + batchSize);
        step(Shuffling.batch(x, order, s, e), Shuffling.batch(y, order, s, e), vars, constraints);
        cbs.onTrainBatchEnd(b, logs());
      }
      epochLogs = logs();
      cbs.onEpochEnd(epoch, epochLogs);
    }
    cbs.onTrainEnd(epochLogs);
    return history;
  }

  private void step(Tensor x, Tensor y, List<Variable> vars, boolean constraints) {
    Loss loss = model.loss();
    // A "sum" loss already adds up over rows; a mean loss is rescaled to its share of the global mean.
    boolean sums = loss instanceof BaseLoss bl && bl.reduction() == Reduction.SUM;
    PerReplica<Out> outs = strategy.run(x, y, (ctx, xs, ys) -> {
      try (GradientTape tape = new GradientTape()) {
        // the replica's loss over its unmasked positions, as Keras under a distribution strategy
        Masked yPred = model.applyMasked(List.of(xs), java.util.Collections.singletonList(null), true);
        Tensor l = loss.call(ys, yPred.output(), null, yPred.mask());
        Tensor total = sums ? l : ctx.scaleMeanLoss(l);
        for (Tensor r : model.losses()) {
          total = Ops.add(total, ctx.scaleRegularizationLoss(Ops.cast(r, total.dtype())));
        }
        return new Out(total, yPred, tape.gradient(total, vars));
      }
    });
    List<List<Tensor>> grads = new ArrayList<>();
    double stepLoss = 0;
    for (Out o : outs.values()) {
      grads.add(o.grads());
      stepLoss += o.loss().doubleValue();
    }
    model.optimizer().applyGradients(strategy.sumGradients(new PerReplica<>(grads)), vars);
    if (constraints) {
      model.applyConstraints();
    }
    long rows = x.shape()[0];
    lossTotal += stepLoss * rows;
    lossCount += rows;
    // Metrics are not thread-safe: update them here, shard by shard, in replica order.
    long[] b = Shards.bounds(rows, outs.size());
    for (int r = 0; r < outs.size(); r++) {
      for (Metric m : model.metrics()) {
        Masked yPred = outs.values().get(r).yPred();
        if (yPred.mask() == null) {
          m.updateState(Shards.rows(y, b[r], b[r + 1]), yPred.output());
        } else {
          m.updateState(Shards.rows(y, b[r], b[r + 1]), yPred.output(), yPred.maskWeights());
        }
      }
    }
  }

  private void resetMetrics() {
    lossTotal = 0;
    lossCount = 0;
    for (Metric m : model.metrics()) {
      m.resetState();
    }
  }

  private Map<String, Double> logs() {
    Map<String, Double> out = new TreeMap<>();
    out.put("loss", lossCount == 0 ? 0.0 : lossTotal / lossCount);
    for (Metric m : model.metrics()) {
      out.put(m.name(), m.result());
    }
    return out;
  }
}

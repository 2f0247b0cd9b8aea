package dev.tapekit.models;

import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.CallbackList;
import dev.tapekit.callbacks.History;
import dev.tapekit.callbacks.ProgbarLogger;
import dev.tapekit.core.DType;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.TensorScope;
import dev.tapekit.core.Variable;
import dev.tapekit.core.backend.Denormals;
import dev.tapekit.layers.Masked;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.Loss;
import dev.tapekit.losses.Losses;
import dev.tapekit.metrics.Metric;
import dev.tapekit.metrics.Metrics;
import dev.tapekit.optimizers.Optimizers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The training loops behind {@link Model}: compile state, the train step (forward under a GradientTape,
 * loss plus regularization, gradients, optimizer, metrics), fit, evaluate and predict.
 */
final class Trainer {
  private final Model model;
  Optimizer optimizer;
  Loss loss;
  final List<Metric> metrics = new ArrayList<>();
  /** Metric names as given to compile (strings) or null for metric objects; for model files. */
  final List<Object> metricSpecs = new ArrayList<>();
  History history;
  private double lossTotal;
  private double lossCount;
  private Integer resumeEpoch;
  private Shuffling.State resumeShuffle;
  private Shuffling.Orders shuffle;
  /** The running fit's trainable variables and whether any has a constraint (for the default train step). */
  private List<Variable> stepVars;
  private boolean stepConstraints;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Trainer.class);

  Trainer(Model model) {
    this.model = model;
  }

  void compile(Object opt, Object lossSpec, List<?> metricList) {
    if (opt == null) {
      throw new IllegalArgumentException("compile: an optimizer is required, got optimizer=null");
    }
    optimizer = opt instanceof Optimizer ? (Optimizer) opt : Optimizers.get(opt.toString());
    // as Keras, the loss may be left out: a custom trainStep computes its own
    loss = lossSpec == null ? null : lossSpec instanceof Loss ? (Loss) lossSpec : Losses.get(lossSpec.toString());
    metrics.clear();
    metricSpecs.clear();
    for (Object m : metricList == null ? List.of() : metricList) {
      metrics.add(m instanceof Metric ? (Metric) m : Metrics.get(m.toString(), loss));
      metricSpecs.add(m instanceof Metric ? ((Metric) m).name() : m.toString());
    }
  }

  void requireCompiled(String what) {
    if (optimizer == null) {
      throw new IllegalStateException("You must call `compile()` before calling `" + what + "()`.");
    }
  }

  void resetMetrics() {
    lossTotal = 0;
    lossCount = 0;
    for (Metric m : metrics) {
      m.resetState();
    }
  }

  /** The running loss (once a default step tracked one) and metrics, keys sorted as Keras's logs print. */
  Map<String, Double> logs() {
    Map<String, Double> out = new TreeMap<>();
    if (lossCount > 0) {
      out.put("loss", lossTotal / lossCount);
    }
    for (Metric m : metrics) {
      out.put(m.name(), m.result());
    }
    return out;
  }

  // ---------------------------------------------------------------- steps

  /** The tutorial's step: forward under a tape, loss + regularization, gradients, metrics, update. */
  void trainStep(Tensor x, Tensor y, Tensor sw, List<Variable> vars, boolean constraints) {
    // NOTE: the scopes free the step's temporaries now instead of whenever the GC runs (flat memory);
    // subnormals flush to zero during the step, as in TensorFlow (see Denormals). The forward scope
    // closes before the update, releasing the step's reads of the variables, so that the optimizer can
    // update their storage in place instead of copying it (Variable's copy-on-write).
    try (Denormals.Scope flush = Denormals.flush(); TensorScope step = TensorScope.open()) {
      List<Tensor> grads;
      try (TensorScope forward = TensorScope.open()) {
        try (GradientTape tape = new GradientTape()) {
          Masked yPred = forward(x, true);
          Tensor total = totalLoss(y, yPred, sw);
          grads = tape.gradient(total, vars);
          track(total, x.shape()[0], y, yPred);
        }
        for (Tensor g : grads) {
          if (g != null) {
            forward.keep(g);
          }
        }
      }
      optimizer.applyGradients(grads, vars);
      if (constraints) {
        model.applyConstraints();
      }
    }
  }

  /** The model's output with its Keras mask, which the loss and metrics apply. */
  private Masked forward(Tensor x, boolean training) {
    return model.applyMasked(List.of(x), java.util.Collections.singletonList(null), training);
  }

  /** The compiled loss (with the prediction's mask) plus the model's losses (Keras's compute_loss). */
  Tensor totalLoss(Tensor y, Masked yPred, Tensor sw) {
    List<Tensor> extra = model.losses();
    if (loss == null && extra.isEmpty()) {
      throw new IllegalStateException("No loss to compute. Provide a `loss` argument in `compile()`.");
    }
    Tensor total = loss == null ? null : loss.call(y, yPred.output(), sw, yPred.mask());
    for (Tensor r : extra) {
      total = total == null ? r : Ops.add(total, Ops.cast(r, total.dtype()));
    }
    return total;
  }

  /** {@link #totalLoss(Tensor, Masked, Tensor)} for a prediction without a mask (Model.computeLoss). */
  Tensor totalLoss(Tensor y, Tensor yPred, Tensor sw) {
    return totalLoss(y, new Masked(yPred, null), sw);
  }

  /** {@link #updateMetrics(Tensor, Masked)} for a prediction without a mask (Model.computeMetrics). */
  void updateMetrics(Tensor y, Tensor yPred) {
    updateMetrics(y, new Masked(yPred, null));
  }

  private void track(Tensor total, long batch, Tensor y, Masked yPred) {
    lossTotal += total.doubleValue() * batch;
    lossCount += batch;
    updateMetrics(y, yPred);
  }

  /** Updates the compiled metrics with one batch (Keras's compute_metrics without the results). */
  void updateMetrics(Tensor y, Masked yPred) {
    // masked positions do not count: the mask is the metrics' sample weight (see docs/layers-and-models.md)
    Tensor maskWeights = yPred.maskWeights();
    for (Metric m : metrics) {
      if (maskWeights == null) {
        m.updateState(y, yPred.output());
      } else {
        m.updateState(y, yPred.output(), maskWeights);
      }
    }
  }

  /** Model.trainStep's default: the tutorial's step on the running fit's variables; the batch's logs, lazily. */
  Map<String, Double> defaultTrainStep(Tensor x, Tensor y, Tensor sw) {
    List<Variable> vars = stepVars != null ? stepVars : model.trainableVariables();
    trainStep(x, y, sw, vars, stepVars != null ? stepConstraints : model.hasConstraints());
    return lazyLogs();
  }

  /** Model.testStep's default. */
  Map<String, Double> defaultTestStep(Tensor x, Tensor y, Tensor sw) {
    testStep(x, y, sw);
    return lazyLogs();
  }

  /** The logs as they are after this step, computed when read. */
  private Map<String, Double> lazyLogs() {
    return new LazyLogs(this::logs);
  }

  void testStep(Tensor x, Tensor y, Tensor sw) {
    try (Denormals.Scope flush = Denormals.flush(); TensorScope scope = TensorScope.open()) {
      Masked yPred = forward(x, false);
      track(totalLoss(y, yPred, sw), x.shape()[0], y, yPred);
    }
  }

  Map<String, Double> trainOnBatch(Tensor x, Tensor y, Tensor sw) {
    requireCompiled("train_on_batch");
    checkSameLength(x, y, sw);
    build(x);
    model.resetMetrics();
    return new TreeMap<>(model.trainStep(x, y, sw));
  }

  Map<String, Double> testOnBatch(Tensor x, Tensor y, Tensor sw) {
    requireCompiled("test_on_batch");
    checkSameLength(x, y, sw);
    build(x);
    model.resetMetrics();
    return new TreeMap<>(model.testStep(x, y, sw));
  }

  Tensor predictOnBatch(Tensor x) {
    build(x);
    return model.predictStep(x);
  }

  /**
   * Builds the model for x: a Sequential from its shape; a subclassed model, whose layers build when first
   * called, by calling it once on x's first row in inference mode (Keras builds it on the data's spec).
   */
  void build(Tensor x) {
    model.buildFor(x.shape());
    if (!model.built()) {
      try (TensorScope scope = TensorScope.open()) {
        model.apply(rows(x, 0, Math.min(1, x.shape()[0])), false);
      }
    }
  }

  // ---------------------------------------------------------------- fit

  /** For BackupAndRestore: start the current fit() at this epoch, its shuffle generator in this state (or null). */
  void resumeAt(int epoch, Shuffling.State shuffleState) {
    resumeEpoch = epoch;
    resumeShuffle = shuffleState;
  }

  /** The running fit()'s shuffle generator state, or null when it does not shuffle. */
  Shuffling.State shuffleState() {
    return shuffle == null ? null : shuffle.state();
  }

  History fit(Tensor x, Tensor y, FitOptions o) {
    requireCompiled("fit");
    checkSameLength(x, y, o.sampleWeight);
    Tensor sw = sampleWeights(y, o.sampleWeight, o.classWeight);
    Tensor vx = o.validationX;
    Tensor vy = o.validationY;
    long n = x.shape()[0];
    if (vx == null && o.validationSplit > 0) {
      long splitAt = (long) Math.ceil(n * (1.0 - o.validationSplit));
      if (splitAt == 0 || splitAt == n) {
        throw new IllegalArgumentException("fit: validationSplit=" + o.validationSplit + " leaves no training or no "
            + "validation samples out of " + n);
      }
      vx = rows(x, splitAt, n);
      vy = rows(y, splitAt, n);
      x = rows(x, 0, splitAt);
      y = rows(y, 0, splitAt);
      sw = sw == null ? null : rows(sw, 0, splitAt);
      n = splitAt;
    } else if (vx != null) {
      checkSameLength(vx, vy, null);
    }
    if (n == 0) {
      throw new IllegalArgumentException("fit: no training samples (x has shape " + dev.tapekit.layers.Config.shapeStr(x.shape()) + ")");
    }
    int steps = (int) ((n + o.batchSize - 1) / o.batchSize);
    history = new History();
    List<Callback> all = withProgbar(o.verbose, o.callbacks);
    all.add(history);
    CallbackList cbs = callbacks(all, o.epochs, steps, o.verbose);

    build(x);
    model.setStopTraining(false);
    resumeEpoch = null;
    resumeShuffle = null;
    cbs.onTrainBegin(Map.of());
    int first = resumeEpoch != null ? resumeEpoch : o.initialEpoch;
    stepVars = model.trainableVariables();
    stepConstraints = model.hasConstraints();
    if (stepVars.isEmpty()) {
      LOG.warn("The model does not have any trainable weights.");
    }
    long seed = o.seed != null ? o.seed : RandomSeeds.next();
    // a resumed run continues the interrupted run's generator: its next order is the one it would have drawn
    shuffle = o.shuffle ? resumeShuffle != null ? Shuffling.Orders.resume(resumeShuffle, n)
        : new Shuffling.Orders(seed) : null;
    Map<String, Double> epochLogs = new TreeMap<>();
    try {
      for (int epoch = first; epoch < o.epochs && !model.stopTraining(); epoch++) {
        model.resetMetrics();
        Map<String, Double> stepLogs = null;
        cbs.onEpochBegin(epoch, Map.of());
        // NOTE: shuffled by index, gathered per batch: a shuffled copy of the whole training set per epoch
        // held gigabytes of native memory until a major GC
        int[] order = shuffle != null ? shuffle.next(n) : null;
        for (int b = 0; b < steps; b++) {
          cbs.onTrainBatchBegin(b, Map.of());
          long s = (long) b * o.batchSize;
          long e = Math.min(n, s + o.batchSize);
          try (TensorScope batch = TensorScope.open()) {
            stepLogs = model.trainStep(Shuffling.batch(x, order, s, e), Shuffling.batch(y, order, s, e),
                Shuffling.batch(sw, order, s, e));
          }
          cbs.onTrainBatchEnd(b, stepLogs);
          if (model.stopTraining()) {
            break;
          }
        }
        // as Keras: the epoch's logs are the last step's
        epochLogs = new TreeMap<>(stepLogs != null ? stepLogs : logs());
        if (vx != null) {
          Map<String, Double> val = evaluateLoop(vx, vy, null, o.batchSize, cbs);
          for (Map.Entry<String, Double> e : val.entrySet()) {
            epochLogs.put("val_" + e.getKey(), e.getValue());
          }
        }
        cbs.onEpochEnd(epoch, epochLogs);
      }
      cbs.onTrainEnd(epochLogs);
    } finally {
      shuffle = null;
      resumeShuffle = null;
      stepVars = null;
    }
    return history;
  }

  /**
   * The callbacks of a fit or evaluate: as Keras, a progress bar printing to System.out when verbose, unless
   * {@code given} holds a ProgbarLogger already (one printing elsewhere replaces the default one).
   */
  static List<Callback> withProgbar(int verbose, List<Callback> given) {
    List<Callback> all = new ArrayList<>();
    if (verbose > 0 && given.stream().noneMatch(c -> c instanceof ProgbarLogger)) {
      all.add(verbose == 2 ? new ProgbarLogger(System.out, false) : new ProgbarLogger());
    }
    all.addAll(given);
    return all;
  }

  /** {@code all} bound to the model, with Keras's params ({@code epochs}, {@code steps}, {@code verbose}). */
  CallbackList callbacks(List<Callback> all, int epochs, int steps, int verbose) {
    CallbackList cbs = new CallbackList(all);
    cbs.setModel(model);
    Map<String, Object> params = new HashMap<>();
    params.put("epochs", epochs);
    params.put("steps", steps);
    params.put("verbose", verbose);
    cbs.setParams(params);
    return cbs;
  }

  // ---------------------------------------------------------------- evaluate and predict

  Map<String, Double> evaluate(Tensor x, Tensor y, Tensor sw, int batchSize, int verbose, List<Callback> callbacks) {
    requireCompiled("evaluate");
    checkSameLength(x, y, sw);
    CallbackList cbs = callbacks(withProgbar(verbose, callbacks), 1, (int) ((x.shape()[0] + batchSize - 1) / batchSize),
        verbose);
    build(x);
    return evaluateLoop(x, y, sw, batchSize, cbs);
  }

  private Map<String, Double> evaluateLoop(Tensor x, Tensor y, Tensor sw, int batchSize, Callback cbs) {
    model.resetMetrics();
    long n = x.shape()[0];
    cbs.onTestBegin(Map.of());
    Map<String, Double> stepLogs = null;
    for (int b = 0; (long) b * batchSize < n; b++) {
      cbs.onTestBatchBegin(b, Map.of());
      long s = (long) b * batchSize;
      long e = Math.min(n, s + batchSize);
      stepLogs = model.testStep(rows(x, s, e), rows(y, s, e), sw == null ? null : rows(sw, s, e));
      cbs.onTestBatchEnd(b, stepLogs);
    }
    Map<String, Double> out = new TreeMap<>(stepLogs != null ? stepLogs : logs());
    cbs.onTestEnd(out);
    return out;
  }

  Tensor predict(Tensor x, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("predict: batchSize must be positive, got " + batchSize);
    }
    build(x);
    long n = x.shape()[0];
    if (n <= batchSize) {
      return model.predictStep(x);
    }
    List<INDArray> parts = new ArrayList<>();
    for (long s = 0; s < n; s += batchSize) {
      parts.add(model.predictStep(rows(x, s, Math.min(n, s + batchSize))).array());
    }
    return Tensor.fromINDArray(Nd4j.concat(0, parts.toArray(new INDArray[0])));
  }

  // ---------------------------------------------------------------- helpers

  /** Rows [s, e) as a view (no copy): batches cost no allocation beyond the step. */
  static Tensor rows(Tensor t, long s, long e) {
    long n = t.shape()[0];
    if (s == 0 && e == n) {
      return t;
    }
    return Tensor.fromINDArray(t.array().get(NDArrayIndex.interval(s, e)));
  }

  private static void checkSameLength(Tensor x, Tensor y, Tensor sw) {
    if (x == null || y == null) {
      throw new IllegalArgumentException("x and y are required, got x=" + x + ", y=" + y);
    }
    if (x.rank() == 0 || y.rank() == 0 || x.shape()[0] != y.shape()[0]) {
      throw new IllegalArgumentException("Data cardinality is ambiguous: x sizes: " + (x.rank() == 0 ? "scalar" : x.shape()[0])
          + ", y sizes: " + (y.rank() == 0 ? "scalar" : y.shape()[0]) + ". Make sure all arrays contain the same number of samples.");
    }
    if (sw != null && (sw.rank() == 0 || sw.shape()[0] != x.shape()[0])) {
      throw new IllegalArgumentException("sample_weight has " + (sw.rank() == 0 ? "no" : sw.shape()[0]) + " rows but x has "
          + x.shape()[0] + " samples");
    }
  }

  /** Per-sample weights from sampleWeight times classWeight[label], or null for none. */
  static Tensor sampleWeights(Tensor y, Tensor sampleWeight, Map<Integer, Double> classWeight) {
    if (classWeight == null || classWeight.isEmpty()) {
      return sampleWeight == null ? null : Ops.cast(sampleWeight, DType.FLOAT32);
    }
    long n = y.shape()[0];
    long[] labels;
    if (y.rank() >= 2 && y.shape()[y.rank() - 1] > 1) {
      labels = Ops.argMax(Ops.reshape(y, n, -1), 1).toLongArray();
    } else {
      double[] v = y.toDoubleArray();
      labels = new long[v.length];
      for (int i = 0; i < v.length; i++) {
        labels[i] = Math.round(v[i]);
      }
    }
    float[] w = new float[(int) n];
    for (int i = 0; i < w.length; i++) {
      w[i] = classWeight.getOrDefault((int) labels[i], 1.0).floatValue();
    }
    Tensor cw = Tensor.of(w);
    return sampleWeight == null ? cw : Ops.multiply(cw, Ops.cast(Ops.reshape(sampleWeight, n), DType.FLOAT32));
  }
}

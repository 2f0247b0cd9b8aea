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
import dev.tapekit.metrics.Metric;
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
  /** The per-output losses, weights and metrics; null until compile(). */
  CompiledOutputs compiled;
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

  /** Keras's compile: see {@link CompiledOutputs#of} for the forms of loss, lossWeights and metrics. */
  void compile(Object opt, Object lossSpec, Object lossWeights, Object metricSpec) {
    if (opt == null) {
      throw new IllegalArgumentException("compile: an optimizer is required, got optimizer=null");
    }
    Optimizer resolved = opt instanceof Optimizer ? (Optimizer) opt : Optimizers.get(opt.toString());
    // as Keras, the loss may be left out: a custom trainStep computes its own
    compiled = CompiledOutputs.of(model, lossSpec, lossWeights, metricSpec);
    optimizer = resolved;
  }

  void requireCompiled(String what) {
    if (optimizer == null) {
      throw new IllegalStateException("You must call `compile()` before calling `" + what + "()`.");
    }
  }

  void resetMetrics() {
    lossTotal = 0;
    lossCount = 0;
    if (compiled != null) {
      compiled.reset();
    }
  }

  /** The running loss (once a default step tracked one), per-output losses and metrics, keys sorted. */
  Map<String, Double> logs() {
    Map<String, Double> out = new TreeMap<>();
    if (lossCount > 0) {
      out.put("loss", lossTotal / lossCount);
    }
    if (compiled != null) {
      compiled.putLogs(out);
    }
    return out;
  }

  /** The compiled metrics, output by output. */
  List<Metric> metrics() {
    return compiled == null ? List.of() : compiled.flatMetrics();
  }

  // ---------------------------------------------------------------- steps

  /** The tutorial's step: forward under a tape, loss + regularization, gradients, metrics, update. */
  void trainStep(List<Tensor> x, List<Tensor> y, List<Tensor> sw, List<Variable> vars, boolean constraints) {
    // NOTE: the scopes free the step's temporaries now instead of whenever the GC runs (flat memory);
    // subnormals flush to zero during the step, as in TensorFlow (see Denormals). The forward scope
    // closes before the update, releasing the step's reads of the variables, so that the optimizer can
    // update their storage in place instead of copying it (Variable's copy-on-write).
    try (Denormals.Scope flush = Denormals.flush(); TensorScope step = TensorScope.open()) {
      List<Tensor> grads;
      try (TensorScope forward = TensorScope.open()) {
        try (GradientTape tape = new GradientTape()) {
          List<Masked> yPred = forward(x, true);
          Tensor total = totalLoss(y, yPred, sw);
          grads = tape.gradient(total, vars);
          track(total, x.get(0).shape()[0], y, yPred);
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

  /** The model's outputs with their Keras masks, which the losses and metrics apply. */
  private List<Masked> forward(List<Tensor> x, boolean training) {
    return model.applyMaskedAll(x, java.util.Collections.nCopies(x.size(), null), training);
  }

  /** The compiled losses (with the predictions' masks) plus the model's losses (Keras's compute_loss). */
  Tensor totalLoss(List<Tensor> y, List<Masked> yPred, List<Tensor> sw) {
    List<Tensor> extra = model.losses();
    if ((compiled == null || compiled.noLoss()) && extra.isEmpty()) {
      throw new IllegalStateException("No loss to compute. Provide a `loss` argument in `compile()`.");
    }
    Tensor total = compiled == null ? null : compiled.loss(y, yPred, sw);
    for (Tensor r : extra) {
      total = total == null ? r : Ops.add(total, Ops.cast(r, total.dtype()));
    }
    return total;
  }

  private void track(Tensor total, long batch, List<Tensor> y, List<Masked> yPred) {
    lossTotal += total.doubleValue() * batch;
    lossCount += batch;
    updateMetrics(y, yPred);
  }

  /** Updates the compiled metrics with one batch (Keras's compute_metrics without the results). */
  void updateMetrics(List<Tensor> y, List<Masked> yPred) {
    if (compiled != null) {
      compiled.updateMetrics(y, yPred);
    }
  }

  /** Predictions without masks (Model.computeLoss and computeMetrics take plain tensors). */
  static List<Masked> unmasked(List<Tensor> yPred) {
    return yPred.stream().map(p -> new Masked(p, null)).toList();
  }

  /** Model.trainStep's default: the tutorial's step on the running fit's variables; the batch's logs, lazily. */
  Map<String, Double> defaultTrainStep(List<Tensor> x, List<Tensor> y, List<Tensor> sw) {
    List<Variable> vars = stepVars != null ? stepVars : model.trainableVariables();
    trainStep(x, y, sw, vars, stepVars != null ? stepConstraints : model.hasConstraints());
    return lazyLogs();
  }

  /** Model.testStep's default. */
  Map<String, Double> defaultTestStep(List<Tensor> x, List<Tensor> y, List<Tensor> sw) {
    try (Denormals.Scope flush = Denormals.flush(); TensorScope scope = TensorScope.open()) {
      List<Masked> yPred = forward(x, false);
      track(totalLoss(y, yPred, sw), x.get(0).shape()[0], y, yPred);
    }
    return lazyLogs();
  }

  /** Model.predictStep's default: every output in inference mode. */
  List<Tensor> defaultPredictStep(List<Tensor> x) {
    return forward(x, false).stream().map(Masked::output).toList();
  }

  /** The logs as they are after this step, computed when read. */
  private Map<String, Double> lazyLogs() {
    return new LazyLogs(this::logs);
  }

  Map<String, Double> trainOnBatch(ModelData d) {
    requireCompiled("train_on_batch");
    build(d.x());
    model.resetMetrics();
    return new TreeMap<>(model.trainStep(d.x(), d.y(), d.sw()));
  }

  Map<String, Double> testOnBatch(ModelData d) {
    requireCompiled("test_on_batch");
    build(d.x());
    model.resetMetrics();
    return new TreeMap<>(model.testStep(d.x(), d.y(), d.sw()));
  }

  List<Tensor> predictOnBatch(List<Tensor> x) {
    build(x);
    return model.predictStep(x);
  }

  /**
   * Builds the model for x: a Sequential from its shape; a subclassed model, whose layers build when first
   * called, by calling it once on x's first row in inference mode (Keras builds it on the data's spec).
   */
  void build(List<Tensor> x) {
    model.buildFor(x.get(0).shape());
    if (!model.built()) {
      try (TensorScope scope = TensorScope.open()) {
        List<Tensor> first = x.stream().map(t -> rows(t, 0, Math.min(1, t.shape()[0]))).toList();
        model.apply(first, false);
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

  History fit(ModelData data, FitOptions o) {
    requireCompiled("fit");
    ModelData train = data.withSampleWeights(sampleWeights(data, o.classWeight));
    ModelData val = o.validationX == null ? null : ModelData.of(model, o.validationX, o.validationY, null, "fit: validation_data");
    long n = train.n();
    if (val == null && o.validationSplit > 0) {
      long splitAt = (long) Math.ceil(n * (1.0 - o.validationSplit));
      if (splitAt == 0 || splitAt == n) {
        throw new IllegalArgumentException("fit: validationSplit=" + o.validationSplit + " leaves no training or no "
            + "validation samples out of " + n);
      }
      // as Keras, the validation samples are unweighted
      val = train.rows(splitAt, n).withSampleWeights(java.util.Collections.nCopies(train.sw().size(), null));
      train = train.rows(0, splitAt);
      n = splitAt;
    }
    if (n == 0) {
      throw new IllegalArgumentException("fit: no training samples (x has shape "
          + dev.tapekit.layers.Config.shapeStr(train.x().get(0).shape()) + ")");
    }
    int steps = (int) ((n + o.batchSize - 1) / o.batchSize);
    history = new History();
    List<Callback> all = withProgbar(o.verbose, o.callbacks);
    all.add(history);
    CallbackList cbs = callbacks(all, o.epochs, steps, o.verbose);

    build(train.x());
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
            ModelData d = train.batch(order, s, e);
            stepLogs = model.trainStep(d.x(), d.y(), d.sw());
          }
          cbs.onTrainBatchEnd(b, stepLogs);
          if (model.stopTraining()) {
            break;
          }
        }
        // as Keras: the epoch's logs are the last step's
        epochLogs = new TreeMap<>(stepLogs != null ? stepLogs : logs());
        if (val != null) {
          Map<String, Double> valLogs = evaluateLoop(val, o.batchSize, cbs);
          for (Map.Entry<String, Double> e : valLogs.entrySet()) {
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

  Map<String, Double> evaluate(ModelData d, int batchSize, int verbose, List<Callback> callbacks) {
    requireCompiled("evaluate");
    CallbackList cbs = callbacks(withProgbar(verbose, callbacks), 1, (int) ((d.n() + batchSize - 1) / batchSize),
        verbose);
    build(d.x());
    return evaluateLoop(d, batchSize, cbs);
  }

  private Map<String, Double> evaluateLoop(ModelData d, int batchSize, Callback cbs) {
    model.resetMetrics();
    long n = d.n();
    cbs.onTestBegin(Map.of());
    Map<String, Double> stepLogs = null;
    for (int b = 0; (long) b * batchSize < n; b++) {
      cbs.onTestBatchBegin(b, Map.of());
      ModelData batch = d.rows((long) b * batchSize, Math.min(n, (long) b * batchSize + batchSize));
      stepLogs = model.testStep(batch.x(), batch.y(), batch.sw());
      cbs.onTestBatchEnd(b, stepLogs);
    }
    Map<String, Double> out = new TreeMap<>(stepLogs != null ? stepLogs : logs());
    cbs.onTestEnd(out);
    return out;
  }

  /** Every output for x, batch by batch, joined along the batch axis. */
  List<Tensor> predict(List<Tensor> x, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("predict: batchSize must be positive, got " + batchSize);
    }
    build(x);
    ModelData d = new ModelData(x, null, List.of());
    d.checkCardinality("predict");
    long n = d.n();
    if (n <= batchSize) {
      return model.predictStep(x);
    }
    List<List<INDArray>> parts = new ArrayList<>();
    for (long s = 0; s < n; s += batchSize) {
      List<Tensor> out = model.predictStep(d.rows(s, Math.min(n, s + batchSize)).x());
      for (int i = 0; i < out.size(); i++) {
        if (parts.size() <= i) {
          parts.add(new ArrayList<>());
        }
        parts.get(i).add(out.get(i).array());
      }
    }
    return parts.stream().map(p -> Tensor.fromINDArray(Nd4j.concat(0, p.toArray(new INDArray[0])))).toList();
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

  /** The data's per-output sample weights, times classWeight[label] when given (one output only, as Keras). */
  static List<Tensor> sampleWeights(ModelData d, Map<Integer, Double> classWeight) {
    if (classWeight == null || classWeight.isEmpty()) {
      return d.sw();
    }
    if (d.y().size() != 1) {
      throw new IllegalArgumentException("fit: `class_weight` is only supported for Models with a single output; "
          + "give per-output sample weights instead");
    }
    return java.util.Collections.singletonList(sampleWeights(d.y().get(0), d.sw().get(0), classWeight));
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

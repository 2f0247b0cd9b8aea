package dev.tapekit.models;

import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.History;
import dev.tapekit.core.DType;
import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.io.ModelFormats;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Masked;
import dev.tapekit.losses.Loss;
import dev.tapekit.metrics.Metric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Keras model: a layer graph with training. The functional form is {@code new Model(inputs, outputs)}
 * over {@link KerasTensor}s; {@link Sequential} is a stack. {@link #compile} sets optimizer, loss and
 * metrics (objects or Keras's names); {@link #fit}, {@link #evaluate}, {@link #predict},
 * {@link #trainOnBatch} and {@link #testOnBatch} follow Keras's semantics. A functional model may have several
 * inputs and outputs: the data is then Lists in the order of {@link #inputs()}/{@link #outputs()} or Maps by
 * input and output layer name, {@link #predictAll} returns every output, and compile takes a loss, a loss
 * weight and metrics per output (see docs/layers-and-models.md, "Several inputs and outputs").
 */
public class Model extends Layer {
  private List<KerasTensor> inputs = List.of();
  private List<KerasTensor> outputs = List.of();
  /** Non-input symbolic tensors in a valid execution order. */
  private List<KerasTensor> order = List.of();
  /** Pooling nodes run fused with the convolution node that only they read (pool -> conv; LayerFusion). */
  private Map<KerasTensor, KerasTensor> fusedPools = Map.of();
  /** The convolution nodes of {@link #fusedPools}, computed with their pools. */
  private Set<KerasTensor> fusedConvs = Set.of();
  private boolean stopTraining;
  private List<Layer> fieldLayers;
  final Trainer trainer = new Trainer(this);

  /** A functional model from one input to one output. */
  public Model(KerasTensor inputs, KerasTensor outputs) {
    this(List.of(inputs), List.of(outputs), null);
  }

  /**
   * A functional model with several inputs and outputs, and an optional name. fit, evaluate and the batch
   * methods take the inputs and targets as Lists in this order, or as Maps by input and output layer name.
   */
  public Model(List<KerasTensor> inputs, List<KerasTensor> outputs, String name) {
    super(name == null ? dev.tapekit.layers.Names.uniquify("functional") : name, true, DType.FLOAT32, null);
    setGraph(inputs, outputs);
  }

  /** For subclasses (Sequential) that set their graph later. */
  protected Model(String name, String prefix) {
    super(name == null ? dev.tapekit.layers.Names.uniquify(prefix) : name, true, DType.FLOAT32, null);
  }

  /**
   * A subclassed model, as Keras's {@code class MyModel(keras.Model)}: create the layers in the constructor,
   * hold them in fields (directly, or in lists, arrays or maps; they are tracked as Keras tracks attributes)
   * and override {@link #call(Tensor, boolean)}. Its name is the class name in snake_case ("my_model").
   */
  protected Model() {
    this((String) null);
  }

  /** A subclassed model with a name (null: the class name in snake_case, uniquified). */
  protected Model(String name) {
    super(name, true, DType.FLOAT32, null);
  }

  /** Installs a graph: checks that every output is computed from the inputs. */
  protected final void setGraph(List<KerasTensor> ins, List<KerasTensor> outs) {
    if (ins.isEmpty() || outs.isEmpty()) {
      throw new IllegalArgumentException("Model \"" + name() + "\": needs at least one input and one output");
    }
    for (KerasTensor k : ins) {
      if (!(k.layer() instanceof Input)) {
        throw new IllegalArgumentException("Model \"" + name() + "\": inputs must come from Input.of(...), got " + k);
      }
    }
    Set<KerasTensor> visited = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    List<KerasTensor> topo = new ArrayList<>();
    for (KerasTensor o : outs) {
      visit(o, ins, visited, topo);
    }
    inputs = List.copyOf(ins);
    outputs = List.copyOf(outs);
    order = List.copyOf(topo);
    fusedPools = LayerFusion.pairs(order, outputs);
    fusedConvs = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    fusedConvs.addAll(fusedPools.values());
    ensureBuilt(ins.get(0).shape());
  }

  private void visit(KerasTensor t, List<KerasTensor> ins, Set<KerasTensor> visited, List<KerasTensor> topo) {
    if (visited.contains(t)) {
      return;
    }
    visited.add(t);
    if (t.layer() instanceof Input) {
      boolean known = ins.stream().anyMatch(i -> i == t);
      if (!known) {
        throw new IllegalArgumentException("Model \"" + name() + "\": graph disconnected: output depends on input \""
            + t.layer().name() + "\" that is not among the model's inputs");
      }
      return;
    }
    for (KerasTensor in : t.inputs()) {
      visit(in, ins, visited, topo);
    }
    topo.add(t);
  }

  // ---------------------------------------------------------------- graph

  /** The model's input tensors. */
  public List<KerasTensor> inputs() {
    return inputs;
  }

  /** The model's output tensors. */
  public List<KerasTensor> outputs() {
    return outputs;
  }

  /** The number of outputs: those of the graph, 1 for a model without one yet (Sequential, subclassed). */
  public int outputCount() {
    return outputs.isEmpty() ? 1 : outputs.size();
  }

  /** The input layers' names, in input order (Keras's {@code model.input_names}); empty without a graph. */
  public List<String> inputNames() {
    return inputs.stream().map(k -> k.layer().name()).toList();
  }

  /**
   * The names of the layers computing the outputs, in output order (Keras's {@code model.output_names}): the
   * keys of y and of per-output losses, and the prefix of per-output log keys ({@code dense_1_loss}).
   */
  public List<String> outputNames() {
    return outputs.stream().map(k -> k.layer().name()).toList();
  }

  /** The symbolic tensors computed by the model, in execution order (for summaries and configs). */
  public List<KerasTensor> executionOrder() {
    return order;
  }

  /**
   * The layers, input layers first, each once, in execution order; for a subclassed model the layers its
   * fields hold (Keras's {@code model.layers}).
   */
  public List<Layer> layers() {
    Set<Layer> out = new LinkedHashSet<>();
    for (KerasTensor k : inputs) {
      out.add(k.layer());
    }
    for (KerasTensor k : order) {
      out.add(k.layer());
    }
    if (getClass() != Model.class) {
      out.addAll(fieldLayers());
    }
    return new ArrayList<>(out);
  }

  /** The layers in a subclass's fields; read again until the model is built, as Keras locks state at build. */
  private List<Layer> fieldLayers() {
    if (fieldLayers == null || !built()) {
      fieldLayers = List.copyOf(AutoTracking.layers(this));
    }
    return fieldLayers;
  }

  /** The layer with this name. */
  public Layer getLayer(String layerName) {
    for (Layer l : layers()) {
      if (l.name().equals(layerName)) {
        return l;
      }
    }
    throw new IllegalArgumentException("No such layer: " + layerName + ". Existing layers are: "
        + layers().stream().map(Layer::name).toList());
  }

  /** "Functional"; a subclass's own class name, as Keras's {@code model.__class__.__name__}. */
  @Override
  public String className() {
    String own = getClass().getSimpleName();
    return getClass() == Model.class ? "Functional" : own.isEmpty() ? "Model" : own;
  }

  @Override
  public Tensor call(Tensor x, boolean training) {
    return call(List.of(x), training);
  }

  @Override
  public Tensor call(List<Tensor> xs, boolean training) {
    if (inputs.isEmpty()) {
      throw new UnsupportedOperationException("Model \"" + name() + "\" (" + className() + ") has no graph: a subclass "
          + "of Model must override call(Tensor, boolean)");
    }
    return applyMasked(xs, java.util.Collections.nCopies(xs.size(), null), training).output();
  }

  /** Runs the graph carrying each tensor's mask, as Keras's functional call propagates {@code _keras_mask}. */
  @Override
  public Masked applyMasked(List<Tensor> xs, List<Tensor> inputMasks, boolean training) {
    if (inputs.isEmpty()) {
      // a subclassed model: its own call(), as any layer's
      return super.applyMasked(xs, inputMasks, training);
    }
    if (outputs.size() > 1) {
      throw new IllegalArgumentException("Model \"" + name() + "\" has " + outputs.size() + " outputs " + outputNames()
          + ": call it with callAll(...) or applyMaskedAll(...), which return every output");
    }
    return runGraph(xs, inputMasks, training).get(0);
  }

  /**
   * Every output with its mask, in the order of {@link #outputs()}; for a model with one output (a Sequential,
   * a subclassed model) the one-element list of {@link #applyMasked}.
   */
  public List<Masked> applyMaskedAll(List<Tensor> xs, List<Tensor> inputMasks, boolean training) {
    return outputs.size() > 1 ? runGraph(xs, inputMasks, training) : List.of(applyMasked(xs, inputMasks, training));
  }

  /** Every output for these inputs, in the order of {@link #outputs()} (Keras's {@code model(inputs)}). */
  public List<Tensor> callAll(List<Tensor> xs, boolean training) {
    return applyMaskedAll(xs, java.util.Collections.nCopies(xs.size(), null), training).stream()
        .map(Masked::output).toList();
  }

  private List<Masked> runGraph(List<Tensor> xs, List<Tensor> inputMasks, boolean training) {    if (xs.size() != inputs.size()) {
      throw new IllegalArgumentException("Model \"" + name() + "\" expects " + inputs.size()
          + " input(s), but it received " + xs.size() + " input tensors");
    }
    IdentityHashMap<KerasTensor, Masked> values = new IdentityHashMap<>();
    for (int i = 0; i < xs.size(); i++) {
      KerasTensor in = inputs.get(i);
      checkInputShape(in, xs.get(i), i);
      values.put(in, new Masked(xs.get(i), inputMasks.get(i)));
    }
    for (KerasTensor k : order) {
      if (fusedConvs.contains(k)) {
        continue; // computed with the pooling node that alone reads it
      }
      KerasTensor conv = fusedPools.get(k);
      if (conv != null) {
        Masked fused = LayerFusion.apply(conv.layer(), k.layer(), values.get(conv.inputs().get(0)));
        if (fused != null) {
          values.put(k, fused);
          continue;
        }
        values.put(conv, runNode(conv, values, training));
      }
      values.put(k, runNode(k, values, training));
    }
    return outputs.stream().map(values::get).toList();
  }

  private static Masked runNode(KerasTensor k, Map<KerasTensor, Masked> values, boolean training) {
    List<Tensor> args = new ArrayList<>(k.inputs().size());
    List<Tensor> masks = new ArrayList<>(k.inputs().size());
    for (KerasTensor a : k.inputs()) {
      args.add(values.get(a).output());
      masks.add(values.get(a).mask());
    }
    return k.layer().applyMasked(args, masks, training);
  }

  @Override
  public boolean supportsMasking() {
    return true;
  }

  private void checkInputShape(KerasTensor in, Tensor x, int index) {
    long[] want = in.shape();
    long[] got = x.shape();
    boolean ok = want.length == got.length;
    for (int d = 0; ok && d < want.length; d++) {
      ok = want[d] < 0 || want[d] == got[d];
    }
    if (!ok) {
      throw new IllegalArgumentException("Input " + index + " of layer \"" + name() + "\" is incompatible with the layer: "
          + "expected shape=" + dev.tapekit.layers.Config.shapeStr(want) + ", found shape="
          + dev.tapekit.layers.Config.shapeStr(got));
    }
  }

  // ---------------------------------------------------------------- weights

  /**
   * The model's layers and any layer tracked with {@link #trackLayer}, each once: what {@link #weights()},
   * {@link #setTrainable}, {@link #losses()} and the constraints walk, in layer order.
   */
  @Override
  protected List<Layer> sublayers() {
    List<Layer> tracked = super.sublayers();
    List<Layer> ls = layers();
    if (tracked.isEmpty()) {
      return ls;
    }
    Set<Layer> out = new LinkedHashSet<>(ls);
    out.addAll(tracked);
    return new ArrayList<>(out);
  }

  /** The variables fit() updates (Keras's {@code trainable_variables}). */
  public List<Variable> trainableVariables() {
    return trainableWeights();
  }

  // ---------------------------------------------------------------- training API

  /** Sets optimizer, loss and metrics: objects, or Keras's names ("adam", "sparse_categorical_crossentropy", "accuracy"). */
  public void compile(Object optimizer, Object loss, List<?> metrics) {
    trainer.compile(optimizer, loss, null, metrics);
  }

  /**
   * Keras's compile with per-output losses, loss weights and metrics, for models with several outputs:
   * <ul>
   *   <li>{@code loss}: a {@link Loss} or name applied to every output, a List with one entry per output (null:
   *       no loss for that output), or a Map of output name to loss (every output named).
   *   <li>{@code lossWeights}: null (none), a List with one number per output, a Map by output name (every
   *       output named), or a number for a single-output model. The total loss is {@code sum(weight_i * loss_i)}
   *       plus the model's regularization losses.
   *   <li>{@code metrics}: for one output a flat List; for several, as Keras 3, a List with one entry per
   *       output (a metric, a name or a List of them; null for none) or a Map of output name to those (outputs
   *       left out get none). The logs name them {@code <output>_<metric>}.
   * </ul>
   */
  public void compile(Object optimizer, Object loss, Object lossWeights, Object metrics) {
    trainer.compile(optimizer, loss, lossWeights, metrics);
  }

  /** {@code compile("adam", "sparse_categorical_crossentropy", "accuracy")}. */
  public void compile(String optimizer, String loss, String... metrics) {
    trainer.compile(optimizer, loss, null, List.of(metrics));
  }

  /** Compiles with objects. */
  public void compile(Optimizer optimizer, Loss loss, Metric... metrics) {
    trainer.compile(optimizer, loss, null, List.of(metrics));
  }

  /** Trains; Keras's fit(). */
  public History fit(Tensor x, Tensor y, FitOptions options) {
    return fitData(x, y, options);
  }

  /** Trains a model with several inputs or outputs: x in the order of {@link #inputs()}, y of {@link #outputs()}. */
  public History fit(List<Tensor> x, List<Tensor> y, FitOptions options) {
    return fitData(x, y, options);
  }

  /** Trains on arrays keyed by input names (x) and output names (y), as Keras's fit on dicts. */
  public History fit(Map<String, Tensor> x, Map<String, Tensor> y, FitOptions options) {
    return fitData(x, y, options);
  }

  private History fitData(Object x, Object y, FitOptions options) {
    return trainer.fit(ModelData.of(this, x, requireY(y, "fit"), options.sampleWeight, "fit"), options);
  }

  private static Object requireY(Object y, String what) {
    if (y == null) {
      throw new IllegalArgumentException(what + ": x and y are required, got y=null");
    }
    return y;
  }

  /**
   * Trains on a streaming source's batches (Keras's fit on a tf.data.Dataset): batchSize and shuffle are
   * the source's business and ignored; stepsPerEpoch and validationSteps count batches. One input and one
   * output only (a {@link dev.tapekit.data.Batch} holds one x and one y).
   */
  public History fit(dev.tapekit.data.BatchSource source, FitOptions options) {
    return new SourceLoops(this, trainer).fit(source, options);
  }

  /** The loss and metrics over a source's batches, silent; {@code steps} (or null: all) batches. */
  public Map<String, Double> evaluate(dev.tapekit.data.BatchSource source, Integer steps, int verbose,
      List<Callback> callbacks) {
    return new SourceLoops(this, trainer).evaluate(source, steps, verbose, callbacks);
  }

  /** The loss and metrics over one pass of a source, silent. */
  public Map<String, Double> evaluate(dev.tapekit.data.BatchSource source) {
    return evaluate(source, null, 0, List.of());
  }

  /** The outputs for a source's batches (their targets are not used), {@code steps} or null for all. */
  public Tensor predict(dev.tapekit.data.BatchSource source, Integer steps) {
    return new SourceLoops(this, trainer).predict(source, steps);
  }

  /** The outputs for one pass of a source. */
  public Tensor predict(dev.tapekit.data.BatchSource source) {
    return predict(source, null);
  }

  /** fit with {@code epochs} and {@code batchSize}, other options at Keras's defaults. */
  public History fit(Tensor x, Tensor y, int epochs, int batchSize) {
    return fit(x, y, FitOptions.builder().epochs(epochs).batchSize(batchSize).build());
  }

  /** The loss and metrics on (x, y), batch size 32, silent; keys as in History ("loss", "accuracy"). */
  public Map<String, Double> evaluate(Tensor x, Tensor y) {
    return evaluateData(x, y, null, 32, 0, List.of());
  }

  /** evaluate with batch size, verbosity, sample weights (may be null) and callbacks. */
  public Map<String, Double> evaluate(Tensor x, Tensor y, Tensor sampleWeight, int batchSize, int verbose,
      List<Callback> callbacks) {
    return evaluateData(x, y, sampleWeight, batchSize, verbose, callbacks);
  }

  /** evaluate on Lists in the order of {@link #inputs()} and {@link #outputs()}, batch size 32, silent. */
  public Map<String, Double> evaluate(List<Tensor> x, List<Tensor> y) {
    return evaluateData(x, y, null, 32, 0, List.of());
  }

  /** evaluate on arrays keyed by input and output names, batch size 32, silent. */
  public Map<String, Double> evaluate(Map<String, Tensor> x, Map<String, Tensor> y) {
    return evaluateData(x, y, null, 32, 0, List.of());
  }

  /**
   * evaluate with x and y each a Tensor, a List or a Map by name, {@code sampleWeight} a Tensor (every output),
   * a List or a Map by output name, or null.
   */
  public Map<String, Double> evaluate(Object x, Object y, Object sampleWeight, int batchSize, int verbose,
      List<Callback> callbacks) {
    return evaluateData(x, y, sampleWeight, batchSize, verbose, callbacks);
  }

  private Map<String, Double> evaluateData(Object x, Object y, Object sw, int batchSize, int verbose,
      List<Callback> callbacks) {
    return trainer.evaluate(ModelData.of(this, x, requireY(y, "evaluate"), sw, "evaluate"), batchSize, verbose,
        callbacks);
  }

  /** The output for x in inference mode, batch size 32 (one output; see {@link #predictAll(Tensor)}). */
  public Tensor predict(Tensor x) {
    return predict(x, 32);
  }

  /** predict with a batch size. */
  public Tensor predict(Tensor x, int batchSize) {
    return single(predictAll(List.of(x), batchSize), "predict");
  }

  /** The output for several inputs, in the order of {@link #inputs()}, batch size 32 (one output). */
  public Tensor predict(List<Tensor> x) {
    return single(predictAll(x, 32), "predict");
  }

  /** The output for inputs keyed by input name, batch size 32 (one output). */
  public Tensor predict(Map<String, Tensor> x) {
    return single(predictAll(x, 32), "predict");
  }

  /** Every output for x, in the order of {@link #outputs()} (Keras's predict of a multi-output model), batch size 32. */
  public List<Tensor> predictAll(Tensor x) {
    return predictAll(List.of(x), 32);
  }

  /** Every output for inputs in the order of {@link #inputs()}, batch size 32. */
  public List<Tensor> predictAll(List<Tensor> x) {
    return predictAll(x, 32);
  }

  /** Every output for inputs keyed by input name, batch size 32. */
  public List<Tensor> predictAll(Map<String, Tensor> x) {
    return predictAll(x, 32);
  }

  /** Every output for inputs in the order of {@link #inputs()}, batch by batch. */
  public List<Tensor> predictAll(List<Tensor> x, int batchSize) {
    return trainer.predict(ModelData.inputs(this, x, "predict"), batchSize);
  }

  /** Every output for inputs keyed by input name, batch by batch. */
  public List<Tensor> predictAll(Map<String, Tensor> x, int batchSize) {
    return trainer.predict(ModelData.inputs(this, x, "predict"), batchSize);
  }

  /** The one output of a single-output model's results; a clear error naming the List method otherwise. */
  private Tensor single(List<Tensor> outs, String what) {
    if (outs.size() != 1) {
      throw new IllegalArgumentException(what + ": model \"" + name() + "\" has " + outs.size() + " outputs "
          + outputNames() + "; use " + what.replace("predict", "predictAll") + "(...), which returns a List");
    }
    return outs.get(0);
  }

  /** One training step on one batch (metrics reset first, as Keras's reset_metrics=True); returns the logs. */
  public Map<String, Double> trainOnBatch(Tensor x, Tensor y) {
    return trainOnBatch((Object) x, y, null);
  }

  /** trainOnBatch with per-sample weights. */
  public Map<String, Double> trainOnBatch(Tensor x, Tensor y, Tensor sampleWeight) {
    return trainOnBatch((Object) x, y, sampleWeight);
  }

  /** trainOnBatch on Lists in the order of {@link #inputs()} and {@link #outputs()}. */
  public Map<String, Double> trainOnBatch(List<Tensor> x, List<Tensor> y) {
    return trainOnBatch((Object) x, y, null);
  }

  /** trainOnBatch on arrays keyed by input and output names. */
  public Map<String, Double> trainOnBatch(Map<String, Tensor> x, Map<String, Tensor> y) {
    return trainOnBatch((Object) x, y, null);
  }

  /** trainOnBatch with x and y each a Tensor, List or Map, and sample weights a Tensor, List, Map or null. */
  public Map<String, Double> trainOnBatch(Object x, Object y, Object sampleWeight) {
    return trainer.trainOnBatch(ModelData.of(this, x, requireY(y, "train_on_batch"), sampleWeight, "train_on_batch"));
  }

  /** The loss and metrics on one batch, without updating weights. */
  public Map<String, Double> testOnBatch(Tensor x, Tensor y) {
    return testOnBatch((Object) x, y, null);
  }

  /** testOnBatch on Lists in the order of {@link #inputs()} and {@link #outputs()}. */
  public Map<String, Double> testOnBatch(List<Tensor> x, List<Tensor> y) {
    return testOnBatch((Object) x, y, null);
  }

  /** testOnBatch on arrays keyed by input and output names. */
  public Map<String, Double> testOnBatch(Map<String, Tensor> x, Map<String, Tensor> y) {
    return testOnBatch((Object) x, y, null);
  }

  /** testOnBatch with x and y each a Tensor, List or Map, and sample weights a Tensor, List, Map or null. */
  public Map<String, Double> testOnBatch(Object x, Object y, Object sampleWeight) {
    return trainer.testOnBatch(ModelData.of(this, x, requireY(y, "test_on_batch"), sampleWeight, "test_on_batch"));
  }

  /** The output for one batch in inference mode (Keras's {@code predict_on_batch}); one output. */
  public Tensor predictOnBatch(Tensor x) {
    return single(predictAllOnBatch(List.of(x)), "predictOnBatch");
  }

  /** The output for one batch of several inputs, in the order of {@link #inputs()}; one output. */
  public Tensor predictOnBatch(List<Tensor> x) {
    return single(predictAllOnBatch(x), "predictOnBatch");
  }

  /** Every output for one batch, in the order of {@link #outputs()}; x in the order of {@link #inputs()}. */
  public List<Tensor> predictAllOnBatch(List<Tensor> x) {
    return trainer.predictOnBatch(ModelData.inputs(this, x, "predict_on_batch"));
  }

  /** Every output for one batch of inputs keyed by input name. */
  public List<Tensor> predictAllOnBatch(Map<String, Tensor> x) {
    return trainer.predictOnBatch(ModelData.inputs(this, x, "predict_on_batch"));
  }

  // ---------------------------------------------------------------- steps (override for a custom loop body)

  /**
   * One training step on one batch, Keras's {@code train_step(data)} with {@code data = (x, y, sample_weight)}
   * (sampleWeight may be null); returns the logs that callbacks and the progress bar show. fit() and
   * trainOnBatch call it for every batch of a one-input one-output model (several: the List form). The
   * default: forward under a GradientTape, {@link #computeLoss}, gradients of {@link #trainableVariables()},
   * the optimizer, {@link #computeMetrics}. Override it for a custom loop body (two optimizers, a gradient
   * penalty) and still use fit() with callbacks and progress. Tensors made in a step are released when it
   * ends (a {@code TensorScope}): keep doubles, or {@code keep()}.
   */
  public Map<String, Double> trainStep(Tensor x, Tensor y, Tensor sampleWeight) {
    return trainer.defaultTrainStep(List.of(x), List.of(y), java.util.Collections.singletonList(sampleWeight));
  }

  /**
   * The training step as fit() calls it: x in the order of {@link #inputs()}, y and the sample weights (entries
   * may be null) of {@link #outputs()}. With one input and one output it runs {@link #trainStep(Tensor, Tensor,
   * Tensor)}, so overriding that one is enough for such models; override this one for several.
   */
  public Map<String, Double> trainStep(List<Tensor> x, List<Tensor> y, List<Tensor> sampleWeight) {
    if (x.size() == 1 && y.size() == 1) {
      return trainStep(x.get(0), y.get(0), sampleWeight.get(0));
    }
    return trainer.defaultTrainStep(x, y, sampleWeight);
  }

  /** One evaluation step, Keras's {@code test_step(data)}: loss and metrics without updates; returns the logs. */
  public Map<String, Double> testStep(Tensor x, Tensor y, Tensor sampleWeight) {
    return trainer.defaultTestStep(List.of(x), List.of(y), java.util.Collections.singletonList(sampleWeight));
  }

  /** The evaluation step as evaluate() calls it (see {@link #trainStep(List, List, List)}). */
  public Map<String, Double> testStep(List<Tensor> x, List<Tensor> y, List<Tensor> sampleWeight) {
    if (x.size() == 1 && y.size() == 1) {
      return testStep(x.get(0), y.get(0), sampleWeight.get(0));
    }
    return trainer.defaultTestStep(x, y, sampleWeight);
  }

  /** One prediction step, Keras's {@code predict_step(data)}: the output in inference mode. */
  public Tensor predictStep(Tensor x) {
    return single(trainer.defaultPredictStep(List.of(x)), "predictStep");
  }

  /**
   * The prediction step as predict() calls it: every output. With one input and one output it runs
   * {@link #predictStep(Tensor)}.
   */
  public List<Tensor> predictStep(List<Tensor> x) {
    if (x.size() == 1 && outputCount() == 1) {
      return List.of(predictStep(x.get(0)));
    }
    return trainer.defaultPredictStep(x);
  }

  /**
   * Keras's {@code compute_loss(x, y, y_pred, sample_weight)}: the compiled loss plus the model's
   * {@link #losses()} (regularization). Fails as Keras does when neither exists.
   */
  public Tensor computeLoss(Tensor x, Tensor y, Tensor yPred, Tensor sampleWeight) {
    return computeLoss(List.of(x), List.of(y), List.of(yPred), java.util.Collections.singletonList(sampleWeight));
  }

  /**
   * compute_loss for several outputs: {@code sum(weight_i * loss_i)} plus {@link #losses()}, each output's
   * unweighted loss tracked for the {@code <output>_loss} logs (sampleWeight: null, or one entry per output).
   */
  public Tensor computeLoss(List<Tensor> x, List<Tensor> y, List<Tensor> yPred, List<Tensor> sampleWeight) {
    return trainer.totalLoss(y, Trainer.unmasked(yPred), sampleWeight);
  }

  /**
   * Keras's {@code compute_metrics(x, y, y_pred, sample_weight)}: updates the compiled metrics with this
   * batch and returns the logs (the running loss of the default steps, when they ran, and every metric).
   */
  public Map<String, Double> computeMetrics(Tensor x, Tensor y, Tensor yPred, Tensor sampleWeight) {
    return computeMetrics(List.of(x), List.of(y), List.of(yPred), java.util.Collections.singletonList(sampleWeight));
  }

  /** compute_metrics for several outputs, in the order of {@link #outputs()}. */
  public Map<String, Double> computeMetrics(List<Tensor> x, List<Tensor> y, List<Tensor> yPred,
      List<Tensor> sampleWeight) {
    trainer.updateMetrics(y, Trainer.unmasked(yPred));
    return trainer.logs();
  }

  /** Resets the compiled metrics and the loss tracker; fit() calls it at each epoch's start (Keras's reset_metrics). */
  public void resetMetrics() {
    trainer.resetMetrics();
  }

  /** The compiled optimizer, or null. */
  public Optimizer optimizer() {
    return trainer.optimizer;
  }

  /**
   * The compiled loss of a single-output model, or null. A model with several outputs has
   * {@link #outputLosses()}; this fails for it, naming that method.
   */
  public Loss loss() {
    if (trainer.compiled == null) {
      return null;
    }
    if (trainer.compiled.size() != 1) {
      throw new IllegalStateException("Model \"" + name() + "\" has " + trainer.compiled.size() + " outputs "
          + outputNames() + ": its losses are outputLosses()");
    }
    return trainer.compiled.losses().get(0);
  }

  /** The compiled loss of each output (null entries: none), in the order of {@link #outputs()}; empty before compile. */
  public List<Loss> outputLosses() {
    return trainer.compiled == null ? List.of() : trainer.compiled.losses();
  }

  /** The compiled loss weight of each output (null entries: none given, i.e. 1); empty before compile. */
  public List<Double> lossWeights() {
    return trainer.compiled == null ? List.of() : trainer.compiled.weights();
  }

  /** The compiled metrics of each output, in the order of {@link #outputs()}; empty before compile. */
  public List<List<Metric>> outputMetrics() {
    return trainer.compiled == null ? List.of() : trainer.compiled.metrics();
  }

  /** The compiled metrics, output by output. */
  public List<Metric> metrics() {
    return trainer.metrics();
  }

  /** The History of the last fit(), or null. */
  public History history() {
    return trainer.history;
  }

  /** Installs a History (model files restore the saved one). */
  public void restoreHistory(History h) {
    trainer.history = h;
  }

  /** True once compile() was called. */
  public boolean compiled() {
    return trainer.optimizer != null;
  }

  /** Builds the model for inputs of {@code xShape} if it has no graph yet (a Sequential without input shape). */
  protected void buildFor(long[] xShape) {}

  /** For callbacks' onTrainBegin (BackupAndRestore): makes the running fit() start at {@code epoch}. */
  public void resumeAtEpoch(int epoch) {
    trainer.resumeAt(epoch, null);
  }

  /**
   * For callbacks' onTrainBegin (BackupAndRestore): makes the running fit() start at {@code epoch} with its
   * shuffle generator in {@code shuffle} (saved by {@link #shuffleState()}; null: a fresh generator), so that
   * it continues exactly as the interrupted run would have.
   */
  public void resumeAtEpoch(int epoch, Shuffling.State shuffle) {
    trainer.resumeAt(epoch, shuffle);
  }

  /** The running fit()'s shuffle generator state (seed and orders drawn), or null when it does not shuffle. */
  public Shuffling.State shuffleState() {
    return trainer.shuffleState();
  }

  /** Asks fit() to stop at the end of the current batch (for callbacks). */
  public void setStopTraining(boolean stop) {
    stopTraining = stop;
  }

  public boolean stopTraining() {
    return stopTraining;
  }

  // ---------------------------------------------------------------- summary and files

  /** Keras's summary table as a string. */
  public String summaryString() {
    return Summary.of(this);
  }

  /** Prints Keras's summary table. */
  public void summary() {
    System.out.print(summaryString());
  }

  /**
   * Saves the model. The name picks the format, as in Keras: {@code .keras} is Keras 3's format and
   * {@code .h5} legacy Keras HDF5 (both need {@code toolkit-keras}); any other name gets tapekit's own zip
   * (architecture, weights, optimizer state and history: the only one that resumes training exactly).
   */
  public void save(Path path) {
    ModelFormats.save(this, path);
  }

  /** Saves only the weights ({@code .h5}: Keras's layout; other names: tapekit's). */
  public void saveWeights(Path path) {
    ModelFormats.saveWeights(this, path);
  }

  /** Loads weights from a file saved by {@link #saveWeights} or a full model file, in any format read. */
  public void loadWeights(Path path) {
    ModelFormats.loadWeights(this, path);
  }

  @Override
  public Map<String, Object> getConfig() {
    if (inputs.isEmpty()) {
      // as Keras: a subclassed model is saved by its weights unless it says how to rebuild it
      throw new UnsupportedOperationException("Model \"" + name() + "\" (" + className() + ") is a subclassed model "
          + "without a config: save it with saveWeights(), or override getConfig()");
    }
    return ModelConfigs.functionalConfig(this);
  }
}

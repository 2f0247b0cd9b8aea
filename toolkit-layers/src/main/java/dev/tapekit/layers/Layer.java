package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.constraints.Constraint;
import dev.tapekit.layers.initializers.Initializer;
import dev.tapekit.layers.regularizers.Regularizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's layer contract: weights are created lazily by {@link #build} on the first call, once the
 * input shape is known; {@link #call} computes the output; {@link #getConfig} describes the layer in
 * Keras's config shape so {@link Layers#deserialize} can rebuild it.
 *
 * <p>Shapes are batch-first and use -1 for an unknown size (Keras's None). {@link #apply} builds the layer
 * if needed, checks the input against the layer's {@link InputSpec} and calls it; on {@link KerasTensor}s
 * it extends a functional graph instead.
 */
public abstract class Layer {
  private final String name;
  private boolean trainable;
  protected final DType dtype;
  private final long[] declaredInputShape;
  private boolean built;
  private long[] builtInputShape;
  private long[] outputShape;
  private final List<Variable> weights = new ArrayList<>();
  private final List<Variable> trainableWeights = new ArrayList<>();
  private final Map<Variable, Regularizer> regularizers = new LinkedHashMap<>();
  private final Map<Variable, Constraint> constraints = new LinkedHashMap<>();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Layer.class);
  private boolean warnedMaskDropped;
  /** Nested layers whose weights this layer holds (Keras's {@code layer._layers}), in tracking order. */
  private final List<Layer> trackedLayers = new ArrayList<>();
  /** What {@link #apply} accepts; set by subclasses, usually in {@link #build}. */
  protected InputSpec inputSpec;

  /** A layer with the common arguments of a builder. */
  protected Layer(Builder<?> b) {
    this(b.name, b.trainable, b.dtype, b.inputShape);
  }

  /** A layer with a name (null for an automatic one), trainability, dtype and optional input shape (no batch). */
  protected Layer(String name, boolean trainable, DType dtype, long[] inputShape) {
    this.name = name != null ? name : Names.uniquify(Names.snakeCase(className()));
    this.trainable = trainable;
    this.dtype = dtype == null ? DType.FLOAT32 : dtype;
    this.declaredInputShape = inputShape == null ? null : inputShape.clone();
  }

  // ---------------------------------------------------------------- the contract

  /** Keras's class name, used in configs and summaries. */
  public String className() {
    return getClass().getSimpleName();
  }

  /** Creates the weights for inputs of {@code inputShape} (batch first). */
  public void build(long[] inputShape) {}

  /** Creates the weights of a multi-input layer; by default builds from the first shape. */
  public void build(List<long[]> inputShapes) {
    build(inputShapes.get(0));
  }

  /** The layer's computation on one input. */
  public abstract Tensor call(Tensor inputs, boolean training);

  /** The computation on several inputs; single-input layers accept a one-element list. */
  public Tensor call(List<Tensor> inputs, boolean training) {
    if (inputs.size() != 1) {
      throw new IllegalArgumentException("Layer \"" + name + "\" expects 1 input, but it received "
          + inputs.size() + " input tensors");
    }
    return call(inputs.get(0), training);
  }

  /**
   * The output shape for inputs of these shapes (-1 for unknown sizes). By default the layer is run once
   * on zeros with unknown sizes set to 1, and the batch axis is reported unknown again, as Keras 3 traces
   * layers without a static rule.
   */
  public long[] computeOutputShape(List<long[]> inputShapes, List<DType> dtypes) {
    List<Tensor> dummies = new ArrayList<>();
    for (int i = 0; i < inputShapes.size(); i++) {
      long[] s = inputShapes.get(i).clone();
      for (int d = 0; d < s.length; d++) {
        s[d] = s[d] < 0 ? 1 : s[d];
      }
      dummies.add(Tensor.zeros(dtypes.get(i), s));
    }
    long[] out = call(dummies, false).shape();
    if (out.length > 0 && inputShapes.get(0).length > 0 && inputShapes.get(0)[0] < 0) {
      out[0] = -1;
    }
    return out;
  }

  /** The output shape for one input shape. */
  public long[] computeOutputShape(long[] inputShape) {
    return computeOutputShape(List.of(inputShape), List.of(dtype));
  }

  // ---------------------------------------------------------------- calling

  /** Calls the layer in inference mode (training = false). */
  public Tensor apply(Tensor inputs) {
    return apply(inputs, false);
  }

  /** Builds on first use, checks the input and calls the layer. */
  public Tensor apply(Tensor inputs, boolean training) {
    return apply(inputs, training, null);
  }

  /** Builds on first use, checks the input and calls the layer with the input's mask (may be null). */
  public Tensor apply(Tensor inputs, boolean training, Tensor mask) {
    long[] shape = inputs.shape();
    if (!built) {
      buildOnce(List.of(shape));
    }
    if (inputSpec != null) {
      inputSpec.check(name, 0, shape);
    }
    return call(inputs, training, mask);
  }

  /** Calls a multi-input layer. */
  public Tensor apply(List<Tensor> inputs, boolean training) {
    return apply(inputs, training, null);
  }

  /** Calls a multi-input layer with the inputs' masks ({@code masks} null, or one entry, maybe null, per input). */
  public Tensor apply(List<Tensor> inputs, boolean training, List<Tensor> masks) {
    if (inputs.size() == 1) {
      return apply(inputs.get(0), training, masks == null ? null : masks.get(0));
    }
    if (!built) {
      List<long[]> shapes = new ArrayList<>();
      for (Tensor t : inputs) {
        shapes.add(t.shape());
      }
      buildOnce(shapes);
    }
    checkInputs(inputs.stream().map(Tensor::shape).toList());
    return masks == null ? call(inputs, training) : call(inputs, training, masks);
  }

  // ---------------------------------------------------------------- masks

  /**
   * Keras's {@code supports_masking}: whether the layer passes a mask on (by default the input's, see
   * {@link #computeMask}). A layer that does not drops the mask with a warning, as Keras 3 does.
   */
  public boolean supportsMasking() {
    return false;
  }

  /** Keras's {@code compute_mask}: the output's mask (a bool tensor, or null) for these inputs and input mask. */
  public Tensor computeMask(Tensor inputs, Tensor mask) {
    return supportsMasking() ? mask : null;
  }

  /** The output mask of a multi-input call; by default the first input's, as Keras passes the first mask. */
  public Tensor computeMask(List<Tensor> inputs, List<Tensor> masks) {
    return computeMask(inputs.get(0), masks.get(0));
  }

  /** The computation with the input's mask (null when there is none); by default the mask is not used. */
  public Tensor call(Tensor inputs, boolean training, Tensor mask) {
    return call(inputs, training);
  }

  /** The multi-input computation with the inputs' masks; by default the masks are not used. */
  public Tensor call(List<Tensor> inputs, boolean training, List<Tensor> masks) {
    return inputs.size() == 1 ? call(inputs.get(0), training, masks.get(0)) : call(inputs, training);
  }

  /**
   * Calls the layer with masks and returns its output with the output's mask, as Keras attaches
   * {@code _keras_mask} to outputs. {@code masks} has one entry (maybe null) per input.
   */
  public Masked applyMasked(List<Tensor> inputs, List<Tensor> masks, boolean training) {
    if (masks.size() != inputs.size()) {
      throw new IllegalArgumentException("Layer \"" + name + "\": " + inputs.size() + " inputs but " + masks.size()
          + " masks");
    }
    Tensor out = apply(inputs, training, masks);
    if (supportsMasking()) {
      return new Masked(out, inputs.size() == 1 ? computeMask(inputs.get(0), masks.get(0)) : computeMask(inputs, masks));
    }
    if (masks.stream().anyMatch(java.util.Objects::nonNull) && !warnedMaskDropped) {
      warnedMaskDropped = true;
      LOG.warn("Layer '{}' (of type {}) was passed an input with a mask attached to it. However, this layer does not "
          + "support masking and will therefore destroy the mask information. Downstream layers will not see the mask.",
          name, className());
    }
    return new Masked(out, null);
  }

  /** Extends a functional graph: the symbolic output of calling this layer on {@code inputs}. */
  public KerasTensor apply(KerasTensor... inputs) {
    return apply(Arrays.asList(inputs));
  }

  /** Extends a functional graph with a call on several symbolic inputs. */
  public KerasTensor apply(List<KerasTensor> inputs) {
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("Layer \"" + name + "\" was called without inputs");
    }
    List<long[]> shapes = new ArrayList<>();
    List<DType> dtypes = new ArrayList<>();
    for (KerasTensor k : inputs) {
      shapes.add(k.shape());
      dtypes.add(k.dtype());
    }
    if (!built) {
      buildOnce(shapes);
    }
    checkInputs(shapes);
    long[] out = computeOutputShape(shapes, dtypes);
    outputShape = out.clone();
    return new KerasTensor(out, outputDType(dtypes), this, inputs);
  }

  /** The dtype of the symbolic output; the layer's dtype unless a subclass knows better. */
  protected DType outputDType(List<DType> inputDTypes) {
    return dtype;
  }

  /** Checks input shapes against the InputSpec; layers whose extra inputs differ (RNN initial states) override. */
  protected void checkInputs(List<long[]> shapes) {
    if (inputSpec != null) {
      for (int i = 0; i < shapes.size(); i++) {
        inputSpec.check(name, i, shapes.get(i));
      }
    }
  }

  private void buildOnce(List<long[]> shapes) {
    if (shapes.size() == 1) {
      build(shapes.get(0));
    } else {
      build(shapes);
    }
    builtInputShape = shapes.get(0).clone();
    built = true;
  }

  /** Builds the layer for inputs of {@code inputShape} unless it is built already (Keras's {@code build}). */
  public void ensureBuilt(long[] inputShape) {
    if (!built) {
      buildOnce(List.of(inputShape));
    }
  }

  // ---------------------------------------------------------------- weights

  /**
   * Creates a weight of this layer, named "layer/name", initialized now; refused with a
   * {@link ModelTooLargeException} when it would take the model past {@link ModelSizeLimit#maxModelBytes()}.
   */
  protected Variable addWeight(String weightName, long[] shape, Initializer initializer, Regularizer regularizer,
      Constraint constraint, boolean trainableWeight) {
    long held = 0;
    for (Variable w : weights) {
      held = ModelSizeLimit.add(held, ModelSizeLimit.bytes(w.shape(), w.dtype()));
    }
    ModelSizeLimit.check(this, weightName, shape, dtype, held);
    Tensor init = initializer.apply(shape, dtype);
    Variable v = new Variable(init, name + "/" + weightName, trainableWeight);
    weights.add(v);
    if (trainableWeight) {
      trainableWeights.add(v);
    }
    if (regularizer != null) {
      regularizers.put(v, regularizer);
    }
    if (constraint != null) {
      constraints.put(v, constraint);
    }
    return v;
  }

  /**
   * Tracks a nested layer, as Keras tracks a layer assigned to an attribute: its weights become this layer's
   * (after this layer's own), {@link #setTrainable} reaches it, and its regularization losses and constraints
   * count. Tracking the same layer twice keeps one entry. Returns the layer.
   */
  protected <L extends Layer> L trackLayer(L layer) {
    if (layer == null) {
      throw new IllegalArgumentException("Layer \"" + name + "\": cannot track a null layer");
    }
    if (layer == this) {
      throw new IllegalArgumentException("Layer \"" + name + "\" cannot track itself");
    }
    for (Layer l : trackedLayers) {
      if (l == layer) {
        return layer;
      }
    }
    trackedLayers.add(layer);
    return layer;
  }

  /** Adopts the weights of a nested layer (models and wrappers): tracks it, see {@link #trackLayer}. */
  protected void trackWeightsOf(Layer inner) {
    trackLayer(inner);
  }

  /**
   * The nested layers whose weights this layer holds, each once (Keras's {@code layer._layers}): those given
   * to {@link #trackLayer}; a model adds its own layers.
   */
  protected List<Layer> sublayers() {
    return trackedLayers;
  }

  /**
   * All weights, in Keras 3's order: this layer's own trainable weights, then its own non-trainable ones
   * (each in creation order), then each nested layer's weights in turn, every variable once. The order does
   * not depend on freezing, so the weights of a frozen model can be set into an unfrozen copy.
   */
  public List<Variable> weights() {
    List<Variable> out = new ArrayList<>(trainableWeights);
    for (Variable v : weights) {
      if (!trainableWeights.contains(v)) {
        out.add(v);
      }
    }
    List<Layer> subs = sublayers();
    if (subs.isEmpty()) {
      return out;
    }
    java.util.Set<Variable> seen = identitySet(out);
    for (Layer l : subs) {
      for (Variable v : l.weights()) {
        if (seen.add(v)) {
          out.add(v);
        }
      }
    }
    return out;
  }

  /**
   * The weights an optimizer updates, in {@link #weights()} order: empty when the layer is frozen, else its
   * own trainable weights and those of its nested layers that are not frozen (Keras's {@code trainable_weights}).
   */
  public List<Variable> trainableWeights() {
    if (!trainable) {
      return List.of();
    }
    List<Layer> subs = sublayers();
    if (subs.isEmpty()) {
      return List.copyOf(trainableWeights);
    }
    java.util.Set<Variable> tw = identitySet(trainableWeights);
    for (Layer l : subs) {
      tw.addAll(l.trainableWeights());
    }
    List<Variable> out = new ArrayList<>(tw.size());
    for (Variable v : weights()) {
      if (tw.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /** The other weights, in {@link #weights()} order: non-trainable ones, or all of a frozen layer. */
  public List<Variable> nonTrainableWeights() {
    if (!trainable) {
      return weights();
    }
    java.util.Set<Variable> tw = identitySet(trainableWeights());
    List<Variable> out = new ArrayList<>();
    for (Variable v : weights()) {
      if (!tw.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  private static java.util.Set<Variable> identitySet(List<Variable> vs) {
    java.util.Set<Variable> s = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    s.addAll(vs);
    return s;
  }

  /**
   * The losses to add to the training loss: the regularization penalties of the trainable weights, this
   * layer's and its nested layers' (Keras 3 regularizes {@code trainable_weights} only: a frozen layer adds
   * none), recorded on active tapes.
   */
  public List<Tensor> losses() {
    if (!trainable) {
      return List.of();
    }
    List<Tensor> out = new ArrayList<>();
    for (Map.Entry<Variable, Regularizer> e : regularizers.entrySet()) {
      if (trainableWeights.contains(e.getKey())) {
        out.add(e.getValue().apply(e.getKey().read()));
      }
    }
    java.util.Set<Layer> visited = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    visited.add(this);
    for (Layer l : sublayers()) {
      if (visited.add(l)) {
        out.addAll(l.losses());
      }
    }
    return out;
  }

  /**
   * The random generators of this layer and its nested layers, each once, in layer order (Keras 3's
   * {@code layer.seed_generators}): what a resumed training run must continue to draw the same dropout masks.
   */
  public List<SeedGenerator> seedGenerators() {
    List<SeedGenerator> out = new ArrayList<>(ownSeedGenerators());
    java.util.Set<Layer> visited = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    visited.add(this);
    for (Layer l : sublayers()) {
      if (visited.add(l)) {
        for (SeedGenerator g : l.seedGenerators()) {
          if (!out.contains(g)) {
            out.add(g);
          }
        }
      }
    }
    return out;
  }

  /** This layer's own random generators (Dropout's, a recurrent layer's dropout masks'); none by default. */
  protected List<SeedGenerator> ownSeedGenerators() {
    return List.of();
  }

  /** Projects constrained weights (this layer's and its nested layers') after an optimizer step. */
  public void applyConstraints() {
    for (Map.Entry<Variable, Constraint> e : constraints.entrySet()) {
      e.getKey().assign(e.getValue().apply(e.getKey().peek()));
    }
    for (Layer l : sublayers()) {
      if (l != this) {
        l.applyConstraints();
      }
    }
  }

  /** True if some weight, this layer's or a nested layer's, has a constraint. */
  public boolean hasConstraints() {
    if (!constraints.isEmpty()) {
      return true;
    }
    for (Layer l : sublayers()) {
      if (l != this && l.hasConstraints()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Copies of the current weight values, in {@link #weights()} order (as Keras's {@code get_weights()}
   * returns NumPy copies): training afterwards never changes them.
   */
  public List<Tensor> getWeights() {
    List<Tensor> out = new ArrayList<>();
    for (Variable v : weights()) {
      out.add(v.withStorage(a -> Tensor.fromINDArray(a.dup('c'))));
    }
    return out;
  }

  /** Replaces the weight values, in {@link #weights()} order. */
  public void setWeights(List<Tensor> values) {
    List<Variable> ws = weights();
    if (values.size() != ws.size()) {
      throw new IllegalArgumentException("Layer \"" + name + "\" weight list length mismatch: expected "
          + ws.size() + " weights, received " + values.size());
    }
    for (int i = 0; i < ws.size(); i++) {
      ws.get(i).assign(values.get(i));
    }
  }

  /** Number of scalars in the weights. */
  public long countParams() {
    long n = 0;
    for (Variable v : weights()) {
      long s = 1;
      for (long d : v.shape()) {
        s *= d;
      }
      n += s;
    }
    return n;
  }

  // ---------------------------------------------------------------- state and config

  public String name() {
    return name;
  }

  public boolean trainable() {
    return trainable;
  }

  /**
   * Freezes or unfreezes the layer and, as in Keras 3, every nested layer (a model's layers, a wrapper's
   * inner layer): {@code model.setTrainable(false)} makes every sublayer's {@code trainable()} false.
   */
  public void setTrainable(boolean trainable) {
    this.trainable = trainable;
    for (Layer l : sublayers()) {
      if (l != this) {
        l.setTrainable(trainable);
      }
    }
  }

  public boolean built() {
    return built;
  }

  public DType dtype() {
    return dtype;
  }

  /** The input shape given to the layer's builder (no batch axis), or null. */
  public long[] declaredInputShape() {
    return declaredInputShape == null ? null : declaredInputShape.clone();
  }

  /** The (first) input shape the layer was built for, or null. */
  public long[] builtInputShape() {
    return builtInputShape == null ? null : builtInputShape.clone();
  }

  /** The output shape of the last symbolic call, or null. */
  public long[] outputShape() {
    return outputShape == null ? null : outputShape.clone();
  }

  /** Records the output shape (models set it when they trace their layers). */
  public void setOutputShape(long[] shape) {
    this.outputShape = shape.clone();
  }

  /** Keras's config: name, trainable, dtype and the layer's own arguments, snake_case. */
  public Map<String, Object> getConfig() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("trainable", trainable);
    m.put("dtype", dtype.tfName());
    if (declaredInputShape != null) {
      List<Object> s = new ArrayList<>();
      s.add(null);
      s.addAll(Config.shapeToList(declaredInputShape));
      m.put("batch_input_shape", s);
    }
    return m;
  }

  /** A cast to this layer's dtype when the input differs (Keras's autocast of float inputs). */
  protected Tensor castInput(Tensor x) {
    return x.dtype() == dtype || !x.dtype().isFloating() && !dtype.isFloating() ? x : Ops.cast(x, dtype);
  }

  @Override
  public String toString() {
    return "<" + className() + " name=" + name + ", built=" + built + ">";
  }

  // ---------------------------------------------------------------- builders

  /** Common arguments of every layer's builder: name, trainable, dtype, inputShape. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<B extends Builder<B>> {
    String name;
    boolean trainable = true;
    DType dtype = DType.FLOAT32;
    long[] inputShape;

    /** The layer's name; automatic when not set. */
    public B name(String name) {
      this.name = name;
      return (B) this;
    }

    public B trainable(boolean trainable) {
      this.trainable = trainable;
      return (B) this;
    }

    /** The dtype of weights and computation, "float32" (default) or "float64". */
    public B dtype(String dtype) {
      this.dtype = DType.fromName(dtype);
      return (B) this;
    }

    public B dtype(DType dtype) {
      this.dtype = dtype;
      return (B) this;
    }

    /** The input shape without the batch axis; lets a Sequential model build at once. */
    public B inputShape(long... shape) {
      this.inputShape = shape.clone();
      return (B) this;
    }

    /** Reads name, trainable, dtype and batch_input_shape from a Keras config. */
    public B baseConfig(Map<String, Object> c) {
      name = Config.getString(c, "name", null);
      if (c.get("activity_regularizer") != null) {
        // Keras adds activity_regularizer(output) to the loss; tapekit has no per-call losses yet, and
        // dropping it silently would train another model
        throw new IllegalArgumentException("Layer \"" + (name == null ? "?" : name) + "\": activity_regularizer is "
            + "not supported, received activity_regularizer=" + Config.repr(c.get("activity_regularizer")));
      }
      trainable = Config.getBool(c, "trainable", true);
      Object dt = c.get("dtype");
      if (dt instanceof Map) {
        // Keras 3.4+ writes a DTypePolicy
        dt = Config.getMap(Config.getMap(c, "dtype"), "config").get("name");
      }
      if (dt != null) {
        dtype = DType.fromName(dt.toString());
      }
      long[] bis = Config.shapeFromList(c.get("batch_input_shape"), "batch_input_shape");
      if (bis != null) {
        inputShape = Arrays.copyOfRange(bis, 1, bis.length);
      }
      return (B) this;
    }
  }
}

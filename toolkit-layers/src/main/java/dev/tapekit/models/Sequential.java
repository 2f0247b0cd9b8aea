package dev.tapekit.models;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Masked;
import dev.tapekit.layers.ModelSizeLimit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras's Sequential: a stack of single-input layers. The input shape comes from a leading {@link Input},
 * a first layer's {@code inputShape}, or the first batch it sees.
 */
public class Sequential extends Model {
  private final List<Layer> stack = new ArrayList<>();
  private Input input;
  private boolean graphBuilt;

  /** An empty model named "sequential" (uniquified). */
  public Sequential() {
    this(List.of(), null);
  }

  /** A model of these layers; an {@link Input} first fixes the input shape. */
  public Sequential(Layer... layers) {
    this(Arrays.asList(layers), null);
  }

  /** A named model of these layers. */
  public Sequential(List<? extends Layer> layers, String name) {
    super(name, "sequential");
    for (Layer l : layers) {
      add(l);
    }
  }

  /** Appends a layer. */
  public void add(Layer layer) {
    if (layer == null) {
      throw new IllegalArgumentException("Sequential.add: layer is null");
    }
    if (layer instanceof Input) {
      if (input != null || !stack.isEmpty()) {
        throw new IllegalArgumentException("Sequential model \"" + name() + "\": an Input must be the first layer");
      }
      input = (Input) layer;
      return;
    }
    for (Layer l : stack) {
      if (l.name().equals(layer.name())) {
        throw new IllegalArgumentException("All layers added to a Sequential model should have unique names. Name \""
            + layer.name() + "\" is already the name of a layer in this model.");
      }
    }
    if (stack.isEmpty() && input == null && layer.declaredInputShape() != null) {
      input = new Input(layer.declaredInputShape());
    }
    stack.add(layer);
    graphBuilt = false;
    if (input != null) {
      rebuildGraph();
    }
  }

  /** Removes the last layer. */
  public void pop() {
    if (stack.isEmpty()) {
      throw new IllegalStateException("There are no layers in the model.");
    }
    stack.remove(stack.size() - 1);
    graphBuilt = false;
    if (input != null && !stack.isEmpty()) {
      rebuildGraph();
    }
  }

  private void rebuildGraph() {
    KerasTensor x = input.output();
    // the weights of layers built before count against the model size limit with those built now
    long built = 0;
    java.util.Set<dev.tapekit.core.Variable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (Layer l : stack) {
      for (dev.tapekit.core.Variable v : l.weights()) {
        if (seen.add(v)) {
          built = ModelSizeLimit.add(built, ModelSizeLimit.bytes(v.shape(), v.dtype()));
        }
      }
    }
    try (ModelSizeLimit.Scope scope = ModelSizeLimit.open(built)) {
      for (Layer l : stack) {
        x = l.apply(x);
      }
    }
    // set first: setGraph marks the model built, which calls back into build()
    graphBuilt = true;
    try {
      setGraph(List.of(input.output()), List.of(x));
    } catch (RuntimeException e) {
      graphBuilt = false;
      throw e;
    }
  }

  /** Builds for inputs of {@code inputShape} (batch first, -1 for None), as Keras's model.build(). */
  @Override
  public void build(long[] inputShape) {
    if (input == null) {
      input = new Input(Arrays.copyOfRange(inputShape, 1, inputShape.length));
    }
    if (!graphBuilt && !stack.isEmpty()) {
      rebuildGraph();
    }
  }

  @Override
  protected void buildFor(long[] xShape) {
    if (!graphBuilt) {
      long[] s = xShape.clone();
      s[0] = -1;
      build(s);
    }
  }

  /**
   * Keras 3's input check of a model with a declared input: the rank and every known dimension must
   * match (a Reshape behind the input would otherwise accept any array of the right size).
   */
  private void checkInput(long[] got) {
    if (input != null) {
      input.dataSpec().check(name(), 0, got);
    }
  }

  /** The layers, without the input layer (as Keras's model.layers). */
  @Override
  public List<Layer> layers() {
    return List.copyOf(stack);
  }

  /** The input layer, or null before the input shape is known. */
  public Input inputLayer() {
    return input;
  }

  @Override
  public String className() {
    return "Sequential";
  }

  @Override
  public boolean built() {
    return graphBuilt;
  }

  @Override
  public Tensor call(Tensor x, boolean training) {
    return applyMasked(List.of(x), java.util.Collections.singletonList(null), training).output();
  }

  /** Runs the stack, passing each layer's output mask to the next (Keras's {@code _keras_mask}). */
  @Override
  public Masked applyMasked(List<Tensor> xs, List<Tensor> masks, boolean training) {
    if (xs.size() != 1) {
      throw new IllegalArgumentException("Sequential model \"" + name() + "\" takes one input, got " + xs.size());
    }
    if (stack.isEmpty()) {
      throw new IllegalStateException("Sequential model \"" + name() + "\" has no layers");
    }
    Tensor x = xs.get(0);
    buildFor(x.shape());
    checkInput(x.shape());
    Masked y = new Masked(x, masks.get(0));
    for (int i = 0, n = stack.size(); i < n; i++) {
      Masked fused = i + 1 < n ? LayerFusion.apply(stack.get(i), stack.get(i + 1), y) : null;
      if (fused != null) {
        y = fused;
        i++;
        continue;
      }
      y = stack.get(i).applyMasked(List.of(y.output()), java.util.Collections.singletonList(y.mask()), training);
    }
    return y;
  }

  @Override
  public Tensor call(List<Tensor> xs, boolean training) {
    if (xs.size() != 1) {
      throw new IllegalArgumentException("Sequential model \"" + name() + "\" takes one input, got " + xs.size());
    }
    return call(xs.get(0), training);
  }

  @Override
  public Map<String, Object> getConfig() {
    return ModelConfigs.sequentialConfig(this);
  }
}

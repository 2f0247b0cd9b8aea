package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's Bidirectional: a forward copy of an RNN and a backward one (a copy with go_backwards flipped,
 * or the given {@code backwardLayer}), merged by {@code mergeMode}: "concat" (default), "sum", "mul",
 * "ave", or null for both outputs apart ({@link #callSeparately}). The backward sequence output is
 * reversed back into time order; with return_sequences both layers output zeros at masked steps.
 */
public final class Bidirectional extends Wrapper {
  private static final List<String> MODES = java.util.Arrays.asList("concat", "sum", "mul", "ave", null);
  private final BaseRNN forward;
  private final BaseRNN backward;
  private final String mergeMode;

  /** Wraps {@code layer} with merge mode "concat". */
  public Bidirectional(Layer layer) {
    this(layer, "concat", null, null);
  }

  /**
   * Wraps {@code layer}; {@code backwardLayer} (may be null) replaces the automatic backward copy and must
   * differ from {@code layer} in go_backwards only. {@code name} may be null.
   */
  public Bidirectional(Layer layer, String mergeMode, Layer backwardLayer, String name) {
    this(layer, mergeMode, backwardLayer, name, layer.declaredInputShape());
  }

  private Bidirectional(Layer layer, String mergeMode, Layer backwardLayer, String name, long[] inputShape) {
    super(name, true, layer.dtype(), inputShape);
    if (!MODES.contains(mergeMode)) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": invalid merge mode. Received: " + mergeMode
          + ". Merge mode should be one of {\"sum\", \"mul\", \"ave\", \"concat\", None}");
    }
    this.mergeMode = mergeMode;
    forward = copy(rnn(layer), "forward_", false);
    backward = backwardLayer == null ? copy(rnn(layer), "backward_", true) : rnn(backwardLayer);
    if (forward.goBackwards == backward.goBackwards) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": forward layer and backward layer should have different "
          + "`go_backwards` value. Received: forward_layer.go_backwards " + forward.goBackwards
          + ", backward_layer.go_backwards=" + backward.goBackwards);
    }
    checkSame("stateful", forward.stateful, backward.stateful);
    checkSame("return_sequences", forward.returnSequences, backward.returnSequences);
    checkSame("return_state", forward.returnState, backward.returnState);
    // as Keras: masked steps output zeros when returning sequences
    forward.zeroOutputForMask = forward.returnSequences;
    backward.zeroOutputForMask = backward.returnSequences;
    inputSpec = InputSpec.ndim(3);
  }

  private BaseRNN rnn(Layer layer) {
    if (!(layer instanceof BaseRNN r)) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": Bidirectional wraps a recurrent layer (SimpleRNN, "
          + "LSTM, GRU), received " + layer.className() + " \"" + layer.name() + "\"");
    }
    return r;
  }

  private void checkSame(String attribute, boolean f, boolean b) {
    if (f != b) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": forward layer and backward layer are expected to have "
          + "the same value for attribute \"" + attribute + "\", got \"" + f + "\" for forward layer and \"" + b
          + "\" for backward layer");
    }
  }

  /** A fresh copy from the layer's config (as Keras), renamed with {@code prefix}, go_backwards flipped if asked. */
  @SuppressWarnings("unchecked")
  private static BaseRNN copy(BaseRNN layer, String prefix, boolean flip) {
    Map<String, Object> serialized = Layers.serialize(layer);
    Map<String, Object> config = new LinkedHashMap<>((Map<String, Object>) serialized.get("config"));
    String base = layer.name().startsWith(prefix) ? layer.name().substring(prefix.length()) : layer.name();
    config.put("name", prefix + base);
    config.remove("batch_input_shape");
    if (flip) {
      config.put("go_backwards", !layer.goBackwards);
    }
    Map<String, Object> renamed = new LinkedHashMap<>(serialized);
    renamed.put("config", config);
    return (BaseRNN) Layers.deserialize(renamed);
  }

  @Override
  protected List<Layer> innerLayers() {
    return List.of(forward, backward);
  }

  public BaseRNN forwardLayer() {
    return forward;
  }

  public BaseRNN backwardLayer() {
    return backward;
  }

  public String mergeMode() {
    return mergeMode;
  }

  @Override
  public void build(long[] inputShape) {
    forward.ensureBuilt(inputShape);
    backward.ensureBuilt(inputShape);
    inputSpec = InputSpec.ndim(3).withAxis(-1, inputShape[2]);
  }

  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Tensor computeMask(Tensor inputs, Tensor mask) {
    return forward.returnSequences ? mask : null;
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return call(inputs, training, (Tensor) null);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training, Tensor mask) {
    if (mergeMode == null) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": merge_mode=None gives two outputs, which a tapekit "
          + "model graph does not carry; call callSeparately(...) instead");
    }
    List<Tensor> ys = callSeparately(inputs, training, mask);
    Tensor y = ys.get(0);
    Tensor yRev = ys.get(1);
    switch (mergeMode) {
      case "concat": return Ops.concat(List.of(y, yRev), -1);
      case "sum": return Ops.add(y, yRev);
      case "ave": return Ops.divide(Ops.add(y, yRev), 2.0);
      default: return Ops.multiply(y, yRev);
    }
  }

  /** The forward and the backward outputs, the backward sequence back in time order (Keras's merge_mode=None). */
  public List<Tensor> callSeparately(Tensor inputs, boolean training, Tensor mask) {
    ensureBuilt(inputs.shape());
    Tensor y = forward.apply(inputs, training, mask);
    Tensor yRev = backward.apply(inputs, training, mask);
    if (forward.returnSequences) {
      long steps = yRev.shape()[1];
      long[] reversed = new long[(int) steps];
      for (int i = 0; i < steps; i++) {
        reversed[i] = steps - 1 - i;
      }
      yRev = Ops.gather(yRev, Tensor.ofLongs(reversed, steps), 1);
    }
    return List.of(y, yRev);
  }

  /** Keras's {@code reset_states()} of a stateful Bidirectional. */
  public void resetStates() {
    forward.resetStates();
    backward.resetStates();
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] out = forward.computeOutputShape(shapes, dtypes);
    if ("concat".equals(mergeMode)) {
      out[out.length - 1] *= 2;
    }
    return out;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("merge_mode", mergeMode);
    m.put("layer", Layers.serialize(forward));
    m.put("backward_layer", Layers.serialize(backward));
    return m;
  }

  @SuppressWarnings("unchecked")
  public static Bidirectional fromConfig(Map<String, Object> c) {
    Object layer = c.get("layer");
    if (!(layer instanceof Map)) {
      throw new IllegalArgumentException("Bidirectional \"" + Config.getString(c, "name", "bidirectional")
          + "\": config needs `layer`, the serialized recurrent layer");
    }
    Layer inner = Layers.deserialize((Map<String, Object>) layer);
    Object back = c.get("backward_layer");
    Layer backward = back instanceof Map ? Layers.deserialize((Map<String, Object>) back) : null;
    long[] bis = Config.shapeFromList(c.get("batch_input_shape"), "batch_input_shape");
    Bidirectional out = new Bidirectional(inner, c.containsKey("merge_mode") ? (String) c.get("merge_mode") : "concat",
        backward, Config.getString(c, "name", null),
        bis == null ? inner.declaredInputShape() : java.util.Arrays.copyOfRange(bis, 1, bis.length));
    out.setTrainable(Config.getBool(c, "trainable", true));
    return out;
  }
}

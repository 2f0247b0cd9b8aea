package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Keras's TimeDistributed: applies one layer (one set of weights) to every step of (batch, steps, ...),
 * as one call on (batch * steps, ...). A mask (batch, steps) passes to the layer per step and on to the output.
 */
public final class TimeDistributed extends Wrapper {
  private final Layer layer;

  public TimeDistributed(Layer layer) {
    this(layer, null, null);
  }

  /** {@code name} may be null; {@code inputShape} (no batch axis) may be null. */
  public TimeDistributed(Layer layer, String name, long[] inputShape) {
    super(name, true, layer.dtype(), inputShape);
    this.layer = layer;
    inputSpec = InputSpec.minNdim(3);
  }

  public Layer layer() {
    return layer;
  }

  @Override
  protected List<Layer> innerLayers() {
    return List.of(layer);
  }

  private static long[] stepShape(long[] s) {
    long[] out = new long[s.length - 1];
    out[0] = s[0] < 0 || s[1] < 0 ? -1 : s[0] * s[1];
    System.arraycopy(s, 2, out, 1, s.length - 2);
    return out;
  }

  @Override
  public void build(long[] inputShape) {
    if (inputShape.length < 3) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": `TimeDistributed` requires input of rank >= 3, "
          + "received shape " + Config.shapeStr(inputShape));
    }
    layer.ensureBuilt(stepShape(inputShape));
  }

  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return call(inputs, training, (Tensor) null);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training, Tensor mask) {
    long[] s = inputs.shape();
    Tensor flat = Ops.reshape(inputs, stepShape(s));
    Tensor stepMask = mask == null ? null : Ops.reshape(mask, s[0] * s[1]);
    Tensor y = layer.apply(flat, training, stepMask);
    long[] ys = y.shape();
    long[] out = new long[ys.length + 1];
    out[0] = s[0];
    out[1] = s[1];
    System.arraycopy(ys, 1, out, 2, ys.length - 1);
    return Ops.reshape(y, out);
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0);
    long[] step = stepShape(s);
    step[0] = -1;
    long[] inner = layer.computeOutputShape(List.of(step), dtypes);
    long[] out = new long[inner.length + 1];
    out[0] = s[0];
    out[1] = s[1];
    System.arraycopy(inner, 1, out, 2, inner.length - 1);
    return out;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("layer", Layers.serialize(layer));
    return m;
  }

  @SuppressWarnings("unchecked")
  public static TimeDistributed fromConfig(Map<String, Object> c) {
    Object inner = c.get("layer");
    if (!(inner instanceof Map)) {
      throw new IllegalArgumentException("TimeDistributed \"" + Config.getString(c, "name", "time_distributed")
          + "\": config needs `layer`, the serialized inner layer");
    }
    Map<String, Object> innerMap = (Map<String, Object>) inner;
    long[] bis = Config.shapeFromList(c.get("batch_input_shape"), "batch_input_shape");
    TimeDistributed out = new TimeDistributed(Layers.deserialize(innerMap), Config.getString(c, "name", null),
        bis == null ? null : Arrays.copyOfRange(bis, 1, bis.length));
    out.setTrainable(Config.getBool(c, "trainable", true));
    return out;
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's InputLayer: the entry of a model. {@code Input.of(784)} is {@code keras.Input(shape=(784,))}, a
 * symbolic tensor that starts a functional graph; {@code new Input(784)} is the layer itself, which a
 * Sequential model takes as its first element to know its input shape.
 */
public final class Input extends Layer {
  private final long[] batchShape;
  private final KerasTensor output;
  /** What data fed to this input must fit: its rank and every known size (a model checks it per call). */
  private final InputSpec dataSpec;

  /** An input of {@code shape} (no batch axis), float32. */
  public Input(long... shape) {
    this(shape, DType.FLOAT32, null);
  }

  /** An input of {@code shape} (no batch axis), dtype and name (null for "input_layer"). */
  public Input(long[] shape, DType dtype, String name) {
    super(name, true, dtype, shape);
    for (long d : shape) {
      if (d == 0 || d < -1) {
        throw new IllegalArgumentException("Input: invalid shape " + Config.shapeStr(shape)
            + "; sizes must be positive or -1 (None)");
      }
    }
    batchShape = new long[shape.length + 1];
    batchShape[0] = -1;
    System.arraycopy(shape, 0, batchShape, 1, shape.length);
    setOutputShape(batchShape);
    ensureBuilt(batchShape);
    output = new KerasTensor(batchShape, dtype, this, List.of());
    InputSpec spec = InputSpec.ndim(batchShape.length);
    for (int i = 1; i < batchShape.length; i++) {
      if (batchShape[i] >= 0) {
        spec = spec.withAxis(i, batchShape[i]);
      }
    }
    dataSpec = spec;
  }

  /** The spec data fed to this input must fit (rank and known sizes), as Keras 3 checks a model's inputs. */
  public InputSpec dataSpec() {
    return dataSpec;
  }

  /** {@code keras.Input(shape=...)}: a float32 symbolic input. */
  public static KerasTensor of(long... shape) {
    return new Input(shape).output();
  }

  /** A symbolic input of a dtype (e.g. int32 token ids for an Embedding). */
  public static KerasTensor of(DType dtype, long... shape) {
    return new Input(shape, dtype, null).output();
  }

  @Override
  public String className() {
    return "InputLayer";
  }

  /** The symbolic tensor this layer feeds into a graph. */
  public KerasTensor output() {
    return output;
  }

  /** The shape with its batch axis (-1). */
  public long[] batchShape() {
    return batchShape.clone();
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return inputs;
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    return shapes.get(0).clone();
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> s = new ArrayList<>(Config.shapeToList(batchShape));
    m.put("batch_shape", s);
    m.put("dtype", dtype.tfName());
    m.put("sparse", false);
    m.put("name", name());
    return m;
  }

  /** Rebuilds from Keras's InputLayer config ("batch_shape", or the older "batch_input_shape"). */
  public static Input fromConfig(Map<String, Object> c) {
    long[] bs = Config.shapeFromList(c.containsKey("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape"),
        c.containsKey("batch_shape") ? "batch_shape" : "batch_input_shape");
    long[] shape = java.util.Arrays.copyOfRange(bs, 1, bs.length);
    return new Input(shape, DType.fromName(Config.getString(c, "dtype", "float32")), Config.getString(c, "name", null));
  }
}

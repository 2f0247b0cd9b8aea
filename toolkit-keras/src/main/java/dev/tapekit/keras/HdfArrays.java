package dev.tapekit.keras;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.lang.reflect.Array;

/** Tensors as the nested Java arrays jhdf writes as HDF5 datasets (float32 or float64, any rank). */
final class HdfArrays {
  private HdfArrays() {}

  /** {@code t}'s values as a {@code float[]...[]} (or {@code double}) of its rank; a scalar as a Float/Double. */
  static Object of(Tensor t) {
    long[] shape = t.shape();
    boolean f64 = t.dtype() == DType.FLOAT64;
    if (shape.length == 0) {
      return f64 ? (Object) t.doubleValue() : (Object) t.floatValue();
    }
    for (long d : shape) {
      if (d == 0) {
        // jhdf 0.9.4 cannot write an empty dataset; no Keras layer has an empty weight
        throw new IllegalArgumentException("cannot write an empty weight of shape "
            + dev.tapekit.layers.Config.shapeStr(shape) + " to HDF5");
      }
    }
    Object flat = f64 ? t.toDoubleArray() : t.toFloatArray();
    int[] dims = new int[shape.length];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = Math.toIntExact(shape[i]);
    }
    Object out = Array.newInstance(f64 ? double.class : float.class, dims);
    fill(out, flat, dims, 0, 0);
    return out;
  }

  /** Copies {@code flat} (row-major) into the nested array {@code target} at depth {@code depth}. */
  private static int fill(Object target, Object flat, int[] dims, int depth, int offset) {
    if (depth == dims.length - 1) {
      System.arraycopy(flat, offset, target, 0, dims[depth]);
      return offset + dims[depth];
    }
    for (int i = 0; i < dims[depth]; i++) {
      offset = fill(Array.get(target, i), flat, dims, depth + 1, offset);
    }
    return offset;
  }
}

package dev.tapekit.spark;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import java.util.ArrayList;
import java.util.List;

/**
 * Flat double arrays of variables, the only form parameters and gradients travel in. Variables are
 * concatenated in list order; doubles hold float32 and float64 values exactly.
 */
final class Flat {
  private Flat() {}

  static long size(List<Variable> vars) {
    long n = 0;
    for (Variable v : vars) {
      n += count(v.shape());
    }
    return n;
  }

  static long count(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** The variables' current values, concatenated. */
  static double[] pack(List<Variable> vars) {
    double[] out = new double[Math.toIntExact(size(vars))];
    int at = 0;
    for (Variable v : vars) {
      double[] d = v.withStorage(dev.tapekit.core.kernels.Buffers::doubles);
      System.arraycopy(d, 0, out, at, d.length);
      at += d.length;
    }
    return out;
  }

  /** Tensors shaped like {@code vars} (nulls as zeros), concatenated. */
  static double[] packTensors(List<Tensor> ts, List<Variable> vars) {
    double[] out = new double[Math.toIntExact(size(vars))];
    int at = 0;
    for (int i = 0; i < vars.size(); i++) {
      int n = (int) count(vars.get(i).shape());
      if (ts.get(i) != null) {
        System.arraycopy(ts.get(i).toDoubleArray(), 0, out, at, n);
      }
      at += n;
    }
    return out;
  }

  /** Assigns slices of {@code flat} to the variables. */
  static void unpack(double[] flat, List<Variable> vars) {
    List<Tensor> ts = split(flat, vars);
    for (int i = 0; i < vars.size(); i++) {
      vars.get(i).assign(ts.get(i));
    }
  }

  /** Slices of {@code flat} as tensors of the variables' shapes and dtypes. */
  static List<Tensor> split(double[] flat, List<Variable> vars) {
    if (flat.length != size(vars)) {
      throw new IllegalArgumentException("flat parameters: got " + flat.length + " values for variables holding "
          + size(vars) + "; the model factory builds a different model than the one trained");
    }
    List<Tensor> out = new ArrayList<>(vars.size());
    int at = 0;
    for (Variable v : vars) {
      int n = (int) count(v.shape());
      double[] part = new double[n];
      System.arraycopy(flat, at, part, 0, n);
      Tensor t = Tensor.of(part, v.shape());
      out.add(v.dtype() == DType.FLOAT64 ? t : Ops.cast(t, v.dtype()));
      at += n;
    }
    return out;
  }
}

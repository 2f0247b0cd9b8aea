package dev.tapekit.models;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The arrays of a fit, evaluate or predict as the steps take them: x in the order of {@code model.inputs()},
 * y and the sample weights in the order of {@code model.outputs()}; a single-input single-output model has
 * one-element lists (one code path). Keras's lists and dicts keyed by input and output names are resolved
 * here; every batch gathers all arrays with the same indices.
 *
 * @param x one array per input
 * @param y one array per output, or null (predict)
 * @param sw one entry per output, each null or per-sample weights
 */
record ModelData(List<Tensor> x, List<Tensor> y, List<Tensor> sw) {

  /** Data for a call: {@code x} a Tensor, List of Tensors or Map by input name; {@code y} and {@code sw} likewise by output. */
  static ModelData of(Model model, Object x, Object y, Object sw, String what) {
    List<Tensor> xs = inputs(model, x, what);
    List<Tensor> ys = y == null ? null : outputs(model, y, "y", what);
    ModelData d = new ModelData(xs, ys, sampleWeights(model, sw, what));
    d.checkCardinality(what);
    return d;
  }

  /** The inputs as the model's list: x a Tensor, a List in {@code model.inputs()} order or a Map by input name. */
  static List<Tensor> inputs(Model model, Object x, String what) {
    if (x == null) {
      throw new IllegalArgumentException(what + ": x is required, got x=null");
    }
    return arrays(x, names(model.inputs()), "x", "input", model, what);
  }

  /** Per-output arrays (y, or the sample weights, {@code field}) as the model's list. */
  static List<Tensor> outputs(Model model, Object y, String field, String what) {
    return arrays(y, model.outputNames(), field, "output", model, what);
  }

  /** One weight (or null) per output: a Tensor applies to every output as in Keras; a List or Map gives each. */
  private static List<Tensor> sampleWeights(Model model, Object sw, String what) {
    int n = model.outputCount();
    if (sw == null || sw instanceof Tensor) {
      Tensor w = sw == null ? null : Ops.cast((Tensor) sw, DType.FLOAT32);
      return Collections.nCopies(n, w);
    }
    List<Tensor> out = new ArrayList<>(outputs(model, sw, "sample_weight", what));
    out.replaceAll(w -> w == null ? null : Ops.cast(w, DType.FLOAT32));
    return Collections.unmodifiableList(out);
  }

  private static List<String> names(List<dev.tapekit.layers.KerasTensor> ts) {
    return ts.stream().map(t -> t.layer().name()).toList();
  }

  /**
   * {@code data} as a list in the order of {@code names} ({@code kind}s of the model; empty names: a model
   * without a graph yet, which takes what it is given). Entries of a List may be null only for sample weights.
   */
  private static List<Tensor> arrays(Object data, List<String> names, String field, String kind, Model model,
      String what) {
    String prefix = what + ": model \"" + model.name() + "\"";
    if (data instanceof Tensor t) {
      if (names.size() > 1) {
        throw new IllegalArgumentException(prefix + " has " + names.size() + " " + kind + "s " + names + ", but " + field
            + " is one array; pass a List (in that order) or a Map by " + kind + " name");
      }
      return List.of(t);
    }
    if (data instanceof List<?> list) {
      if (!names.isEmpty() && list.size() != names.size()) {
        throw new IllegalArgumentException(prefix + " has " + names.size() + " " + kind + (names.size() == 1 ? " " : "s ") + names
            + ", but " + field + " has " + list.size() + (list.size() == 1 ? " array" : " arrays"));
      }
      List<Tensor> out = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        out.add(tensor(list.get(i), field + "[" + i + "]", field, prefix));
      }
      return Collections.unmodifiableList(out);
    }
    if (data instanceof Map<?, ?> map) {
      if (names.isEmpty() || new LinkedHashSet<>(names).size() != names.size()) {
        throw new IllegalArgumentException(prefix + " has no distinct " + kind + " names " + names + " to key " + field
            + " by; pass a List");
      }
      for (Object key : map.keySet()) {
        if (!names.contains(String.valueOf(key))) {
          throw new IllegalArgumentException(prefix + " has no " + kind + " named \"" + key + "\" (in " + field + "); its "
              + kind + "s are " + names);
        }
      }
      List<Tensor> out = new ArrayList<>(names.size());
      for (String name : names) {
        if (!map.containsKey(name) && !field.equals("sample_weight")) {
          throw new IllegalArgumentException(prefix + ": " + field + " has no array for " + kind + " \"" + name
              + "\"; its " + kind + "s are " + names);
        }
        out.add(tensor(map.get(name), field + "[\"" + name + "\"]", field, prefix));
      }
      return Collections.unmodifiableList(out);
    }
    throw new IllegalArgumentException(prefix + ": " + field + " must be a Tensor, a List of Tensors or a Map of "
        + kind + " name to Tensor, got " + data.getClass().getName());
  }

  private static Tensor tensor(Object o, String at, String field, String prefix) {
    if (o == null && field.equals("sample_weight")) {
      return null;
    }
    if (!(o instanceof Tensor t)) {
      throw new IllegalArgumentException(prefix + ": " + at + " must be a Tensor, got " + (o == null ? "null"
          : o.getClass().getName()));
    }
    return t;
  }

  /** The number of samples (the arrays' common first dimension). */
  long n() {
    return x.get(0).shape()[0];
  }

  /** Fails, as Keras does, unless every array has the same number of samples. */
  void checkCardinality(String what) {
    Set<Long> sizes = new LinkedHashSet<>();
    boolean scalar = false;
    for (List<Tensor> ts : y == null ? List.of(x) : List.of(x, y)) {
      for (Tensor t : ts) {
        scalar |= t.rank() == 0;
        sizes.add(t.rank() == 0 ? -1L : t.shape()[0]);
      }
    }
    if (scalar || sizes.size() > 1) {
      throw new IllegalArgumentException(what + ": Data cardinality is ambiguous: x sizes: " + sizes(x)
          + (y == null ? "" : ", y sizes: " + sizes(y)) + ". Make sure all arrays contain the same number of samples.");
    }
    for (int i = 0; i < sw.size(); i++) {
      Tensor w = sw.get(i);
      if (w != null && (w.rank() == 0 || w.shape()[0] != n())) {
        throw new IllegalArgumentException(what + ": sample_weight" + (sw.size() > 1 ? "[" + i + "]" : "") + " has "
            + (w.rank() == 0 ? "no" : w.shape()[0]) + " rows but x has " + n() + " samples");
      }
    }
  }

  private static String sizes(List<Tensor> ts) {
    return ts.stream().map(t -> t.rank() == 0 ? "scalar" : String.valueOf(t.shape()[0])).collect(Collectors.joining(", "));
  }

  /** Rows [s, e) of every array, as views. */
  ModelData rows(long s, long e) {
    return batch(null, s, e);
  }

  /** Rows {@code order[s..e)} of every array (see {@link Shuffling#batch}), the same indices for all. */
  ModelData batch(int[] order, long s, long e) {
    return new ModelData(map(x, order, s, e), y == null ? null : map(y, order, s, e), map(sw, order, s, e));
  }

  private static List<Tensor> map(List<Tensor> ts, int[] order, long s, long e) {
    Tensor[] out = new Tensor[ts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = Shuffling.batch(ts.get(i), order, s, e);
    }
    return Collections.unmodifiableList(Arrays.asList(out));
  }

  /** These arrays with the same weights for every output replaced by {@code sw}. */
  ModelData withSampleWeights(List<Tensor> weights) {
    return new ModelData(x, y, weights);
  }
}

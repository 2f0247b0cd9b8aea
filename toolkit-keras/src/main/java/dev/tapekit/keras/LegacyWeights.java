package dev.tapekit.keras;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Config;
import dev.tapekit.layers.Conv1D;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.GRU;
import dev.tapekit.layers.LSTM;
import dev.tapekit.layers.Layer;
import dev.tapekit.models.Model;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Weights of a legacy Keras HDF5 group ({@code model_weights} of {@code model.save}, or the root of
 * {@code save_weights}): attribute {@code layer_names}, and per layer a group with {@code weight_names}
 * whose datasets are the layer's weights in Keras's order (which tapekit's layers keep). Layers are
 * matched by name; Keras 1's layouts and Theano's flipped convolution kernels are converted as Keras 2's
 * {@code preprocess_weights_for_loading} does.
 */
final class LegacyWeights {
  private LegacyWeights() {}

  static void load(Model model, H5File f, String group, KerasSource src) {
    List<String> layerNames = f.stringsAttribute(group, "layer_names");
    if (layerNames == null) {
      throw new IllegalArgumentException(src.file() + ": no layer_names attribute on " + where(group)
          + ": not a Keras weights group");
    }
    Set<String> loaded = new LinkedHashSet<>();
    for (String name : layerNames) {
      String g = group.isEmpty() || group.equals("/") ? name : group + "/" + name;
      List<String> weightNames = f.stringsAttribute(g, "weight_names");
      if (weightNames == null || weightNames.isEmpty()) {
        continue;
      }
      Layer layer = find(model, name);
      if (layer == null) {
        throw new IllegalArgumentException(src.file() + ": the file has weights for layer \"" + name
            + "\" but the model has no layer of that name; its layers: " + names(model));
      }
      if (!loaded.add(name)) {
        throw new IllegalArgumentException(src.at(name) + "listed twice in layer_names");
      }
      layer.setWeights(read(f, g, weightNames, layer, src));
    }
    for (Layer l : model.layers()) {
      if (!l.weights().isEmpty() && !loaded.contains(l.name())) {
        throw new IllegalArgumentException(src.file() + ": no weights for layer \"" + l.name() + "\" in the file "
            + "(it has weights for " + loaded + ")");
      }
    }
  }

  private static List<Tensor> read(H5File f, String g, List<String> weightNames, Layer layer, KerasSource src) {
    List<Variable> expected = layer.weights();
    boolean keras1Layout = src.keras1() && (layer instanceof LSTM && weightNames.size() == 12
        || layer instanceof GRU && weightNames.size() == 9 || layer instanceof Conv1D || layer instanceof Conv2D);
    List<Tensor> values = new ArrayList<>();
    if (keras1Layout) {
      long total = 0;
      for (Variable v : expected) {
        total += Arrays.stream(v.shape()).reduce(1, Math::multiplyExact);
      }
      for (String w : weightNames) {
        values.add(f.floatsUpTo(g + "/" + w, total, "weight " + w + " of layer \"" + layer.name() + "\""));
      }
      values = Keras1Layouts.convert(layer, values, src);
    } else {
      if (weightNames.size() != expected.size()) {
        throw new IllegalArgumentException(src.at(layer.name()) + "the file has " + weightNames.size() + " weights "
            + weightNames + " but tapekit's " + layer.className() + " has " + expected.size() + " "
            + expected.stream().map(Variable::name).toList());
      }
      for (int i = 0; i < expected.size(); i++) {
        values.add(f.floats(g + "/" + weightNames.get(i), expected.get(i).shape(),
            "weight " + weightNames.get(i) + " of layer \"" + layer.name() + "\""));
      }
    }
    if (src.theano() && (layer instanceof Conv1D || layer instanceof Conv2D)) {
      // Theano convolves (flips the kernel), TensorFlow correlates: Keras 2's convert_kernel
      int spatial = values.get(0).rank() - 2;
      int[] axes = new int[spatial];
      Arrays.setAll(axes, i -> i);
      values.set(0, flip(values.get(0), axes));
    }
    for (int i = 0; i < expected.size(); i++) {
      if (i >= values.size() || !Arrays.equals(values.get(i).shape(), expected.get(i).shape())) {
        throw new IllegalArgumentException(src.at(layer.name()) + "weight " + expected.get(i).name() + " has shape "
            + (i < values.size() ? Config.shapeStr(values.get(i).shape()) : "(missing)") + " in the file but "
            + Config.shapeStr(expected.get(i).shape()) + " in the model");
      }
    }
    return values;
  }

  /** {@code t} reversed along {@code axes}. */
  static Tensor flip(Tensor t, int... axes) {
    long[] shape = t.shape();
    float[] in = t.toFloatArray();
    float[] out = new float[in.length];
    long[] strides = new long[shape.length];
    long s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      strides[d] = s;
      s *= shape[d];
    }
    for (int i = 0; i < in.length; i++) {
      long j = i;
      long target = 0;
      for (int d = 0; d < shape.length; d++) {
        long idx = j / strides[d];
        j %= strides[d];
        boolean flipped = false;
        for (int a : axes) {
          flipped |= a == d;
        }
        target += (flipped ? shape[d] - 1 - idx : idx) * strides[d];
      }
      out[(int) target] = in[i];
    }
    return Tensor.of(out, shape);
  }

  private static Layer find(Model model, String name) {
    for (Layer l : model.layers()) {
      if (l.name().equals(name)) {
        return l;
      }
    }
    return null;
  }

  private static List<String> names(Model model) {
    return model.layers().stream().map(Layer::name).toList();
  }

  private static String where(String group) {
    return group.startsWith("/") ? group : "/" + group;
  }

  /** Keras 1's weight layouts as Keras 2's. */
  private static final class Keras1Layouts {
    static List<Tensor> convert(Layer layer, List<Tensor> w, KerasSource src) {
      if (layer instanceof LSTM) {
        // Keras 1 stores the gates i, c, f, o (W, U, b each); Keras 2 concatenates i, f, c, o
        return List.of(cat(w, 0, 6, 3, 9), cat(w, 1, 7, 4, 10), cat(w, 2, 8, 5, 11));
      }
      if (layer instanceof GRU) {
        // z, r, h in both; Keras 1 keeps them apart
        return List.of(cat(w, 0, 3, 6), cat(w, 1, 4, 7), cat(w, 2, 5, 8));
      }
      List<Tensor> out = new ArrayList<>(w);
      Tensor k = w.get(0);
      long[] s = k.shape();
      if (layer instanceof Conv1D) {
        Conv1D c = (Conv1D) layer;
        long filters = c.kernel().shape()[2];
        long kernelSize = c.kernel().shape()[0];
        if (s.length != 4) {
          throw new IllegalArgumentException(src.at(layer.name()) + "Keras 1 Conv1D kernel of shape "
              + Config.shapeStr(s) + " is neither (length, 1, in, filters) nor (filters, in, length, 1)");
        }
        if (!(s[0] == kernelSize && s[1] == 1 && s[3] == filters)) {
          // Keras 1.1: (filters, in, length, 1)
          k = Ops.transpose(k, 2, 3, 1, 0);
        }
        long[] t = k.shape();
        out.set(0, Ops.reshape(k, t[0], t[2], t[3]));
      } else if (layer instanceof Conv2D && "channels_first".equals(layer.getConfig().get("data_format"))) {
        // (filters, in, rows, cols) -> (rows, cols, in, filters)
        out.set(0, Ops.transpose(k, 2, 3, 1, 0));
      }
      return out;
    }

    private static Tensor cat(List<Tensor> w, int... indices) {
      List<Tensor> parts = new ArrayList<>();
      for (int i : indices) {
        parts.add(w.get(i));
      }
      return Ops.concat(parts, parts.get(0).rank() - 1);
    }
  }
}

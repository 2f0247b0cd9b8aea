package dev.tapekit.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Tensor;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes small legacy Keras HDF5 files (the layout h5py gives {@code model.save}) for tests. */
final class LegacyFileBuilder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Map<String, String> rootAttributes = new LinkedHashMap<>();
  private final Map<String, Map<String, Tensor>> layers = new LinkedHashMap<>();

  LegacyFileBuilder version(String kerasVersion, String backend) {
    if (kerasVersion != null) {
      rootAttributes.put("keras_version", kerasVersion);
    }
    rootAttributes.put("backend", backend);
    return this;
  }

  LegacyFileBuilder modelConfig(Object config) {
    rootAttributes.put("model_config", json(config));
    return this;
  }

  LegacyFileBuilder trainingConfig(Object config) {
    rootAttributes.put("training_config", json(config));
    return this;
  }

  /** A layer's weights in order, by their names in the file (Keras 2's "dense_1/kernel:0"). */
  LegacyFileBuilder layer(String name, Map<String, Tensor> weights) {
    layers.put(name, weights);
    return this;
  }

  /** Writes a model file ({@code model_weights} group), or a weights file when there is no model config. */
  Path write(Path path) {
    try (WritableHdfFile f = HdfFile.write(path)) {
      rootAttributes.forEach(f::putAttribute);
      WritableGroup weights = rootAttributes.containsKey("model_config") ? f.putGroup("model_weights") : f;
      // jhdf cannot write an empty string array; h5py's empty one reads back as absent anyway
      if (!layers.isEmpty()) {
        weights.putAttribute("layer_names", layers.keySet().toArray(new String[0]));
      }
      for (Map.Entry<String, Map<String, Tensor>> l : layers.entrySet()) {
        if (l.getValue().isEmpty()) {
          continue; // jhdf 0.9.4 writes an empty group that it cannot read back; the reader skips a missing one
        }
        WritableGroup g = weights.putGroup(l.getKey());
        g.putAttribute("weight_names", l.getValue().keySet().toArray(new String[0]));
        for (Map.Entry<String, Tensor> w : l.getValue().entrySet()) {
          WritableGroup parent = g;
          String[] parts = w.getKey().split("/");
          for (int i = 0; i < parts.length - 1; i++) {
            parent = parent.getChild(parts[i]) instanceof WritableGroup existing ? existing : parent.putGroup(parts[i]);
          }
          parent.putDataset(parts[parts.length - 1], nested(w.getValue()));
        }
      }
    }
    return path;
  }

  private static String json(Object o) {
    try {
      return JSON.writeValueAsString(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A tensor as the nested float arrays jhdf writes. */
  static Object nested(Tensor t) {
    float[] v = t.toFloatArray();
    long[] s = t.shape();
    return nest(v, s, 0, 0);
  }

  private static Object nest(float[] v, long[] s, int dim, int offset) {
    if (dim == s.length - 1) {
      float[] out = new float[(int) s[dim]];
      System.arraycopy(v, offset, out, 0, out.length);
      return out;
    }
    int stride = 1;
    for (int d = dim + 1; d < s.length; d++) {
      stride *= (int) s[d];
    }
    List<Object> parts = new ArrayList<>();
    for (int i = 0; i < s[dim]; i++) {
      parts.add(nest(v, s, dim + 1, offset + i * stride));
    }
    Object arr = java.lang.reflect.Array.newInstance(parts.get(0).getClass(), parts.size());
    for (int i = 0; i < parts.size(); i++) {
      java.lang.reflect.Array.set(arr, i, parts.get(i));
    }
    return arr;
  }
}

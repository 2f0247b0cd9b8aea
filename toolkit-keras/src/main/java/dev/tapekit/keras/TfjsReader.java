package dev.tapekit.keras;

import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Config;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.ModelSizeLimit;
import dev.tapekit.models.Model;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorFlow.js Layers models: {@code model.json} with {@code modelTopology} (a Keras 2 model config, read
 * by {@link LegacyConfigs}; TensorFlow.js's {@code hardSigmoid} is Keras 2's, and its GRU Keras 2's
 * {@code reset_after=False}), {@code weightsManifest} (groups of {@code paths} to {@code .bin} shards next
 * to the json, and the weights' names, shapes and dtypes, in the order of the shards' concatenated bytes)
 * and, when saved with the optimizer, {@code trainingConfig}. Weights are float32 little-endian; quantized
 * or other dtypes are refused. The manifest is checked against the model built from the topology before
 * any shard is read, and no more shard bytes are read than those weights take.
 */
final class TfjsReader {
  private static final Logger LOG = LoggerFactory.getLogger(TfjsReader.class);
  /** The largest model.json read (the topology; weights are in the shards). */
  static final long MAX_JSON_BYTES = 64L << 20;
  /** tfjs's camelCase optimizer arguments and Keras's. */
  private static final Map<String, String> OPTIMIZER_KEYS = Map.of("learningRate", "learning_rate",
      "beta1", "beta_1", "beta2", "beta_2", "useNesterov", "nesterov",
      "initialAccumulatorValue", "initial_accumulator_value");

  private TfjsReader() {}

  static Model load(Path path) {
    return KerasErrors.at(path.toString(), null, () -> {
      Map<String, Object> root = json(path);
      KerasSource src = new KerasSource(path.toString(), "2.tfjs", "tensorflow.js");
      Map<String, Object> topology = KerasJson.map(root.get("modelTopology"), path + ": modelTopology");
      Object trainingConfig = root.get("trainingConfig");
      if (topology.get("model_config") != null) { // tensorflowjs_converter's form of a Keras file
        trainingConfig = trainingConfig != null ? trainingConfig : topology.get("training_config");
        topology = KerasJson.map(topology.get("model_config"), path + ": modelTopology.model_config");
      }
      Model model = LegacyConfigs.build(topology, src, shardBytes(root, path), "the weight shards");
      loadWeights(model, root, path);
      if (trainingConfig != null) {
        LegacyTraining.compile(model, trainingConfig(KerasJson.map(trainingConfig, path + ": trainingConfig")), src);
      }
      return model;
    });
  }

  static void loadWeights(Model model, Path path) {
    KerasErrors.at(path.toString(), null, () -> {
      loadWeights(model, json(path), path);
      return null;
    });
  }

  private static Map<String, Object> json(Path path) {
    try {
      long size = Files.size(path);
      if (size > MAX_JSON_BYTES) {
        throw new IllegalArgumentException(path + " has " + size + " bytes, more than the " + MAX_JSON_BYTES
            + " a model.json may have (weights belong in the .bin shards)");
      }
      return KerasJson.object(Files.readString(path, StandardCharsets.UTF_8), path.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + path + ": " + e.getMessage(), e);
    }
  }

  /** The bytes of the manifest's shards that exist next to the json (the most weights the model can have). */
  private static long shardBytes(Map<String, Object> root, Path json) {
    Path dir = json.toAbsolutePath().getParent();
    long sum = 0;
    if (root.get("weightsManifest") instanceof List<?> groups) {
      for (Object g : groups) {
        if (g instanceof Map<?, ?> m && m.get("paths") instanceof List<?> paths) {
          for (Object p : paths) {
            Path f = shardPath(dir, String.valueOf(p), json);
            try {
              sum = ModelSizeLimit.add(sum, Files.isRegularFile(f) ? Files.size(f) : 0);
            } catch (IOException e) {
              throw new UncheckedIOException("Could not read weight shard " + f + " of " + json + ": "
                  + e.getMessage(), e);
            }
          }
        }
      }
    }
    return sum;
  }

  /** Shard {@code p} of the manifest: a file in the model.json's folder (or below it), never elsewhere. */
  private static Path shardPath(Path dir, String p, Path json) {
    Path f;
    try {
      f = dir.resolve(p).normalize();
    } catch (java.nio.file.InvalidPathException e) {
      f = null;
    }
    if (f == null || !f.startsWith(dir) || p.isEmpty()) {
      throw new IllegalArgumentException(json + ": weightsManifest path " + KerasJson.show(p) + " is not a file "
          + "next to the model.json");
    }
    return f;
  }

  /** One weight of the manifest: where its bytes start in the shards' concatenation. */
  private record Entry(String name, long[] shape, long offset, long bytes, boolean optimizer) {}

  private static void loadWeights(Model model, Map<String, Object> root, Path path) {
    List<Object> groups = KerasJson.list(root.get("weightsManifest"), path + ": weightsManifest");
    List<String> paths = new ArrayList<>();
    List<Entry> entries = new ArrayList<>();
    long offset = 0;
    for (int g = 0; g < groups.size(); g++) {
      String at = path + ": weightsManifest[" + g + "]";
      Map<String, Object> group = KerasJson.map(groups.get(g), at);
      for (Object p : KerasJson.list(group.get("paths"), at + ".paths")) {
        paths.add(String.valueOf(p));
      }
      List<Object> weights = KerasJson.list(group.get("weights"), at + ".weights");
      for (int i = 0; i < weights.size(); i++) {
        Entry e = entry(KerasJson.map(weights.get(i), at + ".weights[" + i + "]"), offset, at + ".weights[" + i + "]");
        entries.add(e);
        offset = ModelSizeLimit.add(offset, e.bytes());
      }
    }
    // the manifest names each weight "<layer>/<weight>" (nested layers add segments): group them by layer
    Map<String, List<Entry>> byLayer = new LinkedHashMap<>();
    long modelBytes = 0;
    long end = 0;
    for (Entry e : entries) {
      if (e.optimizer()) {
        continue;
      }
      int slash = e.name().indexOf('/');
      byLayer.computeIfAbsent(slash < 0 ? e.name() : e.name().substring(0, slash), k -> new ArrayList<>()).add(e);
      modelBytes = ModelSizeLimit.add(modelBytes, e.bytes());
      end = Math.max(end, e.offset() + e.bytes());
    }
    List<Layer> layers = new ArrayList<>();
    for (Layer l : model.layers()) {
      List<Entry> es = byLayer.remove(l.name());
      List<Variable> ws = l.weights();
      if (ws.isEmpty() && es == null) {
        continue;
      }
      if (es == null || es.size() != ws.size()) {
        throw new IllegalArgumentException(path + ": layer \"" + l.name() + "\" has " + ws.size() + " weights but "
            + "the weightsManifest lists " + (es == null ? 0 : es.size()) + " for it");
      }
      for (int i = 0; i < es.size(); i++) {
        if (!Arrays.equals(es.get(i).shape(), ws.get(i).shape())) {
          throw new IllegalArgumentException(path + ": weight " + es.get(i).name() + " has shape "
              + Config.shapeStr(es.get(i).shape()) + " in the weightsManifest but " + Config.shapeStr(ws.get(i).shape())
              + " in the model");
        }
      }
      layers.add(l);
    }
    if (!byLayer.isEmpty()) {
      throw new IllegalArgumentException(path + ": the weightsManifest has weights for " + byLayer.keySet()
          + ", which the model has no layers of that name for");
    }
    if (offset - modelBytes > 4 * modelBytes + 4096) {
      throw new IllegalArgumentException(path + ": the weightsManifest's optimizer weights take " + (offset - modelBytes)
          + " bytes, more than an optimizer keeps for a model of " + modelBytes + " bytes");
    }
    if (offset > modelBytes) {
      LOG.info("{}: optimizer weights not loaded (TensorFlow.js's optimizer state does not map onto Keras 3's "
          + "optimizers); the optimizer starts fresh", path);
    }
    if (end > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(path + ": the weights take " + end + " bytes, more than tapekit reads "
          + "from TensorFlow.js shards");
    }
    ByteBuffer data = ByteBuffer.wrap(shards(path, paths, offset, end)).order(ByteOrder.LITTLE_ENDIAN);
    for (Layer l : layers) {
      List<Tensor> values = new ArrayList<>();
      for (Entry e : entriesOf(entries, l.name())) {
        float[] f = new float[(int) (e.bytes() / 4)];
        data.position((int) e.offset());
        data.asFloatBuffer().get(f);
        values.add(Tensor.of(f, e.shape()));
      }
      l.setWeights(values);
    }
  }

  private static List<Entry> entriesOf(List<Entry> entries, String layer) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.optimizer() && (e.name().equals(layer) || e.name().startsWith(layer + "/"))) {
        out.add(e);
      }
    }
    return out;
  }

  private static Entry entry(Map<String, Object> w, long offset, String at) {
    String name = String.valueOf(w.get("name"));
    if (w.get("quantization") != null) {
      throw new IllegalArgumentException(at + ": weight " + name + " is quantized ("
          + KerasJson.show(w.get("quantization")) + "); tapekit reads float32 weights only (convert the model "
          + "without --quantize_*)");
    }
    boolean optimizer = "optimizer".equals(w.get("group"));
    Object dtype = w.get("dtype") == null ? "float32" : w.get("dtype");
    if (!"float32".equals(dtype) && !(optimizer && "int32".equals(dtype))) {
      throw new IllegalArgumentException(at + ": weight " + name + " has dtype " + KerasJson.show(dtype)
          + "; tapekit reads float32 weights only");
    }
    long[] shape = Config.shapeFromList(w.get("shape"), "shape");
    long n = 4;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(at + ": weight " + name + " has shape " + Config.shapeStr(shape));
      }
      n = d != 0 && n > Integer.MAX_VALUE / d ? Long.MAX_VALUE : n * d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(at + ": weight " + name + " of shape " + Config.shapeStr(shape)
          + " is too large");
    }
    return new Entry(name, shape, offset, n, optimizer);
  }

  /** The first {@code end} bytes of the shards' concatenation; the shards must hold exactly {@code total}. */
  private static byte[] shards(Path json, List<String> paths, long total, long end) {
    Path dir = json.toAbsolutePath().getParent();
    long sum = 0;
    List<Path> files = new ArrayList<>();
    for (String p : paths) {
      Path f = shardPath(dir, p, json);
      try {
        sum = ModelSizeLimit.add(sum, Files.size(f));
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read weight shard " + f + " of " + json + ": " + e.getMessage(), e);
      }
      files.add(f);
    }
    if (sum != total) {
      throw new IllegalArgumentException(json + ": the weight shards " + paths + " hold " + sum + " bytes but the "
          + "weightsManifest describes " + total);
    }
    byte[] out = new byte[(int) end];
    int at = 0;
    for (Path f : files) {
      if (at >= end) {
        break;
      }
      try (InputStream in = Files.newInputStream(f)) {
        at += in.readNBytes(out, at, (int) Math.min(end - at, Files.size(f)));
      } catch (IOException e) {
        throw new UncheckedIOException("Could not read weight shard " + f + " of " + json + ": " + e.getMessage(), e);
      }
    }
    if (at != end) {
      throw new IllegalArgumentException(json + ": the weight shards ended after " + at + " of " + end + " bytes");
    }
    return out;
  }

  /** tfjs's trainingConfig (camelCase optimizer arguments, its class names) in Keras 2's form. */
  private static Map<String, Object> trainingConfig(Map<String, Object> tc) {
    Map<String, Object> out = new LinkedHashMap<>(tc);
    if (tc.get("metrics") instanceof Map<?, ?> m && m.isEmpty()) {
      out.put("metrics", null);
    }
    if (tc.get("optimizer_config") instanceof Map<?, ?> oc) {
      Object cls = oc.get("class_name");
      Map<String, Object> c = new LinkedHashMap<>();
      if (oc.get("config") instanceof Map<?, ?> cfg) {
        cfg.forEach((k, v) -> c.put(OPTIMIZER_KEYS.getOrDefault(String.valueOf(k), String.valueOf(k)), v));
      }
      if ("RMSProp".equals(cls)) {
        cls = "RMSprop";
      } else if ("Momentum".equals(cls)) {
        cls = "SGD";
      }
      out.put("optimizer_config", Map.of("class_name", cls == null ? "" : cls, "config", c));
    }
    return out;
  }
}

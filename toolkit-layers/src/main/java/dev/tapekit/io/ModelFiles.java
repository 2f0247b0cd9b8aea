package dev.tapekit.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tapekit.callbacks.History;
import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Layers;
import dev.tapekit.losses.Loss;
import dev.tapekit.losses.Losses;
import dev.tapekit.metrics.Metric;
import dev.tapekit.models.Model;
import dev.tapekit.models.ModelConfigs;
import dev.tapekit.optimizers.Optimizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * tapekit model files: one zip holding {@code config.json} (Keras-shaped architecture and compile
 * settings), {@code metadata.json} (format and tapekit version, date, history, weight index), weights as
 * {@code weights/NNNN.npy} and the optimizer's slots as {@code optimizer/NNNN_slot.npy}. Files are written
 * to a temporary sibling and renamed into place, so a crash never leaves half a file under the name.
 */
public final class ModelFiles {
  /** Version of this layout; readers refuse newer ones. */
  public static final int FORMAT_VERSION = 1;
  /** The tapekit version written into metadata. */
  public static final String TAPEKIT_VERSION = "0.1.0-SNAPSHOT";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelFiles() {}

  // ---------------------------------------------------------------- save

  /** Saves the whole model: architecture, compile settings, weights, optimizer state, history. */
  public static void save(Model model, Path path) {
    write(path, zip -> {
      Map<String, Object> config = new LinkedHashMap<>(Layers.serialize(model));
      config.put("module", "keras");
      if (model.compiled()) {
        config.put("compile_config", compileConfig(model));
      }
      put(zip, "config.json", JSON.writeValueAsBytes(config));
      Map<String, Object> meta = metadata(model, "model");
      meta.put("weights", writeWeights(zip, model.weights()));
      if (model.compiled()) {
        meta.put("optimizer", writeOptimizer(zip, model.optimizer()));
      }
      put(zip, "metadata.json", JSON.writeValueAsBytes(meta));
    });
  }

  /** Saves only the weights (with a metadata index of names and shapes). */
  public static void saveWeights(Model model, Path path) {
    write(path, zip -> {
      Map<String, Object> meta = metadata(model, "weights");
      meta.put("weights", writeWeights(zip, model.weights()));
      put(zip, "metadata.json", JSON.writeValueAsBytes(meta));
    });
  }

  private interface ZipWriter {
    void write(ZipOutputStream zip) throws IOException;
  }

  private static void write(Path path, ZipWriter body) {
    try {
      AtomicWrite.write(path, out -> {
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
          body.write(zip);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("Could not save to " + path + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, Object> metadata(Model model, String kind) {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", "tapekit");
    meta.put("kind", kind);
    meta.put("format_version", FORMAT_VERSION);
    meta.put("tapekit_version", TAPEKIT_VERSION);
    meta.put("date_saved", OffsetDateTime.now().toString());
    meta.put("model_name", model.name());
    History h = model.history();
    if (h != null) {
      meta.put("history", h.history());
      meta.put("epoch", h.epoch());
    }
    return meta;
  }

  private static Map<String, Object> compileConfig(Model model) {
    Map<String, Object> c = new LinkedHashMap<>();
    Optimizer opt = model.optimizer();
    c.put("optimizer", Map.of("class_name", opt.className(), "config", opt.getConfig()));
    Loss loss = model.loss();
    c.put("loss", Map.of("class_name", loss.getClass().getSimpleName(), "config", loss.getConfig()));
    List<Object> metrics = new ArrayList<>();
    for (Metric m : model.metrics()) {
      metrics.add(dev.tapekit.metrics.Metrics.serialize(m));
    }
    c.put("metrics", metrics);
    return c;
  }

  private static List<Object> writeWeights(ZipOutputStream zip, List<Variable> weights) throws IOException {
    List<Object> index = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      Variable v = weights.get(i);
      String file = String.format("weights/%04d.npy", i);
      put(zip, file, NpyFormat.write(v.peek()));
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", v.name());
      e.put("shape", v.shape());
      e.put("dtype", v.dtype().tfName());
      e.put("file", file);
      index.add(e);
    }
    return index;
  }

  private static Map<String, Object> writeOptimizer(ZipOutputStream zip, Optimizer opt) throws IOException {
    Optimizer.State state = opt.state();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("steps", state.steps());
    Map<String, Object> slots = new LinkedHashMap<>();
    int i = 0;
    for (Map.Entry<String, Map<String, Tensor>> e : state.slotsByName().entrySet()) {
      Map<String, Object> files = new LinkedHashMap<>();
      for (Map.Entry<String, Tensor> s : e.getValue().entrySet()) {
        String file = String.format("optimizer/%04d_%s.npy", i, s.getKey());
        put(zip, file, NpyFormat.write(s.getValue()));
        files.put(s.getKey(), file);
      }
      slots.put(e.getKey(), files);
      i++;
    }
    out.put("slots", slots);
    return out;
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  // ---------------------------------------------------------------- load

  /** Loads a model saved by {@link #save}: compiled (with optimizer state) if it was compiled. */
  @SuppressWarnings("unchecked")
  public static Model load(Path path) {
    try (ZipFile zip = open(path)) {
      Map<String, Object> meta = readMeta(zip, path);
      byte[] cfgBytes = entry(zip, "config.json", path);
      Map<String, Object> config = JSON.readValue(cfgBytes, Map.class);
      ModelConfigs.init();
      Layer layer = Layers.deserialize(config);
      if (!(layer instanceof Model)) {
        throw new IllegalArgumentException(path + ": config.json describes a " + config.get("class_name") + ", not a model");
      }
      Model model = (Model) layer;
      loadWeights(zip, model, meta, path);
      Map<String, Object> cc = (Map<String, Object>) config.get("compile_config");
      if (cc != null) {
        Map<String, Object> lossCfg = (Map<String, Object>) cc.get("loss");
        Loss loss = Losses.fromConfig((String) lossCfg.get("class_name"), (Map<String, Object>) lossCfg.get("config"));
        Optimizer opt = Optimizers.fromConfig((Map<String, Object>) cc.get("optimizer"));
        List<Object> metrics = new ArrayList<>();
        for (Object m : (List<Object>) cc.getOrDefault("metrics", List.of())) {
          metrics.add(dev.tapekit.metrics.Metrics.deserialize(m, loss));
        }
        model.compile(opt, loss, metrics);
        Map<String, Object> os = (Map<String, Object>) meta.get("optimizer");
        if (os != null) {
          Map<String, Map<String, Tensor>> slots = new LinkedHashMap<>();
          for (Map.Entry<String, Object> e : ((Map<String, Object>) os.get("slots")).entrySet()) {
            Map<String, Tensor> s = new LinkedHashMap<>();
            for (Map.Entry<String, Object> f : ((Map<String, Object>) e.getValue()).entrySet()) {
              s.put(f.getKey(), NpyFormat.read(entry(zip, (String) f.getValue(), path), path + "!" + f.getValue()));
            }
            slots.put(e.getKey(), s);
          }
          opt.restoreState(Optimizer.State.matchByName(((Number) os.get("steps")).longValue(), slots, model.weights()));
        }
      }
      Object hist = meta.get("history");
      if (hist != null) {
        model.restoreHistory(History.of((Map<String, List<Double>>) hist, (List<Integer>) meta.getOrDefault("epoch", List.of())));
      }
      return model;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load a tapekit model from " + path + ": " + e.getMessage(), e);
    } catch (ClassCastException | NullPointerException e) {
      throw new IllegalArgumentException(path + " is not a valid tapekit model file: malformed config or metadata ("
          + e.getMessage() + ")", e);
    }
  }

  /** Loads weights saved by {@link #saveWeights} or {@link #save} into {@code model}. */
  public static void loadWeights(Model model, Path path) {
    try (ZipFile zip = open(path)) {
      loadWeights(zip, model, readMeta(zip, path), path);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load weights from " + path + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void loadWeights(ZipFile zip, Model model, Map<String, Object> meta, Path path) throws IOException {
    List<Object> index = (List<Object>) meta.get("weights");
    List<Variable> vars = model.weights();
    if (index == null || index.size() != vars.size()) {
      throw new IllegalArgumentException(path + ": the file holds " + (index == null ? 0 : index.size())
          + " weights but model \"" + model.name() + "\" has " + vars.size());
    }
    List<Tensor> values = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      Map<String, Object> e = (Map<String, Object>) index.get(i);
      Tensor t = NpyFormat.read(entry(zip, (String) e.get("file"), path), path + "!" + e.get("file"));
      if (!java.util.Arrays.equals(t.shape(), vars.get(i).shape())) {
        throw new IllegalArgumentException(path + ": weight " + i + " (" + e.get("name") + ") has shape "
            + dev.tapekit.layers.Config.shapeStr(t.shape()) + " but the model's " + vars.get(i).name() + " has shape "
            + dev.tapekit.layers.Config.shapeStr(vars.get(i).shape()));
      }
      values.add(t);
    }
    for (int i = 0; i < vars.size(); i++) {
      vars.get(i).assign(values.get(i));
    }
  }

  private static ZipFile open(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IOException("no such file");
    }
    try {
      return new ZipFile(path.toFile());
    } catch (ZipException e) {
      throw new IllegalArgumentException(path + " is not a tapekit model file: not a readable zip archive "
          + "(corrupt, truncated or another format): " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readMeta(ZipFile zip, Path path) throws IOException {
    if (zip.getEntry("metadata.json") == null) {
      throw new IllegalArgumentException(path + " is not a tapekit model file: it has no metadata.json");
    }
    Map<String, Object> meta;
    try {
      meta = JSON.readValue(entry(zip, "metadata.json", path), Map.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(path + ": metadata.json is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!"tapekit".equals(meta.get("format"))) {
      throw new IllegalArgumentException(path + " is not a tapekit model file (metadata format is " + meta.get("format") + ")");
    }
    int version = ((Number) meta.getOrDefault("format_version", -1)).intValue();
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IllegalArgumentException(path + ": unsupported model file format version " + version
          + "; this tapekit reads versions 1 to " + FORMAT_VERSION);
    }
    return meta;
  }

  private static byte[] entry(ZipFile zip, String name, Path path) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw new IllegalArgumentException(path + ": model file is missing " + name + " (truncated or corrupt)");
    }
    try (var in = zip.getInputStream(e)) {
      return in.readAllBytes();
    } catch (ZipException ex) {
      throw new IllegalArgumentException(path + ": entry " + name + " is corrupt: " + ex.getMessage(), ex);
    }
  }
}

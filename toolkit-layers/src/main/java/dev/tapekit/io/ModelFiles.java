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
  /**
   * Version of this layout; readers refuse newer ones. 2: weights in {@code model.weights()} order, which is
   * Keras 3's layer order. 1 (read still): trainable weights first, then the others, as tapekit 0.1 listed them.
   */
  public static final int FORMAT_VERSION = 2;
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

  /**
   * The compile settings: for one output {@code loss} is one {@code {class_name, config}} and {@code metrics} a
   * list; for several, as Keras 3's compile_config holds them, {@code loss} and {@code loss_weights} are lists
   * (one entry per output, null for none) and {@code metrics} a list of lists.
   */
  private static Map<String, Object> compileConfig(Model model) {
    Map<String, Object> c = new LinkedHashMap<>();
    Optimizer opt = model.optimizer();
    c.put("optimizer", Map.of("class_name", opt.className(), "config", opt.getConfig()));
    List<Object> losses = new ArrayList<>();
    for (Loss loss : model.outputLosses()) {
      losses.add(loss == null ? null : Map.of("class_name", loss.getClass().getSimpleName(), "config", loss.getConfig()));
    }
    List<Object> metrics = new ArrayList<>();
    for (List<Metric> ms : model.outputMetrics()) {
      List<Object> each = new ArrayList<>();
      for (Metric m : ms) {
        each.add(dev.tapekit.metrics.Metrics.serialize(m));
      }
      metrics.add(each);
    }
    boolean single = losses.size() == 1;
    c.put("loss", single ? losses.get(0) : losses);
    List<Double> weights = model.lossWeights();
    c.put("loss_weights", weights.stream().allMatch(w -> w == null) ? null : single ? weights.get(0) : weights);
    c.put("metrics", single ? metrics.get(0) : metrics);
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

  /** The largest {@code config.json} or {@code metadata.json} read (16 MiB); larger entries are refused. */
  public static final int MAX_JSON_BYTES = 16 << 20;
  /** Room for an NPY header in a weight entry, on top of the weight's data. */
  private static final int NPY_HEADER_ROOM = (1 << 20) + 16;

  /**
   * Loads a model saved by {@link #save}: compiled (with optimizer state) if it was compiled.
   *
   * <p>Entries are read with a cap (JSON {@link #MAX_JSON_BYTES}, each weight what the model built from
   * {@code config.json} needs), so a small file cannot make this allocate much more than the model itself;
   * the model is built under {@link dev.tapekit.layers.ModelSizeLimit}.
   *
   * @throws UncheckedIOException when the file cannot be read
   * @throws IllegalArgumentException when it is not a valid model file (the message names the file and the
   *     entry or field); {@link dev.tapekit.layers.ModelTooLargeException} when its model is over the limit
   */
  public static Model load(Path path) {
    try (ZipFile zip = open(path)) {
      Map<String, Object> meta = readMeta(zip, path);
      Map<String, Object> config = readJson(zip, "config.json", path);
      ModelConfigs.init();
      Layer layer = build(config, path);
      if (!(layer instanceof Model)) {
        throw new IllegalArgumentException(path + ": config.json describes a " + Problems.show(config.get("class_name"))
            + ", not a model");
      }
      Model model = (Model) layer;
      loadWeights(zip, model, meta, path);
      Object ccObj = config.get("compile_config");
      if (ccObj != null) {
        Map<String, Object> cc = map(ccObj, "config.json", "compile_config", path);
        Optimizer opt;
        try {
          opt = Optimizers.fromConfig(map(cc.get("optimizer"), "config.json", "compile_config.optimizer", path));
          compileFrom(model, opt, cc, path);
        } catch (IllegalArgumentException | IllegalStateException e) {
          throw invalid(path, "config.json: compile_config", e);
        } catch (ClassCastException | NullPointerException e) {
          throw invalid(path, "config.json: compile_config", e);
        }
        Object osObj = meta.get("optimizer");
        if (osObj != null) {
          restoreOptimizer(zip, model, opt, map(osObj, "metadata.json", "optimizer", path), path);
        }
      }
      Object hist = meta.get("history");
      if (hist != null) {
        model.restoreHistory(history(hist, meta.get("epoch"), path));
      }
      return model;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load a tapekit model from " + path + ": " + message(e), e);
    }
  }

  /** Compiles the model from a compile_config of one output or of several (see {@link #compileConfig}). */
  private static void compileFrom(Model model, Optimizer opt, Map<String, Object> cc, Path path) {
    boolean several = cc.get("loss") instanceof List;
    List<Object> lossCfgs = several ? list(cc.get("loss"), "config.json", "compile_config.loss", path)
        : java.util.Collections.singletonList(cc.get("loss"));
    List<Loss> losses = new ArrayList<>();
    for (int i = 0; i < lossCfgs.size(); i++) {
      String at = "compile_config.loss" + (several ? "[" + i + "]" : "");
      Map<String, Object> lossCfg = lossCfgs.get(i) == null ? null : map(lossCfgs.get(i), "config.json", at, path);
      Object lossArgs = lossCfg == null ? null : lossCfg.get("config");
      losses.add(lossCfg == null ? null : Losses.fromConfig(string(lossCfg.get("class_name"), "config.json",
          at + ".class_name", path), lossArgs == null ? null : map(lossArgs, "config.json", at + ".config", path)));
    }
    Object ms = cc.get("metrics");
    List<Object> perOutput = ms == null ? java.util.Collections.nCopies(losses.size(), List.of())
        : several ? list(ms, "config.json", "compile_config.metrics", path) : List.of(ms);
    if (perOutput.size() != losses.size()) {
      throw new IllegalArgumentException("compile_config.metrics has " + perOutput.size() + " entries for "
          + losses.size() + " losses");
    }
    List<Object> metrics = new ArrayList<>();
    for (int i = 0; i < perOutput.size(); i++) {
      List<Object> each = new ArrayList<>();
      String at = "compile_config.metrics" + (several ? "[" + i + "]" : "");
      for (Object m : list(perOutput.get(i), "config.json", at, path)) {
        each.add(dev.tapekit.metrics.Metrics.deserialize(m, losses.get(i)));
      }
      metrics.add(each);
    }
    Object lossWeights = cc.get("loss_weights");
    if (several) {
      model.compile(opt, losses, lossWeights, metrics);
    } else {
      model.compile(opt, losses.get(0), lossWeights, metrics.get(0));
    }
  }

  /** The layer (a model) that {@code config.json} describes, built under the model size limit. */
  private static Layer build(Map<String, Object> config, Path path) {
    try {
      return Layers.deserialize(config);
    } catch (dev.tapekit.layers.ModelTooLargeException e) {
      throw new dev.tapekit.layers.ModelTooLargeException(path + ": " + e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid(path, "config.json", e);
    } catch (ClassCastException | NullPointerException | IndexOutOfBoundsException | ArithmeticException
        | NegativeArraySizeException e) {
      throw invalid(path, "config.json", e);
    }
  }

  /**
   * An error naming the file and the entry; our own exceptions' messages are kept, the JDK's (a cast, a null)
   * say only which kind of problem it was.
   */
  private static IllegalArgumentException invalid(Path path, String where, RuntimeException e) {
    boolean ours = (e instanceof IllegalArgumentException || e instanceof IllegalStateException)
        && !(e instanceof NumberFormatException) && e.getMessage() != null && !e.getMessage().isBlank();
    String what = ours ? e.getMessage()
        : e instanceof ClassCastException ? "a field has the wrong type"
        : e instanceof NullPointerException ? "a required field is missing"
        : e instanceof NumberFormatException ? "a field is not a valid number"
        : "it is inconsistent (" + e.getClass().getSimpleName() + ")";
    return new IllegalArgumentException(path + " is not a valid tapekit model file: " + where + ": "
        + String.join(" ", what.strip().split("\\s*\\R\\s*")), e);
  }

  private static String message(IOException e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static void restoreOptimizer(ZipFile zip, Model model, Optimizer opt, Map<String, Object> os, Path path)
      throws IOException {
    long cap = NPY_HEADER_ROOM;
    for (Variable v : model.weights()) {
      cap = Math.max(cap, NPY_HEADER_ROOM + 8 * dev.tapekit.core.Shapes.size(v.shape()));
    }
    Map<String, Map<String, Tensor>> slots = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : map(os.get("slots"), "metadata.json", "optimizer.slots", path).entrySet()) {
      Map<String, Tensor> s = new LinkedHashMap<>();
      String at = "optimizer.slots." + e.getKey();
      for (Map.Entry<String, Object> f : map(e.getValue(), "metadata.json", at, path).entrySet()) {
        String file = string(f.getValue(), "metadata.json", at + "." + f.getKey(), path);
        s.put(f.getKey(), NpyFormat.read(entry(zip, file, path, cap), file));
      }
      slots.put(e.getKey(), s);
    }
    Object steps = os.get("steps");
    if (!(steps instanceof Integer || steps instanceof Long) || ((Number) steps).longValue() < 0) {
      throw new IllegalArgumentException(path + ": metadata.json field optimizer.steps must be a whole number "
          + ">= 0, got " + Problems.show(steps));
    }
    try {
      opt.restoreState(Optimizer.State.matchByName(((Number) steps).longValue(), slots, model.weights()));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw invalid(path, "metadata.json: optimizer", e);
    }
  }

  private static History history(Object hist, Object epochs, Path path) {
    Map<String, List<Double>> values = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : map(hist, "metadata.json", "history", path).entrySet()) {
      List<Double> l = new ArrayList<>();
      for (Object o : list(e.getValue(), "metadata.json", "history." + e.getKey(), path)) {
        if (!(o instanceof Number n)) {
          throw new IllegalArgumentException(path + ": metadata.json field history." + e.getKey()
              + " must be a list of numbers, got " + Problems.show(o) + " in it");
        }
        l.add(n.doubleValue());
      }
      values.put(e.getKey(), l);
    }
    List<Integer> ep = new ArrayList<>();
    for (Object o : epochs == null ? List.of() : list(epochs, "metadata.json", "epoch", path)) {
      if (!(o instanceof Integer i)) {
        throw new IllegalArgumentException(path + ": metadata.json field epoch must be a list of whole numbers, got "
            + Problems.show(o) + " in it");
      }
      ep.add(i);
    }
    return History.of(values, ep);
  }

  /** Loads weights saved by {@link #saveWeights} or {@link #save} into {@code model}. */
  public static void loadWeights(Model model, Path path) {
    try (ZipFile zip = open(path)) {
      loadWeights(zip, model, readMeta(zip, path), path);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load weights from " + path + ": " + message(e), e);
    }
  }

  private static void loadWeights(ZipFile zip, Model model, Map<String, Object> meta, Path path) throws IOException {
    Object indexObj = meta.get("weights");
    List<Object> index = indexObj == null ? null : list(indexObj, "metadata.json", "weights", path);
    List<Variable> vars = formatVersion(meta) >= 2 ? model.weights() : legacyWeightOrder(model);
    if (index == null || index.size() != vars.size()) {
      throw new IllegalArgumentException(path + ": the file holds " + (index == null ? 0 : index.size())
          + " weights but model \"" + model.name() + "\" has " + vars.size());
    }
    List<Tensor> values = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      Map<String, Object> e = map(index.get(i), "metadata.json", "weights[" + i + "]", path);
      String file = string(e.get("file"), "metadata.json", "weights[" + i + "].file", path);
      // the entry may hold no more than the model's weight (at 8 bytes an element) and a header
      Tensor t = NpyFormat.read(entry(zip, file, path, NPY_HEADER_ROOM + 8 * dev.tapekit.core.Shapes.size(vars.get(i).shape())), file);
      if (!java.util.Arrays.equals(t.shape(), vars.get(i).shape())) {
        throw new IllegalArgumentException(path + ": weight " + i + " (" + Problems.show(e.get("name")) + ", " + file
            + ") has shape " + dev.tapekit.layers.Config.shapeStr(t.shape()) + " but the model's "
            + vars.get(i).name() + " has shape " + dev.tapekit.layers.Config.shapeStr(vars.get(i).shape()));
      }
      values.add(t);
    }
    for (int i = 0; i < vars.size(); i++) {
      vars.get(i).assign(values.get(i));
    }
  }

  /**
   * The order in which format-1 files (tapekit 0.1) list a model's weights: its trainable weights, then the
   * others. It differs from {@link Model#weights()} (Keras 3's layer order) only for models with
   * non-trainable weights (BatchNormalization's statistics) or frozen layers.
   */
  public static List<Variable> legacyWeightOrder(Model model) {
    List<Variable> out = new ArrayList<>(model.trainableWeights());
    out.addAll(model.nonTrainableWeights());
    return out;
  }

  private static int formatVersion(Map<String, Object> meta) {
    return meta.get("format_version") instanceof Integer i ? i : FORMAT_VERSION;
  }

  private static ZipFile open(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IOException("no such file");
    }
    try {
      return new ZipFile(path.toFile());
    } catch (ZipException | java.io.EOFException e) {
      // the JDK's EOFException here has no message
      throw new IllegalArgumentException(path + " is not a tapekit model file: not a readable zip archive "
          + "(corrupt, truncated or another format)" + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
    }
  }

  private static Map<String, Object> readMeta(ZipFile zip, Path path) throws IOException {
    if (zip.getEntry("metadata.json") == null) {
      throw new IllegalArgumentException(path + " is not a tapekit model file: it has no metadata.json");
    }
    Map<String, Object> meta = readJson(zip, "metadata.json", path);
    if (!"tapekit".equals(meta.get("format"))) {
      throw new IllegalArgumentException(path + " is not a tapekit model file (metadata format is "
          + Problems.show(meta.get("format")) + ")");
    }
    Object v = meta.getOrDefault("format_version", -1);
    int version = v instanceof Integer i ? i : -1;
    if (version < 1 || version > FORMAT_VERSION) {
      throw new IllegalArgumentException(path + ": unsupported model file format version " + Problems.show(v)
          + "; this tapekit reads versions 1 to " + FORMAT_VERSION);
    }
    return meta;
  }

  /** A JSON object entry, read with {@link #MAX_JSON_BYTES} as its cap. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> readJson(ZipFile zip, String name, Path path) throws IOException {
    byte[] bytes = entry(zip, name, path, MAX_JSON_BYTES);
    Object v;
    try {
      v = JSON.readValue(bytes, Object.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(path + ": " + name + " is not valid JSON: "
          + String.join(" ", String.valueOf(e.getOriginalMessage()).strip().split("\\s*\\R\\s*")), e);
    }
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(path + ": " + name + " must hold a JSON object, got " + Problems.show(v));
    }
    return (Map<String, Object>) v;
  }

  /** The bytes of an entry, at most {@code cap} (see {@link ZipEntries#read}). */
  private static byte[] entry(ZipFile zip, String name, Path path, long cap) throws IOException {
    return ZipEntries.read(zip, name, path, cap, name.endsWith(".json") ? "the cap on JSON entries"
        : "what the model's weight needs, with a header");
  }

  /** Typed reads of parsed JSON, with errors naming the entry and the field. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object v, String entry, String field, Path path) {
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(path + ": " + entry + " field " + field + " must be an object, got "
          + Problems.show(v));
    }
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object v, String entry, String field, Path path) {
    if (!(v instanceof List)) {
      throw new IllegalArgumentException(path + ": " + entry + " field " + field + " must be a list, got "
          + Problems.show(v));
    }
    return (List<Object>) v;
  }

  private static String string(Object v, String entry, String field, Path path) {
    if (!(v instanceof String s)) {
      throw new IllegalArgumentException(path + ": " + entry + " field " + field + " must be a string, got "
          + Problems.show(v));
    }
    return s;
  }

  /** Short one-line renderings of JSON values for messages. */
  static final class Problems {
    private Problems() {}

    static String show(Object v) {
      String s = v == null ? "null" : v instanceof String ? "'" + v + "'" : String.valueOf(v);
      s = s.replaceAll("\\p{Cntrl}", "?");
      return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
  }
}

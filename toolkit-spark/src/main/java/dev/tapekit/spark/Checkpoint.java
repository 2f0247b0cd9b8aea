package dev.tapekit.spark;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapekit.callbacks.History;
import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Variable;
import dev.tapekit.models.Model;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The driver's training state after a whole epoch: enough to resume so that the finished run is
 * identical to an uninterrupted one. The file is data only (docs/distributed.md, "Checkpoints"): a zip
 * of {@code checkpoint.json} (format, epochs done, fingerprint, history, optimizer class, config and
 * steps, and an index of the arrays), {@code weights/NNNN.npy} (each model weight, float64, in
 * {@code model.weights()} order) and {@code optimizer/NNNN.npy} (each optimizer slot, float64, shaped like
 * its variable). Written to a temporary file, then renamed. Reading checks every field, and every
 * array's shape against the model the factory builds before reading the array.
 *
 * @param file the file read
 * @param epochsDone epochs completed
 * @param weights each model weight's values, flat
 * @param opt the driver optimizer's state
 * @param history per key, one value per epoch done
 * @param epochs the epochs done (0-based)
 */
record Checkpoint(Path file, int epochsDone, List<double[]> weights, OptState opt,
    Map<String, List<Double>> history, List<Integer> epochs) {
  static final String FILE = "tapekit-spark-checkpoint.zip";
  /** Where tapekit 0.1 wrote Java-serialized checkpoints; such a file is refused unread. */
  static final String OLD_FILE = "tapekit-spark-checkpoint.bin";
  static final String FORMAT = "tapekit-spark-checkpoint";
  /** 2: weights in {@code model.weights()} (Keras 3's layer) order; 1 (read still): trainable weights first. */
  static final int FORMAT_VERSION = 2;
  /** Cap on checkpoint.json (history, index, optimizer config). */
  static final int MAX_JSON_BYTES = 64 << 20;
  /** Cap on the slots of one variable (Adam with amsgrad has 3). */
  static final int MAX_SLOTS_PER_VARIABLE = 8;
  private static final String JSON_ENTRY = "checkpoint.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  // ---------------------------------------------------------------- write

  /** Writes the state of {@code model} and {@code history} after {@code epochsDone} epochs into {@code dir}. */
  static void write(Path dir, Model model, History history, int epochsDone, String fingerprint) {
    Path file = dir.resolve(FILE);
    List<Variable> weights = model.weights();
    Optimizer opt = model.optimizer();
    OptState state = OptState.of(opt, model.trainableVariables());
    List<Variable> trainable = model.trainableVariables();

    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("format_version", FORMAT_VERSION);
    root.put("epochs_done", epochsDone);
    root.put("fingerprint", fingerprint);
    ArrayNode epochs = root.putArray("epoch");
    history.epoch().forEach(epochs::add);
    ObjectNode hist = root.putObject("history");
    history.history().forEach((k, values) -> {
      ArrayNode a = hist.putArray(k);
      for (double v : values) {
        if (Double.isFinite(v)) {
          a.add(v);
        } else {
          a.add(Double.toString(v)); // "NaN", "Infinity", "-Infinity": JSON has no such numbers
        }
      }
    });
    ArrayNode wIndex = root.putArray("weights");
    for (int i = 0; i < weights.size(); i++) {
      ObjectNode w = wIndex.addObject();
      w.put("name", weights.get(i).name());
      shape(w.putArray("shape"), weights.get(i).shape());
      w.put("file", weightEntry(i));
    }
    ObjectNode o = root.putObject("optimizer");
    o.put("class_name", opt.className());
    try {
      o.set("config", JSON.valueToTree(opt.getConfig()));
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      o.putNull("config"); // informational only: an optimizer without a JSON config still checkpoints
    }
    o.put("steps", state.steps());
    ArrayNode sIndex = o.putArray("slots");
    for (int j = 0; j < state.slots().size(); j++) {
      OptState.Slot s = state.slots().get(j);
      ObjectNode n = sIndex.addObject();
      n.put("variable", s.variable());
      n.put("name", s.name());
      shape(n.putArray("shape"), trainable.get(s.variable()).shape());
      n.put("file", slotEntry(j));
    }

    try {
      dev.tapekit.io.AtomicWrite.write(file, os -> {
        try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(os, 1 << 16))) {
          zip.putNextEntry(new ZipEntry(JSON_ENTRY));
          zip.write(JSON.writeValueAsBytes(root));
          zip.closeEntry();
          for (int i = 0; i < weights.size(); i++) {
            zip.putNextEntry(new ZipEntry(weightEntry(i)));
            NpyDoubles.write(zip, Flat.pack(List.of(weights.get(i))), weights.get(i).shape());
            zip.closeEntry();
          }
          for (int j = 0; j < state.slots().size(); j++) {
            OptState.Slot s = state.slots().get(j);
            zip.putNextEntry(new ZipEntry(slotEntry(j)));
            NpyDoubles.write(zip, s.values(), trainable.get(s.variable()).shape());
            zip.closeEntry();
          }
        }
      });
    } catch (IOException e) {
      throw new IllegalStateException("checkpoint: cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static void shape(ArrayNode a, long[] shape) {
    for (long d : shape) {
      a.add(d);
    }
  }

  private static String weightEntry(int i) {
    return String.format("weights/%04d.npy", i);
  }

  private static String slotEntry(int j) {
    return String.format("optimizer/%04d.npy", j);
  }

  // ---------------------------------------------------------------- read

  /**
   * The checkpoint in {@code dir} for {@code model} (built by the run's factory), or null when there is
   * none. Nothing is restored yet; see {@link #restoreInto}.
   *
   * @throws IllegalStateException naming the file and the field when the file is not a checkpoint of this
   *     run: another format, malformed, written with other options, or for another model
   */
  static Checkpoint read(Path dir, Model model, String fingerprint) {
    Path file = dir.resolve(FILE);
    if (!Files.exists(file)) {
      Path old = dir.resolve(OLD_FILE);
      if (Files.exists(old)) {
        throw new IllegalStateException("checkpoint: " + old + " is in Java serialization, which tapekit no longer "
            + "reads (reading it could run code the file names); delete it to train from the start");
      }
      return null;
    }
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw notACheckpoint(file, javaSerialized(file)
          ? "it holds Java serialization, which tapekit never reads (it could run code the file names)"
          : "not a zip archive (empty, truncated or another format)");
    } catch (IOException e) {
      throw new IllegalStateException("checkpoint: cannot read " + file + ": " + e.getMessage(), e);
    }
    try (zip) {
      return parse(zip, file, dir, model, fingerprint);
    } catch (IOException e) {
      throw new IllegalStateException("checkpoint: cannot read " + file + ": " + oneLine(e.getMessage()), e);
    }
  }

  private static Checkpoint parse(ZipFile zip, Path file, Path dir, Model model, String fingerprint)
      throws IOException {
    if (zip.getEntry(JSON_ENTRY) == null) {
      throw notACheckpoint(file, "it has no " + JSON_ENTRY);
    }
    JsonNode root;
    try (InputStream in = zip.getInputStream(zip.getEntry(JSON_ENTRY))) {
      byte[] bytes = in.readNBytes(MAX_JSON_BYTES + 1);
      if (bytes.length > MAX_JSON_BYTES) {
        throw bad(file, JSON_ENTRY, "is larger than " + (MAX_JSON_BYTES >> 20) + " MiB");
      }
      root = JSON.readTree(bytes);
    } catch (JacksonException e) {
      throw bad(file, JSON_ENTRY, "is not valid JSON: " + oneLine(e.getOriginalMessage()));
    } catch (ZipException e) {
      throw bad(file, JSON_ENTRY, "is corrupt: " + oneLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw bad(file, JSON_ENTRY, "must hold a JSON object");
    }
    if (!FORMAT.equals(root.path("format").textValue())) {
      throw notACheckpoint(file, "checkpoint.json has format " + show(root.get("format")) + ", not '" + FORMAT + "'");
    }
    int version = integer(root.get("format_version"), "format_version", 0, Integer.MAX_VALUE, file);
    if (version < 1 || version > FORMAT_VERSION) {
      throw bad(file, "format_version", "is " + version + "; this tapekit reads versions 1 to " + FORMAT_VERSION);
    }
    String written = text(root, "fingerprint", file);
    if (!written.equals(fingerprint)) {
      throw new IllegalStateException("checkpoint in " + dir + " was written by a run with " + written
          + ", but this run has " + fingerprint);
    }
    int epochsDone = integer(root.get("epochs_done"), "epochs_done", 0, Integer.MAX_VALUE, file);
    List<Integer> epochs = new ArrayList<>();
    JsonNode ep = array(root, "epoch", file);
    if (ep.size() != epochsDone) {
      throw bad(file, "epoch", "lists " + ep.size() + " epochs, but epochs_done is " + epochsDone);
    }
    for (int i = 0; i < ep.size(); i++) {
      epochs.add(integer(ep.get(i), "epoch[" + i + "]", 0, epochsDone - 1, file));
    }
    Map<String, List<Double>> history = history(root, epochs.size(), file);

    List<Variable> weights = version >= 2 ? model.weights() : dev.tapekit.io.ModelFiles.legacyWeightOrder(model);
    JsonNode wIndex = array(root, "weights", file);
    if (wIndex.size() != weights.size()) {
      throw bad(file, "weights", "the file holds " + wIndex.size() + " weights, but the model has " + weights.size()
          + "; the model factory builds a different model than the one trained");
    }
    Set<String> entries = new HashSet<>();
    entries.add(JSON_ENTRY);
    List<long[]> weightShapes = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      String field = "weights[" + i + "]";
      JsonNode w = object(wIndex.get(i), field, file);
      String name = text(w, field + ".name", file);
      long[] shape = shape(w, field + ".shape", file);
      Variable v = weights.get(i);
      if (!Arrays.equals(shape, v.shape())) {
        throw bad(file, field, "'" + name + "' has shape " + dev.tapekit.layers.Config.shapeStr(shape) + ", but the model's "
            + "weight " + i + " ('" + v.name() + "') has shape " + dev.tapekit.layers.Config.shapeStr(v.shape())
            + "; the model factory builds a different model than the one trained");
      }
      entry(w, field + ".file", weightEntry(i), file);
      entries.add(weightEntry(i));
      weightShapes.add(shape);
    }

    List<Variable> trainable = model.trainableVariables();
    JsonNode o = object(root.get("optimizer"), "optimizer", file);
    String cls = text(o, "optimizer.class_name", file);
    if (!cls.equals(model.optimizer().className())) {
      throw bad(file, "optimizer.class_name", "the run was trained with " + cls + ", but the model factory compiles "
          + model.optimizer().className());
    }
    long steps = integer(o.get("steps"), "optimizer.steps", 0, Long.MAX_VALUE, file);
    JsonNode sIndex = array(o, "optimizer.slots", file);
    if (sIndex.size() > (long) MAX_SLOTS_PER_VARIABLE * trainable.size()) {
      throw bad(file, "optimizer.slots", "lists " + sIndex.size() + " slots for " + trainable.size()
          + " trainable variables (at most " + MAX_SLOTS_PER_VARIABLE + " each)");
    }
    Set<String> seen = new HashSet<>();
    List<Integer> slotVars = new ArrayList<>();
    List<String> slotNames = new ArrayList<>();
    for (int j = 0; j < sIndex.size(); j++) {
      String field = "optimizer.slots[" + j + "]";
      JsonNode s = object(sIndex.get(j), field, file);
      int var = integer(s.get("variable"), field + ".variable", 0, trainable.size() - 1, file);
      String name = text(s, field + ".name", file);
      if (!seen.add(var + "/" + name)) {
        throw bad(file, field, "repeats slot '" + name + "' of variable " + var);
      }
      long[] shape = shape(s, field + ".shape", file);
      if (!Arrays.equals(shape, trainable.get(var).shape())) {
        throw bad(file, field, "slot '" + name + "' has shape " + dev.tapekit.layers.Config.shapeStr(shape)
            + ", but trainable variable " + var + " ('" + trainable.get(var).name() + "') has shape "
            + dev.tapekit.layers.Config.shapeStr(trainable.get(var).shape()));
      }
      entry(s, field + ".file", slotEntry(j), file);
      entries.add(slotEntry(j));
      slotVars.add(var);
      slotNames.add(name);
    }
    for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
      String name = e.nextElement().getName();
      if (!entries.contains(name)) {
        throw bad(file, name, "is not an entry of a tapekit Spark checkpoint");
      }
    }

    // the index is consistent with the model: now the arrays, each exactly the shape checked above
    List<double[]> values = new ArrayList<>();
    for (int i = 0; i < weights.size(); i++) {
      values.add(array(zip, weightEntry(i), weightShapes.get(i), file));
    }
    List<OptState.Slot> slots = new ArrayList<>();
    for (int j = 0; j < slotVars.size(); j++) {
      int var = slotVars.get(j);
      slots.add(new OptState.Slot(var, slotNames.get(j), array(zip, slotEntry(j), trainable.get(var).shape(), file)));
    }
    if (version < 2) {
      // format 1 listed the trainable weights first: into model.weights() order
      Map<Variable, double[]> byVariable = new java.util.IdentityHashMap<>();
      for (int i = 0; i < weights.size(); i++) {
        byVariable.put(weights.get(i), values.get(i));
      }
      values = new ArrayList<>();
      for (Variable v : model.weights()) {
        values.add(byVariable.get(v));
      }
    }
    return new Checkpoint(file, epochsDone, values, new OptState(steps, slots), history, epochs);
  }

  /** Installs the weights and the optimizer state into {@code model}; returns the first epoch to train. */
  int restoreInto(Model model) {
    int n = 0;
    for (double[] w : weights) {
      n += w.length;
    }
    double[] flat = new double[n];
    int at = 0;
    for (double[] w : weights) {
      System.arraycopy(w, 0, flat, at, w.length);
      at += w.length;
    }
    Flat.unpack(flat, model.weights());
    try {
      opt.restoreInto(model.optimizer(), model.trainableVariables());
    } catch (IllegalArgumentException e) {
      throw bad(file, "optimizer.slots", oneLine(e.getMessage()).replaceFirst("^restoreState: ", ""));
    }
    return epochsDone;
  }

  private static Map<String, List<Double>> history(JsonNode root, int epochs, Path file) {
    JsonNode h = object(root.get("history"), "history", file);
    Map<String, List<Double>> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : h.properties()) {
      String field = "history." + e.getKey();
      JsonNode a = e.getValue();
      if (!a.isArray()) {
        throw bad(file, field, "must be a list of numbers, got " + show(a));
      }
      if (a.size() != epochs) {
        throw bad(file, field, "has " + a.size() + " values for " + epochs + " epochs");
      }
      List<Double> values = new ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = a.get(i);
        if (v.isNumber()) {
          values.add(v.doubleValue());
        } else if (v.isTextual() && Set.of("NaN", "Infinity", "-Infinity").contains(v.textValue())) {
          values.add(Double.parseDouble(v.textValue()));
        } else {
          throw bad(file, field + "[" + i + "]", "must be a number, got " + show(v));
        }
      }
      out.put(e.getKey(), values);
    }
    return out;
  }

  private static double[] array(ZipFile zip, String name, long[] shape, Path file) throws IOException {
    ZipEntry e = zip.getEntry(name);
    if (e == null) {
      throw bad(file, name, "is missing (truncated or corrupt file)");
    }
    try (InputStream in = zip.getInputStream(e)) {
      return NpyDoubles.read(in, shape, name);
    } catch (ZipException ex) {
      throw bad(file, name, "is corrupt: " + oneLine(ex.getMessage()));
    } catch (IOException ex) {
      throw new IllegalStateException("checkpoint: " + file + ": " + oneLine(ex.getMessage()), ex);
    }
  }

  // ---------------------------------------------------------------- field checks

  private static JsonNode object(JsonNode n, String field, Path file) {
    if (n == null || !n.isObject()) {
      throw bad(file, field, "must be a JSON object, got " + show(n));
    }
    return n;
  }

  private static JsonNode array(JsonNode parent, String field, Path file) {
    JsonNode n = parent.get(field.substring(field.lastIndexOf('.') + 1));
    if (n == null || !n.isArray()) {
      throw bad(file, field, "must be a list, got " + show(n));
    }
    return n;
  }

  private static String text(JsonNode parent, String field, Path file) {
    JsonNode n = parent.get(field.substring(field.lastIndexOf('.') + 1));
    if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
      throw bad(file, field, "must be a non-empty string, got " + show(n));
    }
    return n.textValue();
  }

  private static int integer(JsonNode n, String field, int min, int max, Path file) {
    return (int) integer(n, field, (long) min, max, file);
  }

  private static long integer(JsonNode n, String field, long min, long max, Path file) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
      throw bad(file, field, "must be an integer in [" + min + ", " + max + "], got " + show(n));
    }
    return n.longValue();
  }

  private static long[] shape(JsonNode parent, String field, Path file) {
    JsonNode n = parent.get("shape");
    if (n == null || !n.isArray()) {
      throw bad(file, field, "must be a list of sizes, got " + show(n));
    }
    long[] out = new long[n.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode d = n.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 0) {
        throw bad(file, field, "must be a list of sizes (integers >= 0), got " + show(n));
      }
      out[i] = d.longValue();
    }
    return out;
  }

  private static void entry(JsonNode parent, String field, String expected, Path file) {
    String name = text(parent, field, file);
    if (!name.equals(expected)) {
      throw bad(file, field, "must be '" + expected + "', got '" + name + "'");
    }
  }

  private static String show(JsonNode n) {
    if (n == null || n.isMissingNode()) {
      return "nothing";
    }
    String s = n.isContainerNode() ? (n.isObject() ? "an object" : "a list") : n.toString();
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  /** A malformed field: {@code checkpoint: FILE: FIELD: MESSAGE}. */
  static IllegalStateException bad(Path file, String field, String message) {
    return new IllegalStateException("checkpoint: " + file + ": " + field + ": " + message);
  }

  private static IllegalStateException notACheckpoint(Path file, String why) {
    return new IllegalStateException("checkpoint: " + file + " is not a tapekit Spark checkpoint: " + why);
  }

  /** Whether the file starts with Java serialization's stream header (0xACED, version 5). */
  private static boolean javaSerialized(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(4);
      return head.length == 4 && (head[0] & 0xff) == 0xac && (head[1] & 0xff) == 0xed && head[2] == 0 && head[3] == 5;
    } catch (IOException e) {
      return false;
    }
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replaceAll("\\s*\\R\\s*", " ").strip();
  }
}

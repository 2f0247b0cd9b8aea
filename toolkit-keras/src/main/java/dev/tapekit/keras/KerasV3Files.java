package dev.tapekit.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.io.AtomicWrite;
import dev.tapekit.io.ZipEntries;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Layers;
import dev.tapekit.models.Model;
import dev.tapekit.models.ModelConfigs;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Keras 3's {@code .keras} files (saving_lib: a zip of {@code metadata.json}, {@code config.json} and
 * {@code model.weights.h5}) and its {@code *.weights.h5} files, both ways.
 */
final class KerasV3Files {
  /** The Keras version written into metadata.json: the Keras 3 release whose layout this writes. */
  static final String KERAS_VERSION = "3.5.0";
  static final String CONFIG = "config.json";
  static final String METADATA = "metadata.json";
  static final String WEIGHTS = "model.weights.h5";
  /** The largest {@code config.json} or {@code metadata.json} read (as tapekit's own files). */
  static final int MAX_JSON_BYTES = dev.tapekit.io.ModelFiles.MAX_JSON_BYTES;
  private static final ObjectMapper JSON = new ObjectMapper();

  private KerasV3Files() {}

  // ---------------------------------------------------------------- detect

  /** A zip with Keras 3's {@code config.json} and {@code model.weights.h5} (or its npz variant). */
  static boolean isKerasZip(Path path) {
    try (ZipFile zip = new ZipFile(path.toFile())) {
      return zip.getEntry(CONFIG) != null
          && (zip.getEntry(WEIGHTS) != null || zip.getEntry("model.weights.npz") != null);
    } catch (IOException e) {
      return false;
    }
  }

  /** An HDF5 file in Keras 3's weights layout (not legacy {@code layer_names}). */
  static boolean isV3WeightsFile(Path path) {
    try (H5File h5 = H5File.open(path)) {
      return KerasV3Weights.isV3(h5);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  // ---------------------------------------------------------------- read

  /** The model in a {@code .keras} file: architecture, weights, and compiled when it has a compile_config. */
  static Model load(Path path) {
    try (ZipFile zip = open(path)) {
      Map<String, Object> config = json(zip, CONFIG, path);
      Model model = build(config, path);
      Object cc = config.get("compile_config");
      if (cc != null) {
        KerasCompile.compile(model, cc, path + ": config.json: compile_config");
      }
      readWeights(zip, model, path);
      return model;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load a Keras model from " + path + ": " + e.getMessage(), e);
    }
  }

  /** Loads the weights of the {@code .keras} file {@code path} into {@code model}. */
  static void loadWeightsFromModelFile(Model model, Path path) {
    try (ZipFile zip = open(path)) {
      readWeights(zip, model, path);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not load weights from " + path + ": " + e.getMessage(), e);
    }
  }

  /** Loads a Keras 3 {@code *.weights.h5} file into {@code model}. */
  static void loadWeights(Model model, Path path) {
    try (H5File h5 = H5File.open(path)) {
      KerasV3Weights.read(model, h5);
    }
  }

  private static Model build(Map<String, Object> config, Path path) {
    ModelConfigs.init();
    KerasLambdas.init(); // a Lambda layer fails naming itself (or uses a registered replacement)
    KerasV3Options.check(config, path + ": config.json");
    Layer layer;
    try {
      layer = Layers.deserialize(config);
    } catch (dev.tapekit.layers.ModelTooLargeException e) {
      throw new dev.tapekit.layers.ModelTooLargeException(path + ": " + e.getMessage());
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException | NullPointerException
        | IndexOutOfBoundsException | ArithmeticException e) {
      throw new IllegalArgumentException(path + ": config.json: " + oneLine(e), e);
    }
    if (!(layer instanceof Model m)) {
      throw new IllegalArgumentException(path + ": config.json describes a " + config.get("class_name")
          + ", not a model");
    }
    return m;
  }

  private static void readWeights(ZipFile zip, Model model, Path path) throws IOException {
    if (zip.getEntry(WEIGHTS) == null) {
      throw new IllegalArgumentException(path + ": no " + WEIGHTS + " in the archive"
          + (zip.getEntry("model.weights.npz") != null ? " (its weights are in model.weights.npz, which tapekit "
              + "does not read; save with weights_format='h5')" : ""));
    }
    byte[] bytes = ZipEntries.read(zip, WEIGHTS, path, KerasV3Weights.cap(model),
        "what the model's weights and optimizer state need");
    try (H5File h5 = H5File.of(bytes, path + "!/" + WEIGHTS)) {
      KerasV3Weights.read(model, h5);
    }
  }

  private static ZipFile open(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(path + ": no such file");
    }
    try {
      return new ZipFile(path.toFile());
    } catch (ZipException | java.io.EOFException e) {
      throw new IllegalArgumentException(path + " is not a .keras file: not a readable zip archive", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> json(ZipFile zip, String name, Path path) throws IOException {
    byte[] bytes = ZipEntries.read(zip, name, path, MAX_JSON_BYTES, "the cap on JSON entries");
    Object v;
    try {
      v = JSON.readValue(bytes, Object.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(path + ": " + name + " is not valid JSON: " + oneLine(e.getOriginalMessage()),
          e);
    }
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(path + ": " + name + " must hold a JSON object");
    }
    return (Map<String, Object>) v;
  }

  // ---------------------------------------------------------------- write

  /** Writes {@code model} as a {@code .keras} file that Keras 3's {@code load_model} opens. */
  static void save(Model model, Path path) {
    try {
      Map<String, Object> config = KerasV3Config.of(model);
      Map<String, Object> meta = new LinkedHashMap<>();
      meta.put("keras_version", KERAS_VERSION);
      meta.put("date_saved", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
      byte[] weights = weightsBytes(model, path);
      AtomicWrite.write(path, out -> writeZip(out, JSON.writeValueAsBytes(meta), JSON.writeValueAsBytes(config),
          weights));
    } catch (IOException e) {
      throw new UncheckedIOException("Could not save to " + path + ": " + e.getMessage(), e);
    }
  }

  /** Writes a Keras 3 {@code *.weights.h5} file. */
  static void saveWeights(Model model, Path path) {
    KerasV3Weights.save(model, path);
  }

  /** The model's {@code model.weights.h5}, written to a temporary file next to {@code target} (jhdf writes files). */
  private static byte[] weightsBytes(Model model, Path target) throws IOException {
    Path tmp = AtomicWrite.tempSibling(target.resolveSibling(target.getFileName() + ".weights.h5"));
    try {
      KerasV3Weights.write(model, tmp);
      return Files.readAllBytes(tmp);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Keras's zip: the three entries stored uncompressed, in the order saving_lib writes them. */
  private static void writeZip(OutputStream out, byte[] meta, byte[] config, byte[] weights) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      stored(zip, METADATA, meta);
      stored(zip, CONFIG, config);
      stored(zip, WEIGHTS, weights);
    }
  }

  private static void stored(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  private static String oneLine(Object e) {
    String m = e instanceof Throwable t ? (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage())
        : String.valueOf(e);
    return String.join(" ", m.strip().split("\\s*\\R\\s*"));
  }
}

package dev.tapekit.io;

import dev.tapekit.models.Model;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/**
 * Which format a model file is in: by content when reading (tapekit's zip, or a {@link ModelFormat} found
 * on the class path that recognises it), by name when writing. A Keras file read or written without the
 * {@code toolkit-keras} module on the class path fails with a message that says so, never a silent
 * fallback to tapekit's format.
 */
public final class ModelFormats {
  private static final String KERAS_MODULE = "dev.tapekit:toolkit-keras";

  private ModelFormats() {}

  /** The formats on the class path, in service-file order. */
  public static List<ModelFormat> available() {
    return ServiceLoader.load(ModelFormat.class, ModelFormats.class.getClassLoader()).stream()
        .map(ServiceLoader.Provider::get).toList();
  }

  /** Loads a model from a file in any known format. */
  public static Model load(Path path) {
    ModelFormat f = reader(path);
    return f == null ? ModelFiles.load(path) : f.load(path);
  }

  /** Loads weights from a file in any known format into {@code model}. */
  public static void loadWeights(Model model, Path path) {
    ModelFormat f = reader(path);
    if (f == null) {
      ModelFiles.loadWeights(model, path);
    } else {
      f.loadWeights(model, path);
    }
  }

  /** Saves in the format the name asks for ({@code .keras}, {@code .h5}), else tapekit's. */
  public static void save(Model model, Path path) {
    ModelFormat f = writer(path);
    if (f == null) {
      ModelFiles.save(model, path);
    } else {
      f.save(model, path);
    }
  }

  /** Saves weights in the format the name asks for, else tapekit's. */
  public static void saveWeights(Model model, Path path) {
    ModelFormat f = writer(path);
    if (f == null) {
      ModelFiles.saveWeights(model, path);
    } else {
      f.saveWeights(model, path);
    }
  }

  /** The format that reads {@code path}, or null for tapekit's own (or an unknown file, which it refuses). */
  static ModelFormat reader(Path path) {
    if (!Files.isRegularFile(path)) {
      return null; // tapekit's reader says "no such file"
    }
    FileHead head;
    try {
      head = FileHead.of(path);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not read " + path + ": " + e.getMessage(), e);
    }
    for (ModelFormat f : available()) {
      if (f.reads(path, head)) {
        return f;
      }
    }
    String kind = head.isHdf5() ? "an HDF5 file (Keras's .h5 format)"
        : head.isJsonObject() && head.mentions("modelTopology") ? "a TensorFlow.js model.json"
        : null;
    if (kind != null) {
      throw new IllegalArgumentException(path + " is " + kind + "; reading it needs " + KERAS_MODULE
          + " on the class path");
    }
    return null;
  }

  /** The format that {@code path}'s name asks for, or null for tapekit's own. */
  static ModelFormat writer(Path path) {
    for (ModelFormat f : available()) {
      if (f.writes(path)) {
        return f;
      }
    }
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".keras") || name.endsWith(".h5") || name.endsWith(".hdf5")) {
      throw new IllegalArgumentException("Cannot save " + path + " in Keras's format: it needs " + KERAS_MODULE
          + " on the class path (or save under another name for tapekit's own format)");
    }
    return null;
  }
}

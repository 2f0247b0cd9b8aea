package dev.tapekit.keras;

import dev.tapekit.models.Model;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Legacy Keras HDF5 files (Keras 1.x, 2.x and tf.keras; TensorFlow and Theano backends).
 * {@code model.save('m.h5')}: root attributes {@code keras_version}, {@code backend}, {@code model_config}
 * (the architecture, translated by {@link LegacyConfigs}), {@code training_config} (compiled by
 * {@link LegacyTraining}), weights under {@code model_weights} ({@link LegacyWeights}).
 * {@code save_weights('w.h5')}: root attribute {@code layer_names} and the layers' groups at the root.
 *
 * <p>NOTE: {@code optimizer_weights} are not loaded. Keras 2 saved them as positional, unnamed variables
 * ({@code Variable_3:0}, {@code training/RMSprop/Variable:0}) whose meaning depends on the optimizer class
 * and the Keras version that wrote them, and several of Keras 2's update rules (RMSprop's and Adagrad's
 * epsilon, {@code decay}) differ from Keras 3's, whose rules tapekit's optimizers follow: mapping that state
 * onto tapekit's slots would resume a different optimizer from state that is not its own. Like Keras 3
 * reading these files, the model is compiled with a fresh optimizer of the file's hyperparameters.
 */
final class LegacyH5Reader {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyH5Reader.class);

  private LegacyH5Reader() {}

  static Model load(Path path) {
    return KerasErrors.at(path.toString(), null, () -> read(path));
  }

  private static Model read(Path path) {
    try (H5File f = H5File.open(path)) {
      String modelConfig = f.stringAttribute("/", "model_config");
      if (modelConfig == null) {
        if (f.stringsAttribute("/", "layer_names") != null) {
          throw new IllegalArgumentException(path + " holds only weights (Keras's save_weights): build the model "
              + "and call model.loadWeights(path)");
        }
        throw new IllegalArgumentException(path + " is not a Keras model file: the HDF5 root has no model_config "
            + "attribute");
      }
      KerasSource src = source(f);
      // Keras stores weights uncompressed: the model cannot hold more bytes than the file
      Model model = LegacyConfigs.build(KerasJson.object(modelConfig, path + ": attribute model_config"), src,
          fileSize(path), "the whole file " + path.getFileName());
      if (f.group("model_weights") == null) {
        throw new IllegalArgumentException(path + ": no model_weights group: the file has no weights");
      }
      LegacyWeights.load(model, f, "model_weights", src);
      String trainingConfig = f.stringAttribute("/", "training_config");
      if (trainingConfig != null) {
        LegacyTraining.compile(model, KerasJson.object(trainingConfig, path + ": attribute training_config"), src);
        if (f.group("optimizer_weights") != null) {
          LOG.info("{}: optimizer_weights not loaded (Keras {}'s optimizer state does not map onto Keras 3's "
              + "optimizers); the optimizer starts fresh", path, src.kerasVersion());
        }
      }
      return model;
    }
  }

  static void loadWeights(Model model, Path path) {
    KerasErrors.at(path.toString(), null, () -> {
      readWeights(model, path);
      return null;
    });
  }

  private static void readWeights(Model model, Path path) {
    try (H5File f = H5File.open(path)) {
      KerasSource src = source(f);
      boolean weightsOnly = f.stringsAttribute("/", "layer_names") != null;
      if (!weightsOnly && f.group("model_weights") == null) {
        throw new IllegalArgumentException(path + " has no Keras weights: neither a layer_names attribute at the "
            + "root (save_weights) nor a model_weights group (model.save)");
      }
      LegacyWeights.load(model, f, weightsOnly ? "/" : "model_weights", src);
    }
  }

  private static long fileSize(Path path) {
    try {
      return java.nio.file.Files.size(path);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Could not read " + path + ": " + e.getMessage(), e);
    }
  }

  /** Version and backend from the root (model files and weights files both carry them). */
  private static KerasSource source(H5File f) {
    String version = f.stringAttribute("/", "keras_version");
    String backend = f.stringAttribute("/", "backend");
    if (version == null && f.group("model_weights") != null) {
      version = f.stringAttribute("model_weights", "keras_version");
      backend = backend == null ? f.stringAttribute("model_weights", "backend") : backend;
    }
    return new KerasSource(f.name(), version, backend);
  }
}

package dev.tapekit.models;

import dev.tapekit.io.ModelFormats;
import java.nio.file.Path;

/** Loading saved models, like {@code keras.models.load_model}. */
public final class Models {
  private Models() {}

  /**
   * Loads a model file, telling the format by its content: tapekit's own (compiled, with optimizer state and
   * history, if it was), and with {@code toolkit-keras} on the class path Keras's legacy HDF5, Keras 3
   * {@code .keras} and TensorFlow.js {@code model.json} (compiled when the file has a training config).
   */
  public static Model load(Path path) {
    return ModelFormats.load(path);
  }
}

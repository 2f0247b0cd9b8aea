package dev.tapekit.keras;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Layers;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

/** The real Keras files under test resources {@code keras-models/} and what the tests need from them. */
final class KerasFixtures {
  private KerasFixtures() {}

  static Path dir() {
    try {
      return Path.of(KerasFixtures.class.getResource("/keras-models").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path file(String relative) {
    return dir().resolve(relative);
  }

  /** Dataset {@code path} of an HDF5 fixture, whatever its shape. */
  static Tensor dataset(H5File f, String path) {
    return f.floatsUpTo(path, 1 << 20, path);
  }

  /** Whether this branch's toolkit-layers has the Masking layer (another branch adds it). */
  static boolean hasMasking() {
    return Layers.names().contains("Masking");
  }

  /** Whether this branch's GRU takes reset_after=False (Keras 2's and TensorFlow.js's; another branch adds it). */
  static boolean gruResetAfterFalse() {
    try {
      Layers.deserialize(Map.of("class_name", "GRU", "config", Map.of("units", 1, "reset_after", false)));
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether this branch's convolutions honour data_format=channels_first (another branch adds it). */
  static boolean convChannelsFirst() {
    Layer conv = Layers.deserialize(Map.of("class_name", "Conv1D", "config",
        Map.of("filters", 1, "kernel_size", 1, "data_format", "channels_first")));
    return "channels_first".equals(conv.getConfig().get("data_format"));
  }
}

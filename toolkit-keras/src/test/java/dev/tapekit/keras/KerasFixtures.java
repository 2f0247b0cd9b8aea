package dev.tapekit.keras;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Layer;
import java.net.URISyntaxException;
import java.nio.file.Path;

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
}

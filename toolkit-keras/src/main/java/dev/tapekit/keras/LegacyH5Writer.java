package dev.tapekit.keras;

import dev.tapekit.models.Model;
import java.nio.file.Path;

/** PLACEHOLDER: being written (issue 13). */
final class LegacyH5Writer {
  private LegacyH5Writer() {}

  static void save(Model model, Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }

  static void saveWeights(Model model, Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }
}

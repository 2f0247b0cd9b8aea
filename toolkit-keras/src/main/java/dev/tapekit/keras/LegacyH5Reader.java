package dev.tapekit.keras;

import dev.tapekit.models.Model;
import java.nio.file.Path;

/** PLACEHOLDER: being written (issue 13). */
final class LegacyH5Reader {
  private LegacyH5Reader() {}

  static Model load(Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }

  static void loadWeights(Model model, Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }
}

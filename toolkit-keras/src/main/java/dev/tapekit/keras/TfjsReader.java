package dev.tapekit.keras;

import dev.tapekit.models.Model;
import java.nio.file.Path;

/** PLACEHOLDER: being written (issue 13). */
final class TfjsReader {
  private TfjsReader() {}

  static Model load(Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }

  static void loadWeights(Model model, Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }
}

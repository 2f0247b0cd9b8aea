package dev.tapekit.keras;

import dev.tapekit.models.Model;
import java.nio.file.Path;

/** PLACEHOLDER: being written (issue 13). */
final class KerasV3Files {
  private KerasV3Files() {}

  static boolean isKerasZip(Path path) {
    return false;
  }

  static boolean isV3WeightsFile(Path path) {
    return false;
  }

  static Model load(Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }

  static void loadWeights(Model model, Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }

  static void loadWeightsFromModelFile(Model model, Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }

  static void save(Model model, Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }

  static void saveWeights(Model model, Path path) {
    throw new UnsupportedOperationException("not implemented yet: " + path);
  }
}

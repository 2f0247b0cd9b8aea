package dev.tapekit.keras;

import dev.tapekit.io.FileHead;
import dev.tapekit.io.ModelFormat;
import dev.tapekit.models.Model;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Keras's HDF5 files: legacy {@code model.save('m.h5')} / {@code save_weights('w.h5')} (Keras 1 and 2,
 * tf.keras) and Keras 3's {@code save_weights('w.weights.h5')}, told apart by their layout.
 */
public final class KerasH5Format implements ModelFormat {
  @Override
  public String name() {
    return "Keras HDF5";
  }

  @Override
  public boolean reads(Path path, FileHead head) {
    return head.isHdf5();
  }

  @Override
  public boolean writes(Path path) {
    String n = lowerName(path);
    return n.endsWith(".h5") || n.endsWith(".hdf5");
  }

  @Override
  public Model load(Path path) {
    return LegacyH5Reader.load(path);
  }

  @Override
  public void loadWeights(Model model, Path path) {
    if (KerasV3Files.isV3WeightsFile(path)) {
      KerasV3Files.loadWeights(model, path);
    } else {
      LegacyH5Reader.loadWeights(model, path);
    }
  }

  @Override
  public void save(Model model, Path path) {
    LegacyH5Writer.save(model, path);
  }

  @Override
  public void saveWeights(Model model, Path path) {
    // Keras 3 insists on ".weights.h5" and writes its own layout there; tf.keras wrote the legacy one
    if (lowerName(path).endsWith(".weights.h5")) {
      KerasV3Files.saveWeights(model, path);
    } else {
      LegacyH5Writer.saveWeights(model, path);
    }
  }

  static String lowerName(Path path) {
    return path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
  }
}

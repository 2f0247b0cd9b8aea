package dev.tapekit.keras;

import dev.tapekit.io.FileHead;
import dev.tapekit.io.ModelFormat;
import dev.tapekit.models.Model;
import java.nio.file.Path;

/** Keras 3's {@code .keras} zip: {@code config.json}, {@code metadata.json}, {@code model.weights.h5}. */
public final class KerasV3Format implements ModelFormat {
  @Override
  public String name() {
    return "Keras 3 (.keras)";
  }

  @Override
  public boolean reads(Path path, FileHead head) {
    return head.isZip() && KerasV3Files.isKerasZip(path);
  }

  @Override
  public boolean writes(Path path) {
    return KerasH5Format.lowerName(path).endsWith(".keras");
  }

  @Override
  public Model load(Path path) {
    return KerasV3Files.load(path);
  }

  @Override
  public void loadWeights(Model model, Path path) {
    KerasV3Files.loadWeightsFromModelFile(model, path);
  }

  @Override
  public void save(Model model, Path path) {
    KerasV3Files.save(model, path);
  }

  @Override
  public void saveWeights(Model model, Path path) {
    throw new IllegalArgumentException("Cannot save weights only to " + path + ": Keras 3 saves weights to a "
        + "name ending in .weights.h5 (or save the whole model to .keras)");
  }
}

package dev.tapekit.keras;

import dev.tapekit.io.FileHead;
import dev.tapekit.io.ModelFormat;
import dev.tapekit.models.Model;
import java.nio.file.Path;

/** TensorFlow.js Layers models: {@code model.json} ({@code modelTopology}, {@code weightsManifest}) and shards. */
public final class TfjsFormat implements ModelFormat {
  @Override
  public String name() {
    return "TensorFlow.js Layers";
  }

  @Override
  public boolean reads(Path path, FileHead head) {
    return head.isJsonObject() && head.mentions("modelTopology");
  }

  @Override
  public boolean writes(Path path) {
    return false;
  }

  @Override
  public Model load(Path path) {
    return TfjsReader.load(path);
  }

  @Override
  public void loadWeights(Model model, Path path) {
    TfjsReader.loadWeights(model, path);
  }

  @Override
  public void save(Model model, Path path) {
    throw new IllegalArgumentException("tapekit does not write TensorFlow.js models (" + path + ")");
  }

  @Override
  public void saveWeights(Model model, Path path) {
    save(model, path);
  }
}

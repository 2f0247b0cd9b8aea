package dev.tapekit.cli.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code model} section: a Keras-shaped layer list, the path of a Keras {@code model.to_json()}
 * file (whose layers are read into {@link #layers} by {@link RunConfigParser}), or a saved model file
 * ({@code model: {file: m.keras}}: any format {@code Models.load} reads) to train further.
 *
 * @param name the model's name
 * @param layers the layers in order (empty for a model file)
 * @param source where the layers came from (the Keras JSON file), or null when written inline
 * @param file the saved model to fine-tune, or null when the model is built from layers
 */
public record ModelSpec(String name, List<NamedSpec> layers, Path source, Path file) {
  public ModelSpec {
    layers = List.copyOf(layers);
  }

  /** A model built from layers. */
  public ModelSpec(String name, List<NamedSpec> layers, Path source) {
    this(name, layers, source, null);
  }
}

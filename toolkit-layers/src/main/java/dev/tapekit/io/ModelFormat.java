package dev.tapekit.io;

import dev.tapekit.models.Model;
import java.nio.file.Path;

/**
 * A model file format besides tapekit's own, found with {@link java.util.ServiceLoader}: the
 * {@code toolkit-keras} module provides Keras's (legacy HDF5, Keras 3 {@code .keras}, TensorFlow.js
 * Layers). {@link ModelFormats} picks a format by a file's content when reading and by its name when
 * writing, as Keras does.
 */
public interface ModelFormat {
  /** A short name for messages, e.g. {@code "Keras HDF5"}. */
  String name();

  /** Whether {@code path} holds this format, judged by its content; {@code head} is its first bytes. */
  boolean reads(Path path, FileHead head);

  /** Whether saving to {@code path} means this format (by the file name, e.g. a {@code .keras} suffix). */
  boolean writes(Path path);

  /** The model in the file, compiled when the file has a training config. */
  Model load(Path path);

  /** Loads the file's weights into {@code model}. */
  void loadWeights(Model model, Path path);

  /** Writes the whole model (architecture, weights, training config) in this format. */
  void save(Model model, Path path);

  /** Writes only the weights in this format. */
  void saveWeights(Model model, Path path);
}

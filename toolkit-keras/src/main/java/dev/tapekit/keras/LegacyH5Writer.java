package dev.tapekit.keras;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Variable;
import dev.tapekit.io.AtomicWrite;
import dev.tapekit.layers.BaseRNN;
import dev.tapekit.layers.Layer;
import dev.tapekit.models.Model;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Legacy Keras HDF5 files, as tf.keras 2's {@code model.save('m.h5')} and {@code save_weights('w.h5')} wrote them
 * and Keras 3's {@code legacy_h5_format} reads them: root attributes {@code keras_version} (a Keras 2 version: Keras 3
 * converts nothing by version, tapekit's and tf.keras's readers then take Keras 2 names and layouts),
 * {@code backend}, {@code model_config}, {@code training_config}; group {@code model_weights} with attribute
 * {@code layer_names} and a group per layer with attribute {@code weight_names} and datasets
 * {@code <layer>/<layer>/<weight>:0}; {@code optimizer_weights} in Keras 3's variable order. Layers without weights
 * get no group and are not listed (Keras's loaders match only layers that have weights; jhdf 0.9.4 cannot write an
 * empty group after one holding data).
 */
final class LegacyH5Writer {
  /** The Keras version written: the last tf.keras 2 release. */
  static final String KERAS_VERSION = "2.15.0";
  static final String BACKEND = "tensorflow";
  /** The largest attribute Keras's h5py writes without chunking ({@code HDF5_OBJECT_HEADER_LIMIT}). */
  static final int ATTRIBUTE_LIMIT = 64512;
  private static final ObjectMapper JSON = new ObjectMapper();

  private LegacyH5Writer() {}

  /** Writes the whole model: architecture, weights, training config and optimizer state when compiled. */
  static void save(Model model, Path path) {
    String modelConfig = json(LegacyConfig.model(model));
    String trainingConfig = model.compiled() ? json(LegacyConfig.training(model)) : null;
    int total = modelConfig.length() + (trainingConfig == null ? 0 : trainingConfig.length());
    if (total > ATTRIBUTE_LIMIT) {
      throw new IllegalArgumentException("Cannot save " + path + " as legacy HDF5: its model_config and "
          + "training_config take " + total + " bytes, more than the " + ATTRIBUTE_LIMIT + " an HDF5 object header "
          + "holds (Keras has the same limit); save it as .keras instead");
    }
    write(path, h5 -> {
      h5.putAttribute("keras_version", KERAS_VERSION);
      h5.putAttribute("backend", BACKEND);
      h5.putAttribute("model_config", modelConfig);
      if (trainingConfig != null) {
        h5.putAttribute("training_config", trainingConfig);
      }
      writeLayers(h5.putGroup("model_weights"), model);
      List<Object> opt = KerasV3Optimizer.values(model);
      if (opt != null) {
        writeOptimizer(h5.putGroup("optimizer_weights"), model, opt);
      }
    });
  }

  /** Writes only the weights, in the layout of tf.keras 2's {@code save_weights('w.h5')}. */
  static void saveWeights(Model model, Path path) {
    write(path, h5 -> writeLayers(h5, model));
  }

  private interface Body {
    void write(WritableHdfFile h5);
  }

  /** Writes through a temporary sibling, checks the file reads back, then renames it over {@code path}. */
  private static void write(Path path, Body body) {
    try {
      Path tmp = AtomicWrite.tempSibling(path);
      try {
        try (WritableHdfFile h5 = HdfFile.write(tmp)) {
          body.write(h5);
        }
        try (H5File back = H5File.open(tmp)) {
          back.children("/");
          back.attributes("/");
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("Cannot save " + path + " as legacy HDF5: the written file does not read "
              + "back (" + e.getMessage() + ")", e);
        }
        AtomicWrite.commit(tmp, path);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Could not save to " + path + ": " + e.getMessage(), e);
    }
  }

  /** {@code layer_names}, {@code backend}, {@code keras_version} and one group per layer with weights. */
  private static void writeLayers(WritableGroup g, Model model) {
    List<Layer> withWeights = new ArrayList<>();
    for (Layer l : model.layers()) {
      if (!l.weights().isEmpty()) {
        withWeights.add(l);
      }
    }
    g.putAttribute("layer_names", withWeights.stream().map(Layer::name).toArray(String[]::new));
    g.putAttribute("backend", BACKEND);
    g.putAttribute("keras_version", KERAS_VERSION);
    for (Layer l : withWeights) {
      WritableGroup lg = g.putGroup(l.name());
      List<Variable> ws = l.weights();
      List<String> names = new ArrayList<>();
      for (Variable v : ws) {
        names.add(weightName(l, v));
      }
      lg.putAttribute("weight_names", names.toArray(String[]::new));
      for (int i = 0; i < ws.size(); i++) {
        putDataset(lg, names.get(i), HdfArrays.of(ws.get(i).peek()));
      }
    }
  }

  /** tf.keras 2's weight name: {@code dense/kernel:0}; a recurrent layer's weights are its cell's, {@code lstm/lstm_cell/kernel:0}. */
  static String weightName(Layer l, Variable v) {
    String n = v.name();
    String prefix = l.name() + "/";
    if (l instanceof BaseRNN && n.startsWith(prefix)) {
      n = prefix + KerasV3Layout.snakeCase(l.className()) + "_cell/" + n.substring(prefix.length());
    }
    return n + ":0";
  }

  /** A dataset at a '/'-separated path below {@code g}, creating the groups on the way (h5py's create_dataset). */
  private static void putDataset(WritableGroup g, String path, Object data) {
    String[] parts = path.split("/");
    WritableGroup at = g;
    for (int i = 0; i < parts.length - 1; i++) {
      at = at.getChild(parts[i]) instanceof WritableGroup existing ? existing : at.putGroup(parts[i]);
    }
    at.putDataset(parts[parts.length - 1], data);
  }

  private static void writeOptimizer(WritableGroup g, Model model, List<Object> values) {
    String opt = String.valueOf(model.optimizer().getConfig().get("name"));
    List<String> names = new ArrayList<>();
    for (KerasV3Optimizer.Slot s : KerasV3Optimizer.layout(model)) {
      names.add(opt + "/" + switch (s.kind()) {
        case "iterations" -> "iteration";
        case "learning_rate" -> "learning_rate";
        default -> s.variable().name().replace('/', '_') + "_" + s.slot();
      } + ":0");
    }
    g.putAttribute("weight_names", names.toArray(String[]::new));
    for (int i = 0; i < values.size(); i++) {
      putDataset(g, names.get(i), values.get(i));
    }
  }

  private static String json(Object v) {
    try {
      return new String(JSON.writeValueAsBytes(v), StandardCharsets.UTF_8);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a model config as JSON: " + e.getOriginalMessage(), e);
    }
  }
}

package dev.tapekit.keras;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.io.AtomicWrite;
import dev.tapekit.models.Model;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras 3's weights HDF5 ({@code model.weights.h5} inside a {@code .keras} zip, or a {@code *.weights.h5} file) in
 * the layout of {@link KerasV3Layout}, less the empty {@code vars} groups of objects without variables, with a
 * stepped optimizer's variables in Keras 3's order under {@code optimizer/vars} (docs/keras-files.md, "Writing
 * Keras files": which optimizers, and why others are left out so that Keras starts them afresh).
 */
final class KerasV3Weights {
  private KerasV3Weights() {}

  /** Writes {@code model}'s weights to {@code file} (a new file: callers write to a temporary sibling). */
  static void write(Model model, Path file) {
    try (WritableHdfFile h5 = HdfFile.write(file)) {
      Map<String, WritableGroup> groups = new HashMap<>();
      for (KerasV3Layout.Entry e : KerasV3Layout.of(model)) {
        if (e.vars().isEmpty()) {
          // NOTE: jhdf 0.9.4 writes an empty group that follows a sibling holding datasets so that the file cannot
          // be read back; Keras reads a missing vars group as "no variables", so objects without any are left out
          continue;
        }
        WritableGroup vars = group(h5, groups, e.varsPath());
        vars.putAttribute("name", e.name());
        for (int i = 0; i < e.vars().size(); i++) {
          vars.putDataset(Integer.toString(i), HdfArrays.of(e.vars().get(i).peek()));
        }
      }
      List<Object> opt = KerasV3Optimizer.values(model);
      if (opt != null) {
        WritableGroup vars = group(h5, groups, "optimizer/vars");
        vars.putAttribute("name", String.valueOf(model.optimizer().getConfig().get("name")));
        for (int i = 0; i < opt.size(); i++) {
          vars.putDataset(Integer.toString(i), opt.get(i));
        }
      }
    }
  }

  /** The group at {@code path}, creating it and its parents as needed. */
  static WritableGroup group(WritableHdfFile h5, Map<String, WritableGroup> groups, String path) {
    WritableGroup g = groups.get(path);
    if (g != null) {
      return g;
    }
    int slash = path.lastIndexOf('/');
    WritableGroup parent = slash < 0 ? h5 : group(h5, groups, path.substring(0, slash));
    g = parent.putGroup(path.substring(slash + 1));
    groups.put(path, g);
    return g;
  }

  /** Writes the weights file {@code target} through a temporary sibling, so a failure keeps the old file. */
  static void save(Model model, Path target) {
    try {
      Path tmp = AtomicWrite.tempSibling(target);
      try {
        write(model, tmp);
        AtomicWrite.commit(tmp, target);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("Could not save weights to " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads every weight of {@code model} from {@code h5} (Keras 3's layout) and assigns them all once all were read:
   * a layer whose {@code vars} group holds a different number of variables, or a dataset of another shape, fails
   * naming the file, the layer and the dataset, and leaves the model as it was. A compiled model's optimizer state
   * is restored too when the file has it in the layout tapekit knows.
   */
  static void read(Model model, H5File h5) {
    List<Variable> targets = new ArrayList<>();
    List<Tensor> values = new ArrayList<>();
    boolean legacyNames = h5.group("_layer_checkpoint_dependencies") != null;
    for (KerasV3Layout.Entry e : KerasV3Layout.of(model)) {
      String vars = e.varsPath();
      if (h5.group(vars) == null && legacyNames) {
        // Keras 2.13's weights files named the layers container "_layer_checkpoint_dependencies"
        vars = vars.replace("layers", "_layer_checkpoint_dependencies");
      }
      List<String> present = h5.children(vars);
      if (present.size() != e.vars().size()) {
        throw new IllegalArgumentException(h5.name() + ": layer '" + e.name() + "' (" + e.layer().className()
            + ") expects " + e.vars().size() + " variables but /" + vars + " holds " + present.size()
            + (h5.group(vars) == null ? " (no such group)" : " " + present));
      }
      for (int i = 0; i < e.vars().size(); i++) {
        Variable v = e.vars().get(i);
        Tensor t = h5.floats(vars + "/" + i, v.shape(), "layer '" + e.name() + "' variable " + i + " ("
            + v.name() + ")");
        targets.add(v);
        values.add(t.dtype() == v.dtype() ? t : Ops.cast(t, v.dtype()));
      }
    }
    for (int i = 0; i < targets.size(); i++) {
      targets.get(i).assign(values.get(i));
    }
    KerasV3Optimizer.restore(model, h5);
  }

  /** Whether {@code h5} has Keras 3's layout (a root {@code vars} or {@code layers} group, no legacy attributes). */
  static boolean isV3(H5File h5) {
    return h5.attributes("/").get("layer_names") == null && h5.group("model_weights") == null
        && (h5.group("vars") != null || h5.group("layers") != null || h5.group("_layer_checkpoint_dependencies") != null);
  }

  /** The bytes a {@code model.weights.h5} of {@code model} may take: its weights, room for Adam-like slots, groups. */
  static long cap(Model model) {
    long bytes = 0;
    int entries = 0;
    for (KerasV3Layout.Entry e : KerasV3Layout.of(model)) {
      entries++;
      for (Variable v : e.vars()) {
        bytes += 8 * dev.tapekit.core.Shapes.size(v.shape());
      }
    }
    return 4 * bytes + (entries + 16L) * 64 * 1024 + (1 << 20);
  }
}

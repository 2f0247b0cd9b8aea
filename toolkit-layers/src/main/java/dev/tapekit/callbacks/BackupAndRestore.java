package dev.tapekit.callbacks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.io.AtomicWrite;
import dev.tapekit.layers.SeedGenerator;
import dev.tapekit.io.ModelFiles;
import dev.tapekit.models.Model;
import dev.tapekit.models.Shuffling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's BackupAndRestore: after each epoch, backs the model up (weights, optimizer state, the shuffle
 * generator's state, the history so far) into {@code backupDir}; a fit() that starts while a backup exists
 * restores it and resumes at the next epoch, exactly as the uninterrupted run would have continued (same
 * batches, same weights). A run that completes deletes the backup.
 *
 * <p>The backup is a model file {@code latest-<epoch>.tapekit} and {@code training_metadata.json} (Keras's
 * name) naming it: {@code epoch} (the next epoch to run, as Keras counts), {@code model_file}, {@code shuffle}
 * ({@code seed}, {@code orders_drawn}), {@code seed_generators} (each dropout generator's {@code seed} and
 * {@code drawn}, in layer order, so that dropout masks continue too) and {@code history}/{@code epochs}. Each file is written atomically,
 * the model first, so a kill at any moment leaves a consistent pair. Backups of earlier versions
 * ({@code latest.tapekit} and {@code epoch.txt}) are still restored, without the shuffle state.
 */
public final class BackupAndRestore extends Callback {
  private static final String METADATA = "training_metadata.json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path dir;
  private final boolean deleteCheckpoint;
  /** Every epoch trained so far, those before a resume included. */
  private History history = new History();

  public BackupAndRestore(Path backupDir) {
    this(backupDir, true);
  }

  public BackupAndRestore(Path backupDir, boolean deleteCheckpoint) {
    this.dir = backupDir;
    this.deleteCheckpoint = deleteCheckpoint;
  }

  /**
   * Every epoch's logs trained toward this run, those of the interrupted runs it resumed included, numbered
   * as Keras numbers epochs (0-based); fit()'s own History holds only the epochs it ran.
   */
  public History history() {
    return history;
  }

  private Path metadataFile() {
    return dir.resolve(METADATA);
  }

  private static String modelFileName(int epoch) {
    return "latest-" + epoch + ".tapekit";
  }

  private Path legacyFile() {
    return dir.resolve("latest.tapekit");
  }

  private Path legacyEpochFile() {
    return dir.resolve("epoch.txt");
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    history = new History();
    try {
      if (Files.exists(metadataFile())) {
        restore();
      } else if (Files.exists(legacyFile()) && Files.exists(legacyEpochFile())) {
        restoreWeights(legacyFile());
        model.resumeAtEpoch(Integer.parseInt(Files.readString(legacyEpochFile()).trim()) + 1);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("BackupAndRestore: cannot read the backup in " + dir + ": " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private void restore() throws IOException {
    Map<String, Object> meta;
    try {
      meta = JSON.readValue(metadataFile().toFile(), Map.class);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(metadataFile() + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    int epoch = whole(meta.get("epoch"), "epoch");
    Object name = meta.get("model_file");
    if (!(name instanceof String s) || !s.equals(modelFileName(epoch - 1))) {
      throw bad("model_file", name, "the model file of epoch " + (epoch - 1) + ", " + modelFileName(epoch - 1));
    }
    restoreWeights(dir.resolve((String) name));
    Shuffling.State shuffle = null;
    if (meta.get("shuffle") instanceof Map<?, ?> sh) {
      shuffle = new Shuffling.State(number(sh.get("seed"), "shuffle.seed").longValue(),
          whole(sh.get("orders_drawn"), "shuffle.orders_drawn"));
    } else if (meta.get("shuffle") != null) {
      throw bad("shuffle", meta.get("shuffle"), "an object with seed and orders_drawn, or null");
    }
    restoreSeedGenerators(meta.get("seed_generators"));
    history = restoredHistory(meta);
    model.resumeAtEpoch(epoch, shuffle);
  }

  /** The dropout layers' generators, in layer order; a backup without them (an earlier version) leaves them. */
  private void restoreSeedGenerators(Object saved) {
    if (saved == null) {
      return;
    }
    List<SeedGenerator> mine = model.seedGenerators();
    if (!(saved instanceof List<?> states) || states.size() != mine.size()) {
      throw bad("seed_generators", saved, "a list of " + mine.size() + " {seed, drawn} objects, one per random "
          + "generator of the model's layers (a backup of another model?)");
    }
    for (int i = 0; i < mine.size(); i++) {
      if (!(states.get(i) instanceof Map<?, ?> g)) {
        throw bad("seed_generators[" + i + "]", states.get(i), "an object with seed and drawn");
      }
      mine.get(i).restore(new SeedGenerator.State(number(g.get("seed"), "seed_generators[" + i + "].seed").longValue(),
          number(g.get("drawn"), "seed_generators[" + i + "].drawn").longValue()));
    }
  }

  private History restoredHistory(Map<String, Object> meta) {
    Map<String, List<Double>> values = new LinkedHashMap<>();
    if (meta.get("history") instanceof Map<?, ?> h) {
      for (Map.Entry<?, ?> e : h.entrySet()) {
        List<Double> l = new ArrayList<>();
        if (!(e.getValue() instanceof List<?> vs)) {
          throw bad("history." + e.getKey(), e.getValue(), "a list of numbers");
        }
        for (Object v : vs) {
          l.add(v instanceof String s ? nonFinite(s, "history." + e.getKey()) : number(v, "history." + e.getKey()).doubleValue());
        }
        values.put(e.getKey().toString(), l);
      }
    }
    List<Integer> epochs = new ArrayList<>();
    if (meta.get("epochs") instanceof List<?> es) {
      for (Object e : es) {
        epochs.add(whole(e, "epochs"));
      }
    }
    return History.of(values, epochs);
  }

  /** Weights and optimizer state from a backed-up model file, mapped onto this model's variables by position. */
  private void restoreWeights(Path file) {
    Model saved = ModelFiles.load(file);
    model.setWeights(saved.getWeights());
    if (saved.optimizer() != null && model.optimizer() != null) {
      // by position: layer names may differ between runs
      Optimizer.State state = saved.optimizer().state();
      List<Variable> savedVars = saved.weights();
      List<Variable> mine = model.weights();
      Map<Variable, Map<String, Tensor>> slots = new LinkedHashMap<>();
      for (Map.Entry<Variable, Map<String, Tensor>> e : state.slots().entrySet()) {
        slots.put(mine.get(savedVars.indexOf(e.getKey())), e.getValue());
      }
      model.optimizer().restoreState(new Optimizer.State(state.steps(), slots));
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    history.onEpochEnd(epoch, logs);
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("epoch", epoch + 1);
    meta.put("model_file", modelFileName(epoch));
    Shuffling.State s = model.shuffleState();
    if (s != null) {
      Map<String, Object> sh = new LinkedHashMap<>();
      sh.put("seed", s.seed());
      sh.put("orders_drawn", s.drawn());
      meta.put("shuffle", sh);
    } else {
      meta.put("shuffle", null);
    }
    List<Map<String, Object>> generators = new ArrayList<>();
    for (SeedGenerator g : model.seedGenerators()) {
      SeedGenerator.State st = g.state();
      generators.add(Map.of("seed", st.seed(), "drawn", st.drawn()));
    }
    meta.put("seed_generators", generators);
    meta.put("history", history.history());
    meta.put("epochs", history.epoch());
    try {
      Files.createDirectories(dir);
      // the model first, then the metadata naming it: a kill between the two keeps the previous pair
      model.save(dir.resolve(modelFileName(epoch)));
      AtomicWrite.write(metadataFile(), JSON.writeValueAsBytes(meta));
      deleteModelFilesBut(modelFileName(epoch));
      Files.deleteIfExists(legacyEpochFile());
      Files.deleteIfExists(legacyFile());
    } catch (IOException e) {
      throw new UncheckedIOException("BackupAndRestore: cannot write " + dir + ": " + e.getMessage(), e);
    }
  }

  private void deleteModelFilesBut(String keep) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "latest-*.tapekit")) {
      for (Path p : ds) {
        if (!p.getFileName().toString().equals(keep)) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    if (deleteCheckpoint) {
      try {
        Files.deleteIfExists(metadataFile());
        deleteModelFilesBut("");
        Files.deleteIfExists(legacyFile());
        Files.deleteIfExists(legacyEpochFile());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private IllegalArgumentException bad(String field, Object value, String want) {
    return new IllegalArgumentException(metadataFile() + ": field " + field + " must be " + want + ", got "
        + (value instanceof String ? "\"" + value + "\"" : String.valueOf(value)));
  }

  private Number number(Object v, String field) {
    if (!(v instanceof Number n)) {
      throw bad(field, v, "a number");
    }
    return n;
  }

  private int whole(Object v, String field) {
    if (!(v instanceof Integer i) || i < 0) {
      throw bad(field, v, "a whole number >= 0");
    }
    return i;
  }

  private double nonFinite(String s, String field) {
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> throw bad(field, s, "a list of numbers");
    };
  }
}

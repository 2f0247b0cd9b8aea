package dev.tapekit.cli.run;

import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.config.ConfigFiles;
import dev.tapekit.cli.config.ConfigNode;
import dev.tapekit.cli.config.NamedSpec;
import dev.tapekit.cli.config.RunConfig;
import dev.tapekit.cli.config.RunConfigParser;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A saved model and, when present, the {@code run-config.json} that {@code tapekit train} wrote next to it
 * (where the data came from, how it was scaled, the loss as configured).
 *
 * @param model the loaded model
 * @param runConfig the run's config, or null for a model saved some other way
 */
public record Saved(Model model, RunConfig runConfig) {

  /** Loads a model file; a missing or unreadable file is a usage error naming {@code --model}. */
  public static Saved load(Path file) {
    return load(file, "--model");
  }

  /** Loads a model file given as {@code option} (for messages), with the run config beside it if any. */
  public static Saved load(Path file, String option) {
    Model model = model(file, option);
    Path rc = file.toAbsolutePath().getParent().resolve(Training.RUN_CONFIG);
    RunConfig cfg = null;
    if (Files.isRegularFile(rc)) {
      cfg = RunConfigParser.parse(ConfigNode.root(ConfigFiles.read(rc)), file.toAbsolutePath().getParent());
    }
    return new Saved(model, cfg);
  }

  /** The model in {@code file} (any format read); a missing or unreadable file is a usage error at {@code option}. */
  public static Model model(Path file, String option) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(option, "no such file: " + file);
    }
    try {
      return Models.load(file);
    } catch (RuntimeException e) {
      throw new ConfigException(option, DataLoader.unreadable(file, e).replaceFirst("^cannot read ", "cannot load "), e);
    }
  }

  /** The model's summary table. */
  public String summary() {
    return model.summaryString();
  }

  /** The loss as configured (for reports), from the run config or the compiled loss's class. */
  NamedSpec lossSpec() {
    if (runConfig != null) {
      return runConfig.compile().loss();
    }
    return new NamedSpec(model.loss() == null ? "" : model.loss().getClass().getSimpleName(), Map.of(), "loss");
  }
}

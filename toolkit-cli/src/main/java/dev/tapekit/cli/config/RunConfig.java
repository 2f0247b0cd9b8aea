package dev.tapekit.cli.config;

import java.nio.file.Path;

/**
 * A whole training config: what {@code tapekit train --config FILE} runs. Sections mirror Keras:
 * {@code model}, {@code compile}, {@code data}, {@code fit}, {@code output}. See docs/config.md.
 *
 * @param model the architecture
 * @param compile optimizer, loss, metrics
 * @param data where the examples come from
 * @param fit training loop settings
 * @param outputDir where the model, history, plot and report go
 */
public record RunConfig(ModelSpec model, CompileSpec compile, DataSpec data, FitSpec fit, Path outputDir) {

  /** A copy with command-line overrides applied; null arguments keep the config's value. */
  public RunConfig withOverrides(Integer epochs, Integer batchSize, Long seed, Path output) {
    if (epochs != null && epochs < 1) {
      throw new ConfigException("--epochs", "must be a positive integer, got " + epochs);
    }
    if (batchSize != null && batchSize < 1) {
      throw new ConfigException("--batch-size", "must be a positive integer, got " + batchSize);
    }
    FitSpec f = new FitSpec(epochs == null ? fit.epochs() : epochs, batchSize == null ? fit.batchSize() : batchSize,
        fit.shuffle(), seed == null ? fit.seed() : seed, fit.verbose(), fit.callbacks());
    return new RunConfig(model, compile, data, f, output == null ? outputDir : output);
  }

  /**
   * A copy that trains on the named dataset instead of the config's data files or dataset (and its
   * {@code data.dir}); scaling, validation split and sample limits are kept. Null keeps the config's data.
   */
  public RunConfig withDataset(String name) {
    if (name == null) {
      return this;
    }
    String key = RunConfigParser.datasetName(name, "--dataset");
    DataSpec d = new DataSpec(key, null, null, null, data.scale(), data.validationSplit(), data.maxTrain(),
        data.maxTest());
    return new RunConfig(model, compile, d, fit, outputDir);
  }
}

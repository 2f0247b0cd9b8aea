package dev.tapekit.cli;

import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.run.Saved;
import dev.tapekit.models.Model;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tapekit convert IN OUT}: a model file in another format, chosen by OUT's name. */
@Command(name = "convert", mixinStandardHelpOptions = true,
    description = {"Convert a model file: IN in any format tapekit reads (tapekit's zip, Keras 3 .keras, legacy Keras "
        + ".h5, TensorFlow.js model.json), OUT in the format its name asks for: .keras (Keras 3), .h5 or .hdf5 "
        + "(legacy Keras HDF5), any other name tapekit's own format.",
        "Architecture, weights, training config and optimizer state (where the target format can hold it) are kept."})
final class ConvertCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "IN", description = "The model file to read.")
  Path in;

  @Parameters(index = "1", paramLabel = "OUT", description = "The model file to write (replaced if it exists).")
  Path out;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Model model = Saved.load(in, "IN").model();
    try {
      model.save(out);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // the model cannot be written in that format (a layer it cannot express, an unbuilt model)
      throw new ConfigException("OUT", e.getMessage(), e);
    }
    spec.commandLine().getOut().println("Converted " + in + " to " + out);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}

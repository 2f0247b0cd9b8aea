package dev.tapekit.cli;

import dev.tapekit.cli.config.ConfigException;
import java.io.PrintWriter;
import org.slf4j.LoggerFactory;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code tapekit} command: train, evaluate, predict and summarize Keras-style models from YAML or
 * JSON configs. Exit codes are in {@link ExitCodes}; errors print one line unless {@code --verbose}.
 */
@Command(name = "tapekit", mixinStandardHelpOptions = true, versionProvider = Version.class,
    description = "Train, evaluate and run Keras-style neural networks from YAML/JSON config files.",
    subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, SummaryCommand.class,
        ConvertCommand.class,
        AutoComplete.GenerateCompletion.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:failure while running", "2:bad usage or config"})
public final class Tapekit implements Runnable {
  boolean verbose;

  /** {@code --verbose}: stack traces on errors and tapekit's debug logging. */
  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Print stack traces and debug logging.")
  void setVerbose(boolean verbose) {
    this.verbose = verbose;
    if (verbose && LoggerFactory.getLogger("dev.tapekit") instanceof ch.qos.logback.classic.Logger l) {
      l.setLevel(ch.qos.logback.classic.Level.DEBUG);
    }
  }

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Entry point of the launcher. */
  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs the command with the given streams and returns its exit code (for tests and embedding). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Tapekit root = new Tapekit();
    CommandLine cl = new CommandLine(root);
    cl.setOut(out);
    cl.setErr(err);
    cl.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(false);
    // the layer classes a config may name, from the registry itself (docs/config.md points here)
    cl.getSubcommands().get("summary").getCommandSpec().usageMessage().footer("%nLayer classes a config can use: "
        + String.join(", ", dev.tapekit.layers.Layers.names()) + "%n");
    cl.setParameterExceptionHandler((ex, args1) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("error: " + ex.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      c.getErr().flush();
      return ExitCodes.USAGE;
    });
    cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
      PrintWriter e = c.getErr();
      // a path that cannot be a path (a NUL character in a config's file name) is a usage error too
      int code = ex instanceof ConfigException || ex instanceof java.nio.file.InvalidPathException
          ? ExitCodes.USAGE : ExitCodes.FAILURE;
      e.println("error: " + Errors.message(ex));
      if (root.verbose) {
        ex.printStackTrace(e);
      } else if (code == ExitCodes.FAILURE) {
        e.println("(run with --verbose for the stack trace)");
      }
      e.flush();
      return code;
    });
    try {
      return cl.execute(args);
    } catch (LinkageError | VirtualMachineError e) {
      // picocli's handlers see Exceptions only; a broken install or out-of-memory still gets one line
      err.println("error: " + e);
      if (root.verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return ExitCodes.FAILURE;
    }
  }

  @Override
  public void run() {
    // "tapekit" alone: show the commands
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}

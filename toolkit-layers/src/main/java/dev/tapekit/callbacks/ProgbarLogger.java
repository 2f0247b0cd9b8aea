package dev.tapekit.callbacks;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Prints Keras's "Epoch 1/5" headers and progress bars during fit, evaluate and predict (verbose 1: a
 * bar, redrawn live on a terminal; verbose 2: one line per epoch). fit and evaluate add one printing to
 * System.out when verbose > 0, unless their callbacks already hold a ProgbarLogger (as Keras): pass
 * {@code new ProgbarLogger(stream, false)} to print the progress elsewhere.
 */
public final class ProgbarLogger extends Callback {
  private final Progbar.Out out;
  private final Progbar.Display display;
  private Progbar bar;
  private boolean inFit;
  private int verbose;
  private int epochs;

  /** Prints to System.out, live (and coloured unless NO_COLOR is set) when a console is attached. */
  public ProgbarLogger() {
    this(Progbar.Out.of(System.out), Progbar.Display.detect());
  }

  /** Prints to {@code out}; {@code dynamic} redraws in place, in colour unless NO_COLOR is set. */
  public ProgbarLogger(PrintStream out, boolean dynamic) {
    this(Progbar.Out.of(out), Progbar.Display.of(dynamic));
  }

  /** Prints to {@code out}; {@code dynamic} redraws in place, in colour unless NO_COLOR is set. */
  public ProgbarLogger(PrintWriter out, boolean dynamic) {
    this(Progbar.Out.of(out), Progbar.Display.of(dynamic));
  }

  /** Prints to {@code out} as {@code display} says ({@link Progbar.Display#detect()} for a console). */
  public ProgbarLogger(PrintWriter out, Progbar.Display display) {
    this(Progbar.Out.of(out), display);
  }

  private ProgbarLogger(Progbar.Out out, Progbar.Display display) {
    this.out = out;
    this.display = java.util.Objects.requireNonNull(display, "ProgbarLogger: display must not be null");
  }

  @Override
  public void setParams(Map<String, Object> params) {
    super.setParams(params);
    verbose = ((Number) params.getOrDefault("verbose", 1)).intValue();
    epochs = ((Number) params.getOrDefault("epochs", 1)).intValue();
  }

  private int steps() {
    return ((Number) params.getOrDefault("steps", 0)).intValue();
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    inFit = true;
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    inFit = false;
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    if (verbose > 0 && epochs > 1) {
      out.print("Epoch " + (epoch + 1) + "/" + epochs + System.lineSeparator());
    }
    bar = new Progbar(steps(), verbose, out, display, 0.05);
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (bar != null) {
      bar.update(batch + 1, logs, false); // reads the (lazy) logs only when it draws
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    if (bar != null && verbose > 0) {
      bar.update(steps(), logs, true);
    }
  }

  @Override
  public void onTestBegin(Map<String, Double> logs) {
    if (!inFit) {
      bar = new Progbar(steps(), verbose, out, display, 0.05);
    }
  }

  @Override
  public void onTestBatchEnd(int batch, Map<String, Double> logs) {
    if (!inFit && bar != null) {
      bar.update(batch + 1, logs, false);
    }
  }

  @Override
  public void onTestEnd(Map<String, Double> logs) {
    if (!inFit && bar != null && verbose > 0) {
      bar.update(steps(), logs, true);
    }
  }
}

package dev.tapekit.callbacks;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's progress bar: {@code 469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - accuracy: 0.9123 - loss: 0.3012}.
 * Dynamic bars (a terminal) redraw in place with "\r", at most every {@code interval} seconds; static
 * ones print only the final line. Verbose 2 prints {@code 469/469 - 2s - 4ms/step - ...} at the end.
 */
public final class Progbar {
  private static final int WIDTH = 20;
  private final int target;
  private final int verbose;
  private final Out out;
  private final boolean dynamic;
  private final double interval;
  private final long start = System.nanoTime();
  private long lastUpdate;
  private int lastLength;

  /** Where a bar prints: a PrintStream or a PrintWriter. */
  interface Out {
    void print(String s);

    void flush();

    static Out of(PrintStream s) {
      return new Out() {
        public void print(String text) {
          s.print(text);
        }

        public void flush() {
          s.flush();
        }
      };
    }

    static Out of(PrintWriter w) {
      return new Out() {
        public void print(String text) {
          w.print(text);
        }

        public void flush() {
          w.flush();
        }
      };
    }
  }

  /** A bar to {@code target} steps. */
  public Progbar(int target, int verbose, PrintStream out, boolean dynamic, double interval) {
    this(target, verbose, Out.of(out), dynamic, interval);
  }

  /** A bar to {@code target} steps, printed to a writer. */
  public Progbar(int target, int verbose, PrintWriter out, boolean dynamic, double interval) {
    this(target, verbose, Out.of(out), dynamic, interval);
  }

  Progbar(int target, int verbose, Out out, boolean dynamic, double interval) {
    this.target = target;
    this.verbose = verbose;
    this.out = out;
    this.dynamic = dynamic;
    this.interval = interval;
  }

  /** True if an update at this moment would be drawn (callers skip computing values otherwise). */
  public boolean wouldDraw(boolean finalize) {
    return finalize || (verbose == 1 && dynamic && (System.nanoTime() - lastUpdate) / 1e9 >= interval);
  }

  /** Shows progress at step {@code current} with these values; {@code finalize} ends the line. */
  public void update(int current, Map<String, Double> values, boolean finalize) {
    if (!wouldDraw(finalize)) {
      return;
    }
    long now = System.nanoTime();
    lastUpdate = now;
    double elapsed = (now - start) / 1e9;
    double perStep = current > 0 ? elapsed / current : 0;
    String line;
    if (verbose == 2) {
      line = current + "/" + target + " - " + formatDuration(elapsed) + " - " + formatPerStep(perStep) + formatValues(values);
    } else {
      int digits = Integer.toString(target).length();
      int filled = target > 0 ? (int) (WIDTH * Math.min(1.0, (double) current / target)) : WIDTH;
      String time = finalize ? formatDuration(elapsed) : formatDuration(perStep * Math.max(0, target - current));
      line = String.format(Locale.ROOT, "%" + digits + "d/%d ", current, target) + "━".repeat(filled)
          + "━".repeat(WIDTH - filled) + " " + time + " " + formatPerStep(perStep) + formatValues(values);
    }
    if (dynamic && verbose == 1) {
      // pad over the previous, possibly longer line
      String padded = line.length() < lastLength ? line + " ".repeat(lastLength - line.length()) : line;
      lastLength = line.length();
      out.print("\r" + padded + (finalize ? "\n" : ""));
    } else if (finalize) {
      out.print(line + System.lineSeparator());
    }
    out.flush();
  }

  /** Keras's value format: 4 decimals, scientific below 1e-3. */
  static String formatValues(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : values.entrySet()) {
      double v = e.getValue();
      sb.append(" - ").append(e.getKey()).append(": ")
          .append(Math.abs(v) > 1e-3 || v == 0 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.4e", v));
    }
    return sb.toString();
  }

  /** "2s", "1:05", "1:02:03". */
  static String formatDuration(double seconds) {
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }
    if (s >= 60) {
      return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
    return s + "s";
  }

  /** "4ms/step", "2s/step", "350us/step". */
  static String formatPerStep(double seconds) {
    if (seconds >= 1 || seconds == 0) {
      return String.format(Locale.ROOT, "%.0fs/step", seconds);
    }
    if (seconds >= 1e-3) {
      return String.format(Locale.ROOT, "%.0fms/step", seconds * 1e3);
    }
    return String.format(Locale.ROOT, "%.0fus/step", seconds * 1e6);
  }
}

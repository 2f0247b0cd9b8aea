package dev.tapekit.callbacks;

import java.io.Console;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Locale;
import java.util.Map;

/**
 * Keras 3's progress bar ({@code keras/src/utils/progbar.py}):
 * {@code 469/469 ━━━━━━━━━━━━━━━━━━━━ 2s 4ms/step - accuracy: 0.9123 - loss: 0.3012}.
 *
 * <p>How it is drawn depends on the {@link Display}. On a terminal with colours, as Keras: the count and
 * time in bold, the done part of the bar green and the rest dim (ANSI {@code 32m}/{@code 37m}); the bar
 * is {@code ━}, or {@code =} where the output's charset has no {@code ━} (Keras's own fallback). On a live
 * terminal without colours ({@code NO_COLOR}, {@code TERM=dumb}) the done part could not be told apart, so
 * the bar is Keras 2's {@code [=========>..........]}. Output that is not a terminal gets only each
 * epoch's final line, without escapes.
 *
 * <p>Live bars redraw in place with "\r" at most every {@code interval} seconds (the final update always),
 * padded over a longer previous line; while running they show the time left, at the end the time taken.
 * The time per step leaves out the first step, which is slow (compilation, warm-up), once there are more.
 * Verbose 2 prints {@code 469/469 - 2s - 4ms/step - ...} at the end.
 */
public final class Progbar {
  private static final int WIDTH = 20;
  private static final String BOLD = "\u001b[1m";
  private static final String GREEN = "\u001b[32m";
  private static final String DIM = "\u001b[37m";
  private static final String RESET = "\u001b[0m";
  private final int target;
  private final int verbose;
  private final Out out;
  private final Display display;
  private final double interval;
  private final long start = System.nanoTime();
  private long lastUpdate;
  private boolean drawn;
  private long afterFirstStep = -1;
  private int lastWidth;

  /**
   * Where and how a bar is drawn.
   *
   * @param dynamic redraw in place (a terminal); otherwise print final lines only
   * @param color ANSI bold and colours (only used when dynamic)
   * @param glyph the bar's segment: {@code '━'}, or {@code '='} for an ASCII-only output
   */
  public record Display(boolean dynamic, boolean color, char glyph) {
    /** Final lines only, as for a file or a pipe. */
    public static final Display STATIC = new Display(false, false, '━');

    /** For System.out: live and coloured on a colour terminal, with the glyph its charset can print. */
    public static Display detect() {
      Console console = System.console();
      if (console == null) {
        return new Display(false, false, glyphFor(Charset.defaultCharset()));
      }
      return new Display(true, colorAllowed(), glyphFor(console.charset()));
    }

    /** Live ({@code dynamic}) or not, with colours unless the environment turns them off. */
    public static Display of(boolean dynamic) {
      return dynamic ? new Display(true, colorAllowed(), '━') : STATIC;
    }

    private static boolean colorAllowed() {
      return System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
    }

    private static char glyphFor(Charset charset) {
      return charset.newEncoder().canEncode('━') ? '━' : '=';
    }
  }

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

  /** A bar to {@code target} steps; {@code dynamic} redraws in place, in colour unless NO_COLOR is set. */
  public Progbar(int target, int verbose, PrintStream out, boolean dynamic, double interval) {
    this(target, verbose, Out.of(out), Display.of(dynamic), interval);
  }

  /** A bar to {@code target} steps, printed to a writer. */
  public Progbar(int target, int verbose, PrintWriter out, boolean dynamic, double interval) {
    this(target, verbose, Out.of(out), Display.of(dynamic), interval);
  }

  Progbar(int target, int verbose, Out out, Display display, double interval) {
    this.target = target;
    this.verbose = verbose;
    this.out = out;
    this.display = display;
    this.interval = interval;
  }

  /** True if an update at this moment would be drawn. */
  public boolean wouldDraw(boolean finalize) {
    return finalize || (verbose == 1 && display.dynamic() && (!drawn || (System.nanoTime() - lastUpdate) / 1e9 >= interval));
  }

  /**
   * Shows progress at step {@code current} with these values; {@code finalize} ends the line. Call it for
   * every step (it times them); {@code values} are read only when a line is drawn.
   */
  public void update(int current, Map<String, Double> values, boolean finalize) {
    long now = System.nanoTime();
    double perStep = perStep(current, now);
    if (!wouldDraw(finalize)) {
      return;
    }
    lastUpdate = now;
    drawn = true;
    double elapsed = (now - start) / 1e9;
    if (verbose == 2) {
      out.print(count(current) + " - " + String.format(Locale.ROOT, "%.0fs", elapsed) + " - " + formatPerStep(perStep)
          + formatValues(values) + System.lineSeparator());
    } else if (display.dynamic()) {
      String line = render(current, elapsed, perStep, values, finalize);
      int width = visibleLength(line);
      // pad over the previous, possibly longer line
      out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - width)) + (finalize ? "\n" : ""));
      lastWidth = width;
    } else if (finalize) {
      out.print(render(current, elapsed, perStep, values, true) + System.lineSeparator());
    }
    out.flush();
  }

  /** Keras's estimate: after the first step, the mean time of the steps since it. */
  private double perStep(int current, long now) {
    if (current <= 0) {
      return 0;
    }
    double t = afterFirstStep >= 0 && current > 1 ? (now - afterFirstStep) / 1e9 / (current - 1) : (now - start) / 1e9 / current;
    if (current == 1) {
      afterFirstStep = now;
    }
    return t;
  }

  /** One verbose-1 line, without the leading "\r" and padding. */
  String render(int current, double elapsedSeconds, double perStepSeconds, Map<String, Double> values, boolean finalize) {
    boolean color = display.color() && display.dynamic();
    StringBuilder sb = new StringBuilder();
    if (target <= 0) {
      sb.append(String.format(Locale.ROOT, "%7d/Unknown", current));
    } else {
      int done = (int) (WIDTH * Math.min(1.0, (double) current / target));
      sb.append(bold(count(current), color)).append(' ');
      if (color) {
        if (done > 0) {
          sb.append(GREEN).append(segments(done)).append(RESET);
        }
        sb.append(DIM).append(segments(WIDTH - done)).append(RESET);
      } else if (display.dynamic()) {
        sb.append(kerasTwoBar(done, current >= target));
      } else {
        sb.append(segments(WIDTH));
      }
    }
    String time = target > 0 && !finalize ? formatEta(perStepSeconds * Math.max(0, target - current))
        : String.format(Locale.ROOT, "%.0fs", elapsedSeconds);
    sb.append(' ').append(bold(time, color)).append(' ').append(formatPerStep(perStepSeconds)).append(formatValues(values));
    return sb.toString();
  }

  /** {@code [=========>..........]}: the done part, an arrow head while running, dots for the rest. */
  private static String kerasTwoBar(int done, boolean complete) {
    StringBuilder sb = new StringBuilder("[");
    if (done > 0) {
      sb.append("=".repeat(done - 1)).append(complete ? '=' : '>');
    }
    return sb.append(".".repeat(WIDTH - done)).append(']').toString();
  }

  private String segments(int n) {
    return String.valueOf(display.glyph()).repeat(n);
  }

  private String count(int current) {
    return String.format(Locale.ROOT, "%" + Integer.toString(target).length() + "d/%d", current, target);
  }

  private static String bold(String s, boolean color) {
    return color ? BOLD + s + RESET : s;
  }

  /** The printed width: the line without its ANSI escapes. */
  static int visibleLength(String line) {
    return line.replaceAll("\u001b\\[[0-9;]*m", "").length();
  }

  /** Keras's value format: 4 decimals, scientific at 1e-3 and below (0 too: {@code 0.0000e+00}). */
  static String formatValues(Map<String, Double> values) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : values.entrySet()) {
      double v = e.getValue();
      sb.append(" - ").append(e.getKey()).append(": ")
          .append(String.format(Locale.ROOT, Math.abs(v) > 1e-3 ? "%.4f" : "%.4e", v));
    }
    return sb.toString();
  }

  /** The time left, as Keras: "42s", "1:05", "1:02:03" (whole seconds, truncated). */
  static String formatEta(double seconds) {
    long s = (long) seconds;
    if (seconds > 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s % 3600) / 60, s % 60);
    }
    if (seconds > 60) {
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

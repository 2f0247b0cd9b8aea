package dev.tapekit.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws a history as a PNG: one panel per metric (loss first), training and validation curves per epoch,
 * with axes, ticks, a legend and a title. Plain Java2D, headless.
 */
public final class HistoryPlot {
  static final int PANEL_W = 520;
  static final int PANEL_H = 380;
  static final int TITLE_H = 36;
  private static final Color TRAIN = new Color(31, 119, 180);
  private static final Color VAL = new Color(255, 127, 14);

  private HistoryPlot() {}

  /** The metrics that get a panel: every key not starting with {@code val_}, loss first. */
  public static List<String> panels(Map<String, List<Double>> history) {
    List<String> out = new ArrayList<>();
    if (history.containsKey("loss") || history.containsKey("val_loss")) {
      out.add("loss");
    }
    for (String k : history.keySet()) {
      String base = k.startsWith("val_") ? k.substring(4) : k;
      if (!out.contains(base) && !base.equals("lr") && !base.equals("learning_rate")) {
        out.add(base);
      }
    }
    return out;
  }

  /** Renders the plot. */
  public static BufferedImage render(Map<String, List<Double>> history, String title) {
    System.setProperty("java.awt.headless", "true");
    List<String> panels = panels(history);
    int n = Math.max(1, panels.size());
    BufferedImage img = new BufferedImage(PANEL_W * n, PANEL_H + TITLE_H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, img.getWidth(), img.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
      FontMetrics fm = g.getFontMetrics();
      g.drawString(title, (img.getWidth() - fm.stringWidth(title)) / 2, 24);
      for (int i = 0; i < panels.size(); i++) {
        String m = panels.get(i);
        drawPanel(g, PANEL_W * i, TITLE_H, m, history.get(m), history.get("val_" + m));
      }
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Renders and writes the plot as PNG. */
  public static void write(Map<String, List<Double>> history, String title, Path file) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(render(history, title), "png", bytes);
    AtomicFiles.write(file, bytes.toByteArray());
  }

  private static void drawPanel(Graphics2D g, int x0, int y0, String metric, List<Double> train, List<Double> val) {
    int left = x0 + 70;
    int right = x0 + PANEL_W - 20;
    int top = y0 + 30;
    int bottom = y0 + PANEL_H - 50;
    int epochs = Math.max(size(train), size(val));
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (List<Double> s : new List[] {train, val}) {
      if (s != null) {
        for (double v : s) {
          if (Double.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
    }
    if (!(lo <= hi)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-12) {
      double pad = Math.max(Math.abs(hi) * 0.05, 1e-3);
      lo -= pad;
      hi += pad;
    }
    double[] ticks = Ticks.nice(lo, hi, 6);
    lo = Math.min(lo, ticks[0]);
    hi = Math.max(hi, ticks[ticks.length - 1]);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    FontMetrics fm = g.getFontMetrics();
    g.setColor(Color.BLACK);
    g.drawString(metric, x0 + (PANEL_W - fm.stringWidth(metric)) / 2, y0 + 20);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    fm = g.getFontMetrics();
    // y axis: grid lines and labels
    for (double t : ticks) {
      int y = yPix(t, lo, hi, top, bottom);
      g.setColor(new Color(230, 230, 230));
      g.drawLine(left, y, right, y);
      g.setColor(Color.BLACK);
      String s = Ticks.label(t, ticks);
      g.drawString(s, left - 6 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
    }
    // x axis: epochs 1..N, at most ~10 labels
    int step = Math.max(1, (int) Math.ceil(epochs / 10.0));
    for (int e = 1; e <= epochs; e += step) {
      int x = xPix(e, epochs, left, right);
      g.drawLine(x, bottom, x, bottom + 4);
      String s = Integer.toString(e);
      g.drawString(s, x - fm.stringWidth(s) / 2, bottom + 6 + fm.getAscent());
    }
    g.drawString("epoch", (left + right - fm.stringWidth("epoch")) / 2, bottom + 36);
    g.drawLine(left, top, left, bottom);
    g.drawLine(left, bottom, right, bottom);
    curve(g, train, lo, hi, epochs, left, right, top, bottom, TRAIN, false);
    curve(g, val, lo, hi, epochs, left, right, top, bottom, VAL, true);
    // legend, top right, or bottom right when the curves end near the top (rising accuracy)
    int entries = (train == null ? 0 : 1) + (val == null ? 0 : 1);
    int ly = top + 8;
    if (endsHigh(new List[] {train, val}, lo, hi, epochs, top, bottom, ly + 16 * entries)) {
      ly = bottom - 8 - 16 * (entries - 1);
    }
    for (Object[] entry : new Object[][] {{"train", train, TRAIN}, {"validation", val, VAL}}) {
      if (entry[1] == null) {
        continue;
      }
      g.setColor((Color) entry[2]);
      g.setStroke(new BasicStroke(2f));
      g.drawLine(right - 110, ly, right - 85, ly);
      g.setColor(Color.BLACK);
      g.drawString((String) entry[0], right - 78, ly + 4);
      ly += 16;
    }
    g.setStroke(new BasicStroke(1f));
  }

  /** True when a point in the right 40% of the panel lies above {@code limit} (where a top legend would be). */
  private static boolean endsHigh(List<Double>[] series, double lo, double hi, int epochs, int top, int bottom,
      int limit) {
    for (List<Double> s : series) {
      if (s == null) {
        continue;
      }
      for (int i = 0; i < s.size(); i++) {
        boolean right = epochs <= 1 || (double) i / (epochs - 1) >= 0.6;
        if (right && Double.isFinite(s.get(i)) && yPix(s.get(i), lo, hi, top, bottom) <= limit) {
          return true;
        }
      }
    }
    return false;
  }

  private static void curve(Graphics2D g, List<Double> s, double lo, double hi, int epochs, int left, int right,
      int top, int bottom, Color c, boolean dashed) {
    if (s == null || s.isEmpty()) {
      return;
    }
    g.setColor(c);
    g.setStroke(dashed ? new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
        : new BasicStroke(2f));
    int px = -1;
    int py = -1;
    for (int i = 0; i < s.size(); i++) {
      if (!Double.isFinite(s.get(i))) {
        px = -1;
        continue;
      }
      int x = xPix(i + 1, epochs, left, right);
      int y = yPix(s.get(i), lo, hi, top, bottom);
      if (px >= 0) {
        g.drawLine(px, py, x, y);
      }
      g.fillOval(x - 3, y - 3, 6, 6);
      px = x;
      py = y;
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static int size(List<Double> s) {
    return s == null ? 0 : s.size();
  }

  static int xPix(int epoch, int epochs, int left, int right) {
    return epochs <= 1 ? (left + right) / 2 : left + (int) Math.round((epoch - 1) * (right - left - 10.0) / (epochs - 1)) + 5;
  }

  static int yPix(double v, double lo, double hi, int top, int bottom) {
    return bottom - (int) Math.round((v - lo) / (hi - lo) * (bottom - top));
  }
}

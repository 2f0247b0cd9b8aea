package dev.tapekit.cli.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {
  @TempDir
  Path dir;

  static Map<String, List<Double>> history() {
    Map<String, List<Double>> h = new LinkedHashMap<>();
    h.put("loss", List.of(0.9, 0.5, 0.3));
    h.put("accuracy", List.of(0.6, 0.8, 0.9));
    h.put("val_loss", List.of(1.0, 0.7, 0.6));
    h.put("val_accuracy", List.of(0.55, 0.7, 0.75));
    return h;
  }

  @Test
  void historyCsvHasKerasCsvLoggerLayout() throws Exception {
    Path f = dir.resolve("history.csv");
    HistoryFiles.writeCsv(history(), f);
    List<String> lines = Files.readAllLines(f);
    assertEquals("epoch,accuracy,loss,val_accuracy,val_loss", lines.get(0));
    assertEquals("1,0.8,0.5,0.7,0.7", lines.get(2));
    assertEquals(4, lines.size());
  }

  @Test
  void historyJsonRoundTrips() throws Exception {
    Path f = dir.resolve("history.json");
    HistoryFiles.writeJson(history(), f);
    JsonNode n = new ObjectMapper().readTree(f.toFile());
    assertEquals(2, n.get("epoch").get(2).asInt());
    assertEquals(0.3, n.get("loss").get(2).asDouble());
    assertEquals(0.75, n.get("val_accuracy").get(2).asDouble());
  }

  @Test
  void plotHasAPanelPerMetricWithBothCurves() throws Exception {
    Path f = dir.resolve("history.png");
    HistoryPlot.write(history(), "run", f);
    BufferedImage img = ImageIO.read(f.toFile());
    assertEquals(List.of("loss", "accuracy"), HistoryPlot.panels(history()));
    assertEquals(2 * HistoryPlot.PANEL_W, img.getWidth());
    assertEquals(HistoryPlot.PANEL_H + HistoryPlot.TITLE_H, img.getHeight());
    // the train (blue) and validation (orange) curves are drawn in each panel
    for (int panel = 0; panel < 2; panel++) {
      assertTrue(countColor(img, panel, 0x1f77b4) > 20, "train curve in panel " + panel);
      assertTrue(countColor(img, panel, 0xff7f0e) > 20, "validation curve in panel " + panel);
    }
  }

  @Test
  void legendMovesDownWhenTheCurvesEndAtTheTop() {
    BufferedImage img = HistoryPlot.render(history(), "run");
    int legendX = HistoryPlot.PANEL_W - 20 - 97;
    int topY = HistoryPlot.TITLE_H + 30 + 8;
    int bottomY = HistoryPlot.TITLE_H + HistoryPlot.PANEL_H - 50 - 8 - 16;
    // loss falls: legend top right; accuracy rises to the top: legend bottom right
    assertEquals(0x1f77b4, img.getRGB(legendX, topY) & 0xffffff);
    assertEquals(0x1f77b4, img.getRGB(HistoryPlot.PANEL_W + legendX, bottomY) & 0xffffff);
    assertEquals(0xff7f0e, img.getRGB(HistoryPlot.PANEL_W + legendX, bottomY + 16) & 0xffffff);
  }

  @Test
  void plotWithoutValidationHasNoValidationCurve() throws Exception {
    Map<String, List<Double>> h = new LinkedHashMap<>();
    h.put("loss", List.of(1.0));
    BufferedImage img = HistoryPlot.render(h, "one epoch");
    assertTrue(countColor(img, 0, 0x1f77b4) > 20);
    assertEquals(0, countColor(img, 0, 0xff7f0e));
  }

  static int countColor(BufferedImage img, int panel, int rgb) {
    int n = 0;
    for (int x = panel * HistoryPlot.PANEL_W; x < (panel + 1) * HistoryPlot.PANEL_W; x++) {
      for (int y = 0; y < img.getHeight(); y++) {
        if ((img.getRGB(x, y) & 0xffffff) == rgb) {
          n++;
        }
      }
    }
    return n;
  }

  @Test
  void ticksAreNiceAndCoverTheRange() {
    double[] t = Ticks.nice(0.23, 0.91, 6);
    assertTrue(t[0] <= 0.23 && t[t.length - 1] >= 0.91);
    assertEquals(0.2, t[0], 1e-12);
    // a range of 0.68 over about 6 ticks: steps of 0.2 (1, 2 or 5 times a power of ten)
    assertEquals(0.2, t[1] - t[0], 1e-12);
    assertEquals("0.4", Ticks.label(t[1], t));
  }

  @Test
  void classificationReportMatchesHandCount() throws Exception {
    int[] yTrue = {0, 0, 0, 1, 1, 2};
    int[] yPred = {0, 0, 1, 1, 2, 2};
    ClassificationReport r = ClassificationReport.of(yTrue, yPred, 3, List.of("a", "b", "c"));
    assertEquals(4.0 / 6, r.accuracy(), 1e-12);
    assertArrayEquals(new long[] {2, 1, 0}, r.confusionMatrix()[0]);
    assertEquals(1.0, r.precision(0), 1e-12);
    assertEquals(2.0 / 3, r.recall(0), 1e-12);
    assertEquals(0.5, r.precision(1), 1e-12);
    assertEquals(0.5, r.recall(1), 1e-12);
    assertEquals(0.5, r.precision(2), 1e-12);
    assertEquals(1.0, r.recall(2), 1e-12);
    assertEquals(2 * 0.5 / 1.5, r.f1(2), 1e-12);
    r.write(dir);
    String md = Files.readString(dir.resolve("report.md"));
    assertTrue(md.contains("Accuracy: **0.6667** (6 examples)"), md);
    assertTrue(md.contains("| a | 1.0000 | 0.6667 | 0.8000 | 3 |"), md);
    assertTrue(md.contains("| a | 2 | 1 | 0 |"), md);
    JsonNode j = new ObjectMapper().readTree(dir.resolve("report.json").toFile());
    assertEquals(4.0 / 6, j.get("accuracy").asDouble(), 1e-12);
    assertEquals(2, j.get("confusion_matrix").get(1).get(2).asInt() + 1);
    assertEquals("c", j.get("classes").get(2).get("class").asText());
  }

  @Test
  void classificationReportRejectsOutOfRangeLabels() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ClassificationReport.of(new int[] {0, 3}, new int[] {0, 1}, 3, null));
    assertNotEquals(-1, e.getMessage().indexOf("outside [0, 3)"));
  }
}

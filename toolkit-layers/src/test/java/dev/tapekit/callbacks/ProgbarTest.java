package dev.tapekit.callbacks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The progress bar's lines, as Keras 3's progbar.py draws them (times are passed in: no clock involved). */
class ProgbarTest {
  private static final String B = "\u001b[1m";
  private static final String G = "\u001b[32m";
  private static final String D = "\u001b[37m";
  private static final String R = "\u001b[0m";

  /** Collects what a bar prints, one string per print. */
  private static final class Captured implements Progbar.Out {
    final List<String> prints = new ArrayList<>();

    public void print(String s) {
      prints.add(s);
    }

    public void flush() {}
  }

  private static Progbar bar(int target, Progbar.Display display) {
    return new Progbar(target, 1, new Captured(), display, 0.05);
  }

  private static Map<String, Double> loss(double v) {
    return Map.of("loss", v);
  }

  @Test
  void onAColourTerminalTheDonePartIsGreenAndTheRestDim() {
    Progbar p = bar(10, new Progbar.Display(true, true, '━'));
    // 4 of 10 steps: 8 of 20 segments done; 6 steps left at 0.5 s: "3s" to go
    assertEquals(B + " 4/10" + R + " " + G + "━".repeat(8) + R + D + "━".repeat(12) + R + " " + B + "3s" + R
        + " 500ms/step - loss: 0.5000", p.render(4, 2.0, 0.5, loss(0.5), false));
    assertEquals(B + " 0/10" + R + " " + D + "━".repeat(20) + R + " " + B + "0s" + R + " 0s/step - loss: 0.5000",
        p.render(0, 0, 0, loss(0.5), false), "nothing done: no green part");
    // finished: all green, an empty dim part (as Keras), the time taken
    assertEquals(B + "10/10" + R + " " + G + "━".repeat(20) + R + D + R + " " + B + "5s" + R + " 500ms/step - loss: 0.5000",
        p.render(10, 5.2, 0.5, loss(0.5), true));
  }

  @Test
  void anAsciiOutputDrawsEqualsSigns() {
    Progbar p = bar(10, new Progbar.Display(true, true, '='));
    assertTrue(p.render(5, 1, 0.2, loss(0.5), false).contains(G + "=".repeat(10) + R + D + "=".repeat(10) + R));
  }

  @Test
  void aTerminalWithoutColoursGetsKerasTwosBar() {
    Progbar p = bar(10, new Progbar.Display(true, false, '━'));
    assertEquals(" 4/10 [=======>............] 3s 500ms/step - loss: 0.5000", p.render(4, 2, 0.5, loss(0.5), false));
    assertEquals(" 0/10 [....................] 0s 0s/step - loss: 0.5000", p.render(0, 0, 0, loss(0.5), false));
    assertEquals("10/10 [====================] 5s 500ms/step - loss: 0.5000", p.render(10, 5, 0.5, loss(0.5), true));
  }

  @Test
  void aFileOrPipeGetsPlainFinalLines() {
    Progbar p = bar(10, Progbar.Display.STATIC);
    assertEquals("10/10 " + "━".repeat(20) + " 5s 500ms/step - loss: 0.5000", p.render(10, 5, 0.5, loss(0.5), true));
  }

  @Test
  void unknownTargetShowsTheCount() {
    assertTrue(bar(0, Progbar.Display.STATIC).render(42, 3, 0.1, Map.of(), true).startsWith("     42/Unknown 3s"));
  }

  @Test
  void timesAndValuesInKerasFormats() {
    assertEquals("59s", Progbar.formatEta(59.9), "truncated, as Python's %d");
    assertEquals("1:05", Progbar.formatEta(65.9));
    assertEquals("1:02:05", Progbar.formatEta(3725));
    assertEquals("350us/step", Progbar.formatPerStep(350e-6));
    assertEquals("2s/step", Progbar.formatPerStep(2));
    Map<String, Double> v = new LinkedHashMap<>();
    v.put("accuracy", 0.91234);
    v.put("loss", 0.0);
    v.put("lr", 1e-4);
    assertEquals(" - accuracy: 0.9123 - loss: 0.0000e+00 - lr: 1.0000e-04", Progbar.formatValues(v));
    assertEquals(12, Progbar.visibleLength(B + "10/10" + R + " " + G + "━━━━━━" + R), "escapes take no room");
  }

  @Test
  void liveRedrawsInPlacePadsShorterLinesAndEndsWithANewline() {
    Captured out = new Captured();
    Progbar p = new Progbar(3, 1, out, new Progbar.Display(true, true, '━'), 0);
    p.update(1, Map.of("loss", 0.5, "a_long_metric_name", 0.5), false);
    p.update(2, loss(0.25), false);
    p.update(3, loss(0.125), true);
    assertEquals(3, out.prints.size(), out.prints.toString());
    for (String s : out.prints) {
      assertTrue(s.startsWith("\r"), s);
    }
    int first = Progbar.visibleLength(out.prints.get(0).substring(1));
    String second = out.prints.get(1).substring(1);
    assertEquals(first, Progbar.visibleLength(second), "padded to the longer line before it");
    assertTrue(second.endsWith(" "), second);
    assertTrue(out.prints.get(2).endsWith("\n") && !out.prints.get(1).endsWith("\n"));
    assertTrue(out.prints.get(2).contains(G + "━".repeat(20) + R), out.prints.get(2));
  }

  @Test
  void betweenIntervalsOnlyTheFirstAndFinalUpdatesDraw() {
    Captured out = new Captured();
    // an interval no run reaches: the rule, not the clock, decides
    Progbar p = new Progbar(10, 1, out, new Progbar.Display(true, false, '━'), 1e9);
    for (int i = 1; i <= 10; i++) {
      p.update(i, loss(1), i == 10);
    }
    assertEquals(2, out.prints.size(), out.prints.toString());
    assertTrue(out.prints.get(0).startsWith("\r 1/10 [=>..................]"), out.prints.get(0));
    assertTrue(out.prints.get(1).startsWith("\r10/10 [====================]"), out.prints.get(1));
  }

  @Test
  void notATerminalPrintsOnlyTheFinalLine() {
    Captured out = new Captured();
    Progbar p = new Progbar(4, 1, out, Progbar.Display.STATIC, 0);
    for (int i = 1; i <= 4; i++) {
      p.update(i, loss(0.5), i == 4);
    }
    assertEquals(1, out.prints.size());
    assertTrue(out.prints.get(0).matches(" ?4/4 ━{20} \\d+s \\d+(us|ms|s)/step - loss: 0\\.5000\\R"), out.prints.get(0));
  }

  @Test
  void verboseTwoIsOneLineAtTheEnd() {
    Captured out = new Captured();
    Progbar p = new Progbar(4, 2, out, new Progbar.Display(true, true, '━'), 0);
    for (int i = 1; i <= 4; i++) {
      p.update(i, loss(0.5), i == 4);
    }
    assertEquals(1, out.prints.size());
    assertTrue(out.prints.get(0).matches("4/4 - \\d+s - \\d+(us|ms|s)/step - loss: 0\\.5000\\R"), out.prints.get(0));
  }
}

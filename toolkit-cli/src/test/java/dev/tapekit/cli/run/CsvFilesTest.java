package dev.tapekit.cli.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's CSV files: numbers as NumPy reads them, and one clear line for each bad field. */
class CsvFilesTest {
  @TempDir
  Path dir;

  private Path csv(String text) throws IOException {
    Path p = Files.createTempFile(dir, "t", ".csv");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void infinitiesAndNansAreFeatures() throws IOException {
    CsvFiles.Table t = CsvFiles.read(csv("a,b,c,d,label\ninf,-inf,+Infinity,nan,1\nINF,-Infinity,NaN,2.5,0\n"),
        "label");
    float inf = Float.POSITIVE_INFINITY;
    assertArrayEquals(new float[] {inf, -inf, inf, Float.NaN, inf, -inf, Float.NaN, 2.5f}, t.x().toFloatArray());
    assertArrayEquals(new long[] {1, 0}, t.y().toLongArray());
  }

  @Test
  void badFieldsAndLabelsNameTheirLineAndColumn() throws IOException {
    assertEquals("line 3, column 'b' is empty", assertThrows(IllegalArgumentException.class,
        () -> CsvFiles.read(csv("a,b,label\n1,2,0\n3,,1\n"), "label")).getMessage());
    assertEquals("line 2, column 'b': not a number: '2d'", assertThrows(IllegalArgumentException.class,
        () -> CsvFiles.read(csv("a,b,label\n1,2d,0\n"), "label")).getMessage());
    assertEquals("line 2, column 'label': the label is NaN", assertThrows(IllegalArgumentException.class,
        () -> CsvFiles.read(csv("a,b,label\n1,2,NaN\n"), "label")).getMessage());
    assertEquals("line 3, column 'label': the label is -Infinity", assertThrows(IllegalArgumentException.class,
        () -> CsvFiles.read(csv("a,b,label\n1,2,0\n1,2,-inf\n"), "label")).getMessage());
  }
}

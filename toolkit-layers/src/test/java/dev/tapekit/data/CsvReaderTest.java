package dev.tapekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {
  @TempDir
  Path dir;

  @Test
  void readsFeaturesAndANamedLabelColumn() throws IOException {
    Path p = dir.resolve("iris.csv");
    Files.writeString(p, "a,b,label,c\n1,2,0,3\n\n4.5,5,2,-6\n");
    Dataset d = new CsvReader().header(true).labelColumn("label").labelDType(DType.INT64).read(p);
    assertArrayEquals(new long[] {2, 3}, d.x().shape());
    assertArrayEquals(new double[] {1, 2, 3, 4.5, 5, -6}, d.x().toDoubleArray(), 0.0);
    assertEquals(DType.INT64, d.y().dtype());
    assertArrayEquals(new long[] {0, 2}, d.y().toLongArray());
  }

  @Test
  void lastColumnByNegativeIndexAndNoLabels() throws IOException {
    Dataset d = new CsvReader().labelColumn(-1).delimiter(';').read(new StringReader("1;2;0.5\n3;4;1.5\n"), "s");
    assertArrayEquals(new double[] {0.5, 1.5}, d.y().toDoubleArray(), 1e-7);
    assertEquals(DType.FLOAT32, d.y().dtype());
    Dataset unlabelled = new CsvReader().read(new StringReader("1,2\n3,4\n"), "s");
    assertNull(unlabelled.y());
    assertArrayEquals(new long[] {2, 2}, unlabelled.x().shape());
  }

  @Test
  void badRowsNameLineAndColumn() {
    IOException e = assertThrows(IOException.class,
        () -> new CsvReader().header(true).read(new StringReader("x,y\n1,2\n3,oops\n"), "data.csv"));
    assertTrue(e.getMessage().contains("data.csv line 3 column 2 (y)") && e.getMessage().contains("oops"),
        e.getMessage());
    e = assertThrows(IOException.class, () -> new CsvReader().read(new StringReader("1,2\n3\n"), "d"));
    assertTrue(e.getMessage().contains("line 2 has 1 fields, expected 2"), e.getMessage());
    e = assertThrows(IOException.class, () -> new CsvReader().header(true).labelColumn("z")
        .read(new StringReader("x,y\n1,2\n"), "d"));
    assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    e = assertThrows(IOException.class, () -> new CsvReader().labelColumn(0).labelDType(DType.INT64)
        .read(new StringReader("0.5,2\n"), "d"));
    assertTrue(e.getMessage().contains("not an integer"), e.getMessage());
  }

  @Test
  void infinitiesAndNansAreReadAsNumPyReadsThem() throws IOException {
    Dataset d = new CsvReader().read(new StringReader("inf,-inf,+inf,Infinity\nINF,-Infinity,nan,NaN\n"
        + " -INFINITY , +NaN,1e3,.5\n"), "s");
    float inf = Float.POSITIVE_INFINITY;
    assertArrayEquals(new float[] {inf, -inf, inf, inf, inf, -inf, Float.NaN, Float.NaN, -inf, Float.NaN, 1000, 0.5f},
        d.x().toFloatArray());
  }

  @Test
  void fieldsJavaAloneWouldAcceptAreNotNumbers() {
    // Double.parseDouble takes these; NumPy does not
    for (String f : new String[] {"1.5f", "2d", "0x1p3"}) {
      IOException e = assertThrows(IOException.class, () -> new CsvReader().read(new StringReader("1," + f + "\n"), "d"));
      assertEquals("CsvReader: d line 1 column 2 is not a number: '" + f + "'", e.getMessage());
    }
    IOException e = assertThrows(IOException.class, () -> new CsvReader().read(new StringReader("1,\n"), "d"));
    assertEquals("CsvReader: d line 1 column 2 is empty", e.getMessage());
  }

  @Test
  void infiniteIntegerLabelsAreRefused() {
    IOException e = assertThrows(IOException.class, () -> new CsvReader().labelColumn(0).labelDType(DType.INT64)
        .read(new StringReader("1,2\ninf,2\n"), "d"));
    assertEquals("CsvReader: d label Infinity in data row 2 is not an integer, but labelDType is int64",
        e.getMessage());
  }
}

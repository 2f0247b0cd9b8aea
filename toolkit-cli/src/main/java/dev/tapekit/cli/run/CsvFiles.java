package dev.tapekit.cli.run;

import dev.tapekit.core.Tensor;
import dev.tapekit.data.CsvReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Numeric CSV files with a header row: features as float32, an optional label column as int64 or float32.
 * Fields are numbers as NumPy reads them ({@link CsvReader#parseNumber}: inf and nan included); labels must
 * be finite.
 */
final class CsvFiles {
  private CsvFiles() {}

  /** Features, and labels (null without a label column). */
  record Table(Tensor x, Tensor y) {}

  static Table read(Path file, String labelColumn) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file)) {
      String header = r.readLine();
      if (header == null) {
        throw new IOException("the file is empty");
      }
      List<String> cols = Arrays.asList(header.split(",", -1));
      int label = -1;
      if (labelColumn != null) {
        label = cols.indexOf(labelColumn);
        if (label < 0) {
          throw new IllegalArgumentException("no column '" + labelColumn + "' in the header; columns: " + cols);
        }
      }
      int nx = cols.size() - (label >= 0 ? 1 : 0);
      List<float[]> rows = new ArrayList<>();
      List<Double> labels = new ArrayList<>();
      String line;
      int lineNo = 1;
      while ((line = r.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != cols.size()) {
          throw new IllegalArgumentException("line " + lineNo + " has " + f.length + " fields, the header has "
              + cols.size());
        }
        float[] row = new float[nx];
        for (int i = 0, j = 0; i < f.length; i++) {
          double v;
          try {
            v = CsvReader.parseNumber(f[i]);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("line " + lineNo + ", column '" + cols.get(i) + (f[i].isBlank()
                ? "' is empty" : "': not a number: '" + f[i] + "'"));
          }
          if (i == label) {
            if (!Double.isFinite(v)) {
              throw new IllegalArgumentException("line " + lineNo + ", column '" + cols.get(i) + "': the label is " + v);
            }
            labels.add(v);
          } else {
            row[j++] = (float) v;
          }
        }
        rows.add(row);
      }
      float[] flat = new float[rows.size() * nx];
      for (int i = 0; i < rows.size(); i++) {
        System.arraycopy(rows.get(i), 0, flat, i * nx, nx);
      }
      Tensor x = Tensor.of(flat, rows.size(), nx);
      if (label < 0) {
        return new Table(x, null);
      }
      boolean integral = labels.stream().allMatch(v -> v == Math.rint(v));
      Tensor y;
      if (integral) {
        y = Tensor.ofLongs(labels.stream().mapToLong(Double::longValue).toArray());
      } else {
        float[] ys = new float[labels.size()];
        for (int i = 0; i < ys.length; i++) {
          ys[i] = labels.get(i).floatValue();
        }
        y = Tensor.of(ys, ys.length, 1);
      }
      return new Table(x, y);
    }
  }
}

package dev.tapekit.data;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads numeric CSV into a {@link Dataset}: every column but the label column becomes a float32
 * feature of x ([rows, features]); the label column becomes y ([rows]) of {@link #labelDType} (float32
 * by default, int64 for class ids). Without a label column, y is null. Blank lines are skipped; fields
 * are plain numbers (no quoting).
 */
public final class CsvReader {
  private boolean header;
  private String labelName;
  private int labelIndex = -1;
  private boolean labelSet;
  private char delimiter = ',';
  private DType labelDType = DType.FLOAT32;

  /** A reader of headerless comma-separated values without labels. */
  public CsvReader() {}

  /** Whether the first line names the columns (default false). */
  public CsvReader header(boolean header) {
    this.header = header;
    return this;
  }

  /** The label column by zero-based index (negative counts from the end: -1 is the last). */
  public CsvReader labelColumn(int index) {
    this.labelIndex = index;
    this.labelSet = true;
    this.labelName = null;
    return this;
  }

  /** The label column by header name (needs {@link #header}). */
  public CsvReader labelColumn(String name) {
    this.labelName = name;
    return this;
  }

  /** The field separator (default ','). */
  public CsvReader delimiter(char delimiter) {
    this.delimiter = delimiter;
    return this;
  }

  /** The dtype of y: FLOAT32 (default), FLOAT64, INT32 or INT64. */
  public CsvReader labelDType(DType dtype) {
    if (dtype == DType.BOOL) {
      throw new IllegalArgumentException("CsvReader: labels cannot be bool");
    }
    this.labelDType = dtype;
    return this;
  }

  /** Reads a UTF-8 file. */
  public Dataset read(Path path) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(r, path.toString());
    }
  }

  /** Reads from a reader; {@code source} names it in errors. */
  public Dataset read(Reader reader, String source) throws IOException {
    BufferedReader r = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    String sep = java.util.regex.Pattern.quote(String.valueOf(delimiter));
    String[] names = null;
    int columns = -1;
    int label = -2;
    List<double[]> rows = new ArrayList<>();
    int lineNo = 0;
    for (String line; (line = r.readLine()) != null; ) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] fields = line.split(sep, -1);
      if (header && names == null) {
        names = fields;
        columns = fields.length;
        continue;
      }
      if (columns < 0) {
        columns = fields.length;
      }
      if (label == -2) {
        label = resolveLabel(names, columns, source);
      }
      if (fields.length != columns) {
        throw new IOException("CsvReader: " + source + " line " + lineNo + " has " + fields.length
            + " fields, expected " + columns);
      }
      double[] row = new double[columns];
      for (int c = 0; c < columns; c++) {
        String f = fields[c].trim();
        try {
          row[c] = parseNumber(f);
        } catch (NumberFormatException e) {
          throw new IOException("CsvReader: " + source + " line " + lineNo + " column " + (c + 1)
              + (names != null ? " (" + names[c].trim() + ")" : "") + (f.isEmpty() ? " is empty"
              : " is not a number: '" + f + "'"));
        }
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw new IOException("CsvReader: " + source + " has no data rows");
    }
    int features = label >= 0 ? columns - 1 : columns;
    float[] x = new float[rows.size() * features];
    double[] y = new double[label >= 0 ? rows.size() : 0];
    for (int i = 0; i < rows.size(); i++) {
      double[] row = rows.get(i);
      for (int c = 0, k = 0; c < columns; c++) {
        if (c == label) {
          y[i] = row[c];
        } else {
          x[i * features + k++] = (float) row[c];
        }
      }
    }
    Tensor xs = Tensor.of(x, rows.size(), features);
    return label >= 0 ? Dataset.of(xs, labels(y, source)) : Dataset.of(xs);
  }

  /** A decimal number; possessive, so a long field that is not one fails in linear time. */
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?+(?:\\d++(?:\\.\\d*+)?+|\\.\\d++)(?:[eE][+-]?+\\d++)?+");

  /**
   * A field as NumPy reads it: a decimal number ({@code 12}, {@code -1.5e-3}, {@code .5}), or, in any case and
   * with an optional sign, {@code inf}, {@code infinity} or {@code nan}. Surrounding blanks are ignored. Forms
   * only Java accepts ({@code 1.5f}, {@code 2d}, hexadecimal) are not numbers.
   *
   * @throws NumberFormatException when the field is none of these (empty included)
   */
  public static double parseNumber(String field) {
    String f = field.strip();
    if (DECIMAL.matcher(f).matches()) {
      return Double.parseDouble(f);
    }
    String lower = f.toLowerCase(Locale.ROOT);
    boolean negative = lower.startsWith("-");
    String body = negative || lower.startsWith("+") ? lower.substring(1) : lower;
    switch (body) {
      case "inf":
      case "infinity":
        return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      case "nan":
        return Double.NaN;
      default:
        throw new NumberFormatException(f.isEmpty() ? "empty field" : "not a number: '" + f + "'");
    }
  }

  private int resolveLabel(String[] names, int columns, String source) throws IOException {
    if (labelName != null) {
      if (names == null) {
        throw new IOException("CsvReader: label column '" + labelName + "' needs header(true)");
      }
      for (int i = 0; i < names.length; i++) {
        if (names[i].trim().equals(labelName)) {
          return i;
        }
      }
      throw new IOException("CsvReader: " + source + " has no column '" + labelName + "'; columns: "
          + Arrays.toString(names));
    }
    if (!labelSet) {
      return -1;
    }
    int i = labelIndex < 0 ? columns + labelIndex : labelIndex;
    if (i < 0 || i >= columns) {
      throw new IOException("CsvReader: label column " + labelIndex + " is out of range for " + columns + " columns");
    }
    return i;
  }

  private Tensor labels(double[] y, String source) throws IOException {
    switch (labelDType) {
      case FLOAT32: {
        float[] f = new float[y.length];
        for (int i = 0; i < y.length; i++) {
          f[i] = (float) y[i];
        }
        return Tensor.of(f);
      }
      case FLOAT64:
        return Tensor.of(y);
      default: {
        long[] l = new long[y.length];
        for (int i = 0; i < y.length; i++) {
          if (!Double.isFinite(y[i]) || y[i] != Math.rint(y[i])) {
            throw new IOException("CsvReader: " + source + " label " + y[i] + " in data row " + (i + 1)
                + " is not an integer, but labelDType is " + labelDType);
          }
          l[i] = (long) y[i];
        }
        Tensor t = Tensor.ofLongs(l);
        return labelDType == DType.INT64 ? t : t.cast(DType.INT32);
      }
    }
  }
}

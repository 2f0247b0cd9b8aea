package dev.tapekit.cli.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tapekit.cli.config.ConfigFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes a training history (metric name to one value per epoch, as Keras's {@code history.history})
 * as {@code history.csv} (Keras's CSVLogger layout: an {@code epoch} column, then the metrics sorted by
 * name) and {@code history.json}.
 */
public final class HistoryFiles {
  private HistoryFiles() {}

  /** Writes the CSV file, epochs numbered 0, 1, ... */
  public static void writeCsv(Map<String, List<Double>> history, Path file) throws IOException {
    writeCsv(history, positions(history), file);
  }

  /** Writes the CSV file with these epoch numbers (Keras's 0-based {@code history.epoch}), one per row. */
  public static void writeCsv(Map<String, List<Double>> history, List<Integer> epochNumbers, Path file)
      throws IOException {
    List<String> keys = new ArrayList<>(new TreeSet<>(history.keySet()));
    int epochs = epochs(history);
    List<Integer> numbers = epochNumbers.size() == epochs ? epochNumbers : positions(history);
    StringBuilder sb = new StringBuilder("epoch");
    for (String k : keys) {
      sb.append(',').append(k);
    }
    sb.append('\n');
    for (int e = 0; e < epochs; e++) {
      sb.append(numbers.get(e));
      for (String k : keys) {
        List<Double> v = history.get(k);
        sb.append(',').append(e < v.size() ? Double.toString(v.get(e)) : "");
      }
      sb.append('\n');
    }
    AtomicFiles.writeString(file, sb.toString());
  }

  /** Writes the JSON file: {@code {"epoch": [0, 1, ...], "loss": [...], ...}}. */
  public static void writeJson(Map<String, List<Double>> history, Path file) throws IOException {
    writeJson(history, positions(history), file);
  }

  /** Writes the JSON file with these epoch numbers (Keras's 0-based {@code history.epoch}). */
  public static void writeJson(Map<String, List<Double>> history, List<Integer> epochNumbers, Path file)
      throws IOException {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("epoch", epochNumbers.size() == epochs(history) ? epochNumbers : positions(history));
    out.putAll(history);
    AtomicFiles.writeString(file,
        ConfigFiles.json().writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(out) + "\n");
  }

  private static List<Integer> positions(Map<String, List<Double>> history) {
    List<Integer> out = new ArrayList<>();
    for (int e = 0; e < epochs(history); e++) {
      out.add(e);
    }
    return out;
  }

  static int epochs(Map<String, List<Double>> history) {
    int n = 0;
    for (List<Double> v : history.values()) {
      n = Math.max(n, v.size());
    }
    return n;
  }
}

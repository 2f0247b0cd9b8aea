package dev.tapekit.models;

import dev.tapekit.core.Variable;
import dev.tapekit.layers.Config;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.Layer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Keras 3's model.summary() table, with its box characters and parameter counts. */
final class Summary {
  private Summary() {}

  static String of(Model m) {
    // a subclassed model (no graph) lists its tracked layers as Keras does, like a Sequential
    boolean functional = !(m instanceof Sequential) && !m.inputs().isEmpty();
    String[] headers = functional
        ? new String[] {"Layer (type)", "Output Shape", "Param #", "Connected to"}
        : new String[] {"Layer (type)", "Output Shape", "Param #"};
    int[] widths = functional ? new int[] {27, 24, 13, 24} : new int[] {31, 22, 13};
    List<String[]> rows = new ArrayList<>();
    if (functional) {
      Map<KerasTensor, Integer> node = new IdentityHashMap<>();
      Map<Layer, Integer> calls = new IdentityHashMap<>();
      for (KerasTensor in : m.inputs()) {
        node.put(in, 0);
        rows.add(new String[] {label(in.layer()), Config.shapeStr(in.shape()), fmt(0), "-"});
      }
      for (KerasTensor k : m.executionOrder()) {
        int idx = calls.merge(k.layer(), 1, Integer::sum) - 1;
        node.put(k, idx);
        StringBuilder conn = new StringBuilder();
        for (KerasTensor a : k.inputs()) {
          conn.append(conn.length() > 0 ? ", " : "").append(a.layer().name()).append('[').append(node.get(a)).append("][0]");
        }
        rows.add(new String[] {label(k.layer()), Config.shapeStr(k.shape()), idx == 0 ? fmt(k.layer().countParams()) : "0",
            conn.toString()});
      }
    } else {
      for (Layer l : m.layers()) {
        long[] s = l.outputShape();
        rows.add(new String[] {label(l), s == null ? "?" : Config.shapeStr(s), l.built() ? fmt(l.countParams()) : "0 (unbuilt)"});
      }
    }
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append("Model: \"").append(m.name()).append("\"\n");
    sb.append(rule('┏', '━', '┳', '┓', widths));
    sb.append(row('┃', headers, widths));
    sb.append(rule('┡', '━', '╇', '┩', widths));
    for (int i = 0; i < rows.size(); i++) {
      sb.append(row('│', rows.get(i), widths));
      sb.append(i < rows.size() - 1 ? rule('├', '─', '┼', '┤', widths) : rule('└', '─', '┴', '┘', widths));
    }
    if (rows.isEmpty()) {
      sb.append(rule('└', '─', '┴', '┘', widths));
    }
    long trainable = count(m.trainableWeights());
    long non = count(m.nonTrainableWeights());
    sb.append(" Total params: ").append(fmt(trainable + non)).append(" (").append(bytes((trainable + non) * 4)).append(")\n");
    sb.append(" Trainable params: ").append(fmt(trainable)).append(" (").append(bytes(trainable * 4)).append(")\n");
    sb.append(" Non-trainable params: ").append(fmt(non)).append(" (").append(bytes(non * 4)).append(")\n");
    long[] opt = optimizerParams(m);
    if (opt != null) {
      sb.append(" Optimizer params: ").append(fmt(opt[0])).append(" (").append(bytes(opt[1])).append(")\n");
    }
    return sb.toString();
  }

  /**
   * Keras 3's count of {@code optimizer.variables} once the optimizer is built (after its first step):
   * {@code iterations} (int64), {@code learning_rate} (float32, unless a schedule) and every slot; with
   * their bytes. Null when the model is not compiled, has not trained, or its optimizer hides its state.
   */
  private static long[] optimizerParams(Model m) {
    if (!m.compiled() || m.optimizer() == null) {
      return null;
    }
    dev.tapekit.core.Optimizer.State state;
    try {
      state = m.optimizer().state();
    } catch (UnsupportedOperationException e) {
      return null;
    }
    if (state.steps() == 0 && state.slots().isEmpty()) {
      return null;
    }
    long count = 1;
    long bytes = 8;
    if (m.optimizer().getConfig().get("learning_rate") instanceof Number) {
      count++;
      bytes += 4;
    }
    for (java.util.Map<String, dev.tapekit.core.Tensor> slots : state.slots().values()) {
      for (dev.tapekit.core.Tensor t : slots.values()) {
        count += t.size();
        bytes += 4 * t.size();
      }
    }
    return new long[] {count, bytes};
  }

  private static String label(Layer l) {
    return l.name() + " (" + l.className() + ")";
  }

  static long count(List<Variable> vs) {
    long n = 0;
    for (Variable v : vs) {
      long s = 1;
      for (long d : v.shape()) {
        s *= d;
      }
      n += s;
    }
    return n;
  }

  static String fmt(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Keras's readable_memory_size: "198.79 KB". */
  static String bytes(double b) {
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int u = 0;
    while (b >= 1024 && u < units.length - 1) {
      b /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f %s", b, units[u]);
  }

  private static String rule(char l, char h, char mid, char r, int[] widths) {
    StringBuilder sb = new StringBuilder().append(l);
    for (int i = 0; i < widths.length; i++) {
      sb.append(String.valueOf(h).repeat(widths[i] + 2)).append(i < widths.length - 1 ? mid : r);
    }
    return sb.append('\n').toString();
  }

  private static String row(char sep, String[] cells, int[] widths) {
    StringBuilder sb = new StringBuilder().append(sep);
    for (int i = 0; i < widths.length; i++) {
      String c = cells[i];
      // Keras right-aligns the parameter counts
      String padded = i == 2 ? " ".repeat(widths[i] - c.length()) + c : c + " ".repeat(widths[i] - c.length());
      sb.append(' ').append(padded).append(' ').append(sep);
    }
    return sb.append('\n').toString();
  }
}

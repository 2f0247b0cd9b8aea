package dev.tapekit.metrics;

import dev.tapekit.optimizers.ConfigValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Typed, validated reads of a metric's Keras arguments. A bad value is one line naming the metric, the
 * argument and the value: {@code Argument `k` of TopKCategoricalAccuracy must be a positive integer.
 * Received: k=0} (the form the CLI turns into a config path).
 */
final class MetricArgs {
  private final String cls;
  private final Map<String, Object> c;

  MetricArgs(String cls, Map<String, Object> config) {
    this.cls = cls;
    this.c = config;
    for (Map.Entry<String, Object> e : config.entrySet()) {
      if (e.getValue() == MetricBuilder.REQUIRED) {
        throw new IllegalArgumentException(cls + ": missing required argument `" + e.getKey() + "`");
      }
    }
  }

  IllegalArgumentException bad(String key, String must) {
    return new IllegalArgumentException("Argument `" + key + "` of " + cls + " must be " + must + ". Received: "
        + key + "=" + repr(c.get(key)));
  }

  static String repr(Object v) {
    if (v instanceof double[] d) {
      List<Double> l = new ArrayList<>();
      for (double x : d) {
        l.add(x);
      }
      v = l;
    }
    return v == null ? "None" : ConfigValues.repr(v);
  }

  Object raw(String key) {
    return c.get(key);
  }

  String name() {
    Object v = c.get("name");
    if (!(v instanceof String s) || s.isEmpty()) {
      throw bad("name", "a non-empty string");
    }
    return s;
  }

  double number(String key) {
    Object v = c.get(key);
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw bad(key, "a finite number");
    }
    return n.doubleValue();
  }

  /** A number in [0, 1]. */
  double unit(String key) {
    Object v = c.get(key);
    if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
      throw bad(key, "a number in [0, 1]");
    }
    return n.doubleValue();
  }

  boolean bool(String key) {
    Object v = c.get(key);
    if (!(v instanceof Boolean b)) {
      throw bad(key, "true or false");
    }
    return b;
  }

  /** A whole number >= min, or null when absent and {@code optional}. */
  Integer integer(String key, int min, boolean optional) {
    Object v = c.get(key);
    if (v == null && optional) {
      return null;
    }
    String must = min == 1 ? "a positive integer" : min == 0 ? "a non-negative integer" : "an integer >= " + min;
    long n;
    try {
      n = ConfigValues.whole(v, key, Long.MIN_VALUE, Long.MAX_VALUE);
    } catch (IllegalArgumentException e) {
      throw bad(key, must);
    }
    if (n < min) {
      throw bad(key, must);
    }
    if (n > Integer.MAX_VALUE) {
      throw bad(key, must + " <= " + Integer.MAX_VALUE);
    }
    return (int) n;
  }

  /** One of {@code options} (exact), or null where {@code null} is one of them. */
  String oneOf(String key, List<String> options) {
    Object v = c.get(key);
    if (v == null ? !options.contains(null) : !(v instanceof String s && options.contains(s))) {
      throw bad(key, "one of " + repr(options).replace("'None'", "None").replace("null", "None"));
    }
    return (String) v;
  }

  /**
   * Keras's {@code thresholds}: a number or a list of numbers in [0, 1]; null means {@code [dflt]}. The
   * result keeps the order given (Keras reports one value per threshold in that order).
   */
  double[] thresholds(String key, double dflt) {
    Object v = c.get(key);
    if (v == null) {
      return new double[] {dflt};
    }
    double[] t = numbers(key, "a number or a list of numbers in [0, 1]");
    for (double x : t) {
      if (!(x >= 0 && x <= 1)) {
        throw bad(key, "a number or a list of numbers in [0, 1]");
      }
    }
    if (t.length == 0) {
      throw bad(key, "a number or a non-empty list of numbers in [0, 1]");
    }
    return t;
  }

  /** A number or list of numbers as doubles, or null when absent. */
  double[] optNumbers(String key, String must) {
    return c.get(key) == null ? null : numbers(key, must);
  }

  private double[] numbers(String key, String must) {
    Object v = c.get(key);
    if (v instanceof Number n) {
      return new double[] {n.doubleValue()};
    }
    if (v instanceof double[] d) {
      return d.clone();
    }
    if (!(v instanceof List<?> l)) {
      throw bad(key, must);
    }
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
        throw bad(key, must);
      }
      out[i] = n.doubleValue();
    }
    return out;
  }

  /** A list of whole numbers in [0, below). */
  int[] indices(String key, int below) {
    Object v = c.get(key);
    List<?> l = v instanceof List<?> list ? list : v instanceof int[] a ? java.util.Arrays.stream(a).boxed().toList() : null;
    String must = "a non-empty list of integers in [0, " + below + ")";
    if (l == null || l.isEmpty()) {
      throw bad(key, must);
    }
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = (int) ConfigValues.whole(l.get(i), key, 0, below - 1L);
      } catch (IllegalArgumentException e) {
        throw bad(key, must);
      }
    }
    return out;
  }

  /** A config value for {@code thresholds}-like arguments as Keras writes it back: null, a double or a list. */
  static Object asConfig(double[] given, boolean wasList) {
    if (given == null) {
      return null;
    }
    if (!wasList && given.length == 1) {
      return given[0];
    }
    List<Double> l = new ArrayList<>();
    for (double d : given) {
      l.add(d);
    }
    return l;
  }
}

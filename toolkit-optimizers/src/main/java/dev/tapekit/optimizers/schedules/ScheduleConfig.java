package dev.tapekit.optimizers.schedules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Typed reads of schedule configs; bad values name the key. */
final class ScheduleConfig {
  private ScheduleConfig() {}

  static double number(Map<String, ?> c, String key) {
    Object v = c.get(key);
    if (!(v instanceof Number) || !Double.isFinite(((Number) v).doubleValue())) {
      throw new IllegalArgumentException("Argument `" + key + "` must be a finite number. Received: " + key + "=" + show(v));
    }
    return ((Number) v).doubleValue();
  }

  static double number(Map<String, ?> c, String key, double fallback) {
    return c.containsKey(key) ? number(c, key) : fallback;
  }

  static Double optionalNumber(Map<String, ?> c, String key) {
    return c.get(key) == null ? null : number(c, key);
  }

  static boolean bool(Map<String, ?> c, String key, boolean fallback) {
    Object v = c.containsKey(key) ? c.get(key) : fallback;
    if (!(v instanceof Boolean)) {
      throw new IllegalArgumentException("Argument `" + key + "` must be a boolean. Received: " + key + "=" + show(v));
    }
    return (Boolean) v;
  }

  static String name(Map<String, ?> c, String fallback) {
    Object v = c.containsKey("name") ? c.get("name") : fallback;
    return v == null ? fallback : v.toString();
  }

  static double[] numbers(Map<String, ?> c, String key) {
    Object v = c.get(key);
    if (!(v instanceof List)) {
      throw new IllegalArgumentException("Argument `" + key + "` must be a list of numbers. Received: " + key + "=" + show(v));
    }
    List<?> list = (List<?>) v;
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Number)) {
        throw new IllegalArgumentException("Argument `" + key + "` must be a list of numbers. Received: " + key + "=" + show(v));
      }
      out[i] = ((Number) list.get(i)).doubleValue();
    }
    return out;
  }

  static String show(Object v) {
    return dev.tapekit.optimizers.ConfigValues.repr(v);
  }

  static List<Double> list(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double d : values) {
      out.add(d);
    }
    return out;
  }

  static void checkDecaySteps(String key, double steps) {
    if (!(steps > 0)) {
      throw new IllegalArgumentException("Argument `" + key + "` must be > 0. Received: " + key + "=" + steps);
    }
  }

  static void checkAllowed(String schedule, Map<String, ?> c, String... keys) {
    for (String k : c.keySet()) {
      if (!List.of(keys).contains(k)) {
        throw new IllegalArgumentException(schedule + ": argument(s) not recognized: " + k + "; valid: " + List.of(keys));
      }
    }
  }
}

package dev.tapekit.optimizers;

import dev.tapekit.core.LearningRateSchedule;
import dev.tapekit.optimizers.schedules.Schedules;
import java.util.LinkedHashMap;
import java.util.Map;

/** Typed, validated reads of Keras-style config maps (snake_case keys); bad values name the key. */
final class Config {
  private Config() {}

  /** Builds an ordered map from alternating key, value pairs. */
  static LinkedHashMap<String, Object> of(Object... keyValues) {
    LinkedHashMap<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  static double number(Map<String, Object> c, String key) {
    Object v = c.get(key);
    if (!(v instanceof Number)) {
      throw new IllegalArgumentException("Argument `" + key + "` must be a number. Received: " + key + "=" + show(v));
    }
    double d = ((Number) v).doubleValue();
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException("Argument `" + key + "` must be finite. Received: " + key + "=" + show(v));
    }
    return d;
  }

  /** A number or null (Keras's None). */
  static Double optionalNumber(Map<String, Object> c, String key) {
    return c.get(key) == null ? null : number(c, key);
  }

  static double nonNegative(Map<String, Object> c, String key) {
    double d = number(c, key);
    if (d < 0) {
      throw new IllegalArgumentException("Argument `" + key + "` must be >= 0. Received: " + key + "=" + show(c.get(key)));
    }
    return d;
  }

  static double positive(Map<String, Object> c, String key) {
    double d = number(c, key);
    if (d <= 0) {
      throw new IllegalArgumentException("Argument `" + key + "` must be > 0. Received: " + key + "=" + show(c.get(key)));
    }
    return d;
  }

  /** A number in [lo, hi]. */
  static double inRange(Map<String, Object> c, String key, double lo, double hi) {
    double d = number(c, key);
    if (d < lo || d > hi) {
      throw new IllegalArgumentException("Argument `" + key + "` must be in [" + lo + ", " + hi
          + "]. Received: " + key + "=" + show(c.get(key)));
    }
    return d;
  }

  static boolean bool(Map<String, Object> c, String key) {
    Object v = c.get(key);
    if (!(v instanceof Boolean)) {
      throw new IllegalArgumentException("Argument `" + key + "` must be a boolean. Received: " + key + "=" + show(v));
    }
    return (Boolean) v;
  }

  /** A whole number in int range, or null; never wrapped or truncated. */
  static Integer optionalInt(Map<String, Object> c, String key) {
    Object v = c.get(key);
    return v == null ? null : (int) ConfigValues.whole(v, key, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  private static String show(Object v) {
    return ConfigValues.repr(v);
  }

  /** The learning rate: a number, a schedule object, or a serialized schedule map. */
  static Object learningRate(Object v) {
    if (v instanceof LearningRateSchedule) {
      return v;
    }
    if (v instanceof Map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) v;
      return Schedules.fromConfig(m);
    }
    if (v instanceof Number) {
      double d = ((Number) v).doubleValue();
      if (!(d >= 0) || Double.isInfinite(d)) {
        throw new IllegalArgumentException("Argument `learning_rate` must be a finite number >= 0 or a "
            + "LearningRateSchedule. Received: learning_rate=" + show(v));
      }
      return d;
    }
    throw new IllegalArgumentException("Argument `learning_rate` should be a number or a "
        + "LearningRateSchedule. Received: learning_rate=" + show(v));
  }
}

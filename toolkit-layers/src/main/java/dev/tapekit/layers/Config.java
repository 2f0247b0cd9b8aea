package dev.tapekit.layers;

import dev.tapekit.optimizers.ConfigValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Readers for Keras-shaped config maps, whose numbers may come back from JSON as Integer, Long, BigInteger
 * or Double and whose tuples as lists. Lenient about the Java type, strict about the value: an int field
 * takes whole numbers in int range only (never wrapped or truncated), and a value of the wrong kind fails
 * with Keras's "Argument `key` must be .... Received: key=value", which callers turn into a field path.
 */
public final class Config {
  private Config() {}

  /** An int entry, or {@code dflt} when absent or null. */
  public static int getInt(Map<String, Object> c, String key, int dflt) {
    Object v = c.get(key);
    return v == null ? dflt : (int) whole(v, key, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  /** A double entry, or {@code dflt} when absent or null. */
  public static double getDouble(Map<String, Object> c, String key, double dflt) {
    Object v = c.get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Number)) {
      throw invalid(key, "must be a number", v);
    }
    return ((Number) v).doubleValue();
  }

  /** A boolean entry, or {@code dflt} when absent or null. */
  public static boolean getBool(Map<String, Object> c, String key, boolean dflt) {
    Object v = c.get(key);
    if (v == null) {
      return dflt;
    }
    if (!(v instanceof Boolean)) {
      throw invalid(key, "must be true or false", v);
    }
    return (Boolean) v;
  }

  /** A string entry, or {@code dflt} when absent or null. */
  public static String getString(Map<String, Object> c, String key, String dflt) {
    Object v = c.get(key);
    return v == null ? dflt : v.toString();
  }

  /** A Long entry or null (Keras's optional seeds). */
  public static Long getLong(Map<String, Object> c, String key) {
    Object v = c.get(key);
    return v == null ? null : whole(v, key, Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** See {@link ConfigValues#whole}. */
  public static long whole(Object v, String key, long min, long max) {
    return ConfigValues.whole(v, key, min, max);
  }

  static String repr(Object v) {
    return ConfigValues.repr(v);
  }

  private static IllegalArgumentException invalid(String key, String must, Object v) {
    return ConfigValues.invalid(key, must, v);
  }

  /** An int tuple (a list or a single number repeated {@code n} times), or {@code dflt}. */
  public static int[] getInts(Map<String, Object> c, String key, int n, int[] dflt) {
    Object v = c.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number) {
      int[] out = new int[n];
      java.util.Arrays.fill(out, (int) whole(v, key, Integer.MIN_VALUE, Integer.MAX_VALUE));
      return out;
    }
    if (v instanceof int[]) {
      return ((int[]) v).clone();
    }
    if (!(v instanceof List<?> l)) {
      throw invalid(key, "must be an integer or a list of integers", v);
    }
    int[] out = new int[l.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = (int) whole(l.get(i), key, Integer.MIN_VALUE, Integer.MAX_VALUE);
      } catch (IllegalArgumentException e) {
        throw invalid(key, "must be an integer or a list of integers, each in [" + Integer.MIN_VALUE + ", "
            + Integer.MAX_VALUE + "]", v);
      }
    }
    return out;
  }

  /** A shape as a list for configs: -1 (unknown) becomes null, as Keras writes None. */
  public static List<Object> shapeToList(long[] shape) {
    List<Object> out = new ArrayList<>();
    for (long d : shape) {
      out.add(d < 0 ? null : (Object) d);
    }
    return out;
  }

  /** A shape from a config list; null entries become -1. */
  public static long[] shapeFromList(Object v) {
    return shapeFromList(v, "shape");
  }

  /** A shape from the config list under {@code key}; null entries become -1; other non-integers fail. */
  public static long[] shapeFromList(Object v, String key) {
    if (v == null) {
      return null;
    }
    if (v instanceof long[]) {
      return ((long[]) v).clone();
    }
    if (!(v instanceof List<?> l)) {
      throw invalid(key, "must be a list of sizes", v);
    }
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      try {
        out[i] = l.get(i) == null ? -1 : whole(l.get(i), key, Long.MIN_VALUE, Long.MAX_VALUE);
      } catch (IllegalArgumentException e) {
        throw invalid(key, "must be a list of sizes (integers, or None for unknown)", v);
      }
    }
    return out;
  }

  /** An int array as a list for configs. */
  public static List<Integer> list(int[] a) {
    List<Integer> out = new ArrayList<>();
    for (int x : a) {
      out.add(x);
    }
    return out;
  }

  /** A nested map entry, or null. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> getMap(Map<String, Object> c, String key) {
    return (Map<String, Object>) c.get(key);
  }

  /** A shape as Keras prints it: {@code (None, 10)}. */
  public static String shapeStr(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i] < 0 ? "None" : Long.toString(shape[i]));
    }
    if (shape.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }
}

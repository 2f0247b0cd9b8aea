package dev.tapekit.optimizers;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Numbers and values of Keras-style configs, one implementation for optimizers, schedules, layers, losses
 * and metrics: whole numbers are never wrapped or truncated, and bad values are named in Keras's words.
 */
public final class ConfigValues {
  private ConfigValues() {}

  /**
   * {@code v} as a whole number in [min, max]: integer types, or a float with no fractional part (a JSON
   * reader may give 16.0 for 16). Anything else fails naming {@code key} and the value.
   */
  public static long whole(Object v, String key, long min, long max) {
    String range = min == Integer.MIN_VALUE && max == Integer.MAX_VALUE || min == Long.MIN_VALUE && max == Long.MAX_VALUE
        ? "" : " in [" + min + ", " + max + "]";
    if (!(v instanceof Number) || v instanceof Double && !isWhole((Double) v) || v instanceof Float && !isWhole((Float) v)
        || v instanceof BigDecimal && ((BigDecimal) v).stripTrailingZeros().scale() > 0) {
      throw invalid(key, "must be an integer" + range, v);
    }
    BigInteger big = v instanceof BigInteger b ? b : v instanceof BigDecimal d ? d.toBigInteger()
        : v instanceof Double || v instanceof Float ? new BigDecimal(((Number) v).doubleValue()).toBigInteger()
        : BigInteger.valueOf(((Number) v).longValue());
    if (big.compareTo(BigInteger.valueOf(max)) > 0) {
      throw invalid(key, "must be an integer " + (range.isEmpty() ? "<= " + max : range.substring(1)), v);
    }
    if (big.compareTo(BigInteger.valueOf(min)) < 0) {
      throw invalid(key, "must be an integer " + (range.isEmpty() ? ">= " + min : range.substring(1)), v);
    }
    return big.longValue();
  }

  private static boolean isWhole(double d) {
    return Double.isFinite(d) && d == Math.rint(d);
  }

  /** Keras's message for a bad argument: {@code Argument `units` must be an integer. Received: units=16.5}. */
  public static IllegalArgumentException invalid(String key, String must, Object v) {
    return new IllegalArgumentException("Argument `" + key + "` " + must + ". Received: " + key + "=" + repr(v));
  }

  /** A value as Python prints it in Keras's messages: strings quoted (so an empty one is visible). */
  public static String repr(Object v) {
    if (v instanceof String) {
      return "'" + v + "'";
    }
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) {
        parts.add(repr(o));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    return String.valueOf(v);
  }
}

package dev.tapekit.keras;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.List;
import java.util.Map;

/** JSON as Keras writes it (Python's json: NaN and Infinity allowed), with bounded nesting. */
final class KerasJson {
  /** Deeper than any real model's config (a few levels per nested layer); keeps recursion bounded. */
  static final int MAX_DEPTH = 200;
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  static {
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build());
  }

  private KerasJson() {}

  /** {@code text} as a JSON object; {@code what} names it in the error ("file: attribute model_config"). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> object(String text, String what) {
    Object v;
    try {
      v = JSON.readValue(text, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(what + " must be a JSON object, got " + show(v));
    }
    return (Map<String, Object>) v;
  }

  /** A value shortened for one line of a message. */
  static String show(Object v) {
    String s = String.valueOf(v).replaceAll("\\p{Cntrl}", "?");
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object v, String what) {
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(what + " must be an object, got " + show(v));
    }
    return (Map<String, Object>) v;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object v, String what) {
    if (!(v instanceof List)) {
      throw new IllegalArgumentException(what + " must be a list, got " + show(v));
    }
    return (List<Object>) v;
  }
}

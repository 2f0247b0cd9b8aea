package dev.tapekit.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A node of a parsed config with its field path, so every check can name where it failed. Getters
 * take defaults for optional fields; {@link #onlyKeys} rejects keys the schema does not know.
 */
public final class ConfigNode {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final JsonNode node;
  private final String path;

  ConfigNode(JsonNode node, String path) {
    this.node = node == null ? MissingNode.getInstance() : node;
    this.path = path;
  }

  /** The root of a parsed document. */
  public static ConfigNode root(JsonNode node) {
    return new ConfigNode(node, "");
  }

  /** This node's field path ({@code fit.callbacks[0]}); empty for the root. */
  public String path() {
    return path;
  }

  /** True when the key is absent or explicitly null. */
  public boolean isMissing() {
    return node.isMissingNode() || node.isNull();
  }

  public boolean isObject() {
    return node.isObject();
  }

  public boolean isArray() {
    return node.isArray();
  }

  public boolean isText() {
    return node.isTextual();
  }

  /** The child under {@code key} (missing if absent). */
  public ConfigNode get(String key) {
    return new ConfigNode(node.get(key), path.isEmpty() ? key : path + "." + key);
  }

  /** True when this object has {@code key} with a non-null value. */
  public boolean has(String key) {
    return node.isObject() && node.hasNonNull(key);
  }

  /** The elements of a list; a missing node is an empty list. */
  public List<ConfigNode> elements() {
    if (isMissing()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw fail("must be a list, got " + show());
    }
    List<ConfigNode> out = new ArrayList<>();
    for (int i = 0; i < node.size(); i++) {
      out.add(new ConfigNode(node.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  /** Requires an object whose keys are all among {@code allowed}; unknown keys list the valid ones. */
  public ConfigNode onlyKeys(String... allowed) {
    requireObject();
    List<String> valid = Arrays.asList(allowed);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (!valid.contains(key)) {
        String where = path.isEmpty() ? key : path + "." + key;
        throw new ConfigException(where, "unknown key" + Names.suggestion(key, valid)
            + "; valid keys: " + String.join(", ", new TreeSet<>(valid)));
      }
    }
    return this;
  }

  /** Fails unless this node is an object. */
  public ConfigNode requireObject() {
    if (!node.isObject()) {
      throw fail(isMissing() ? "is required (a mapping)" : "must be a mapping, got " + show());
    }
    return this;
  }

  /** A required string. */
  public String string() {
    if (isMissing()) {
      throw fail("is required");
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw fail("must be a non-empty string, got " + show());
    }
    return node.asText();
  }

  /** An optional string. */
  public String string(String dflt) {
    return isMissing() ? dflt : string();
  }

  /** An optional boolean. */
  public boolean bool(boolean dflt) {
    if (isMissing()) {
      return dflt;
    }
    if (!node.isBoolean()) {
      throw fail("must be true or false, got " + show());
    }
    return node.asBoolean();
  }

  /** A required integer at least {@code min} (a long: seeds). */
  public long integer(long min) {
    return integerIn(min, Long.MAX_VALUE);
  }

  /** An optional integer at least {@code min}. */
  public long integer(long min, long dflt) {
    return isMissing() ? dflt : integer(min);
  }

  /** A required int at least {@code min}: counts and sizes, never wrapped to fit. */
  public int intValue(int min) {
    return (int) integerIn(min, Integer.MAX_VALUE);
  }

  /** An optional int at least {@code min}. */
  public int intValue(int min, int dflt) {
    return isMissing() ? dflt : intValue(min);
  }

  /**
   * Where the CLI's own config integers are converted (layer, optimizer, loss and metric arguments go through
   * their modules' config readers, e.g. {@code dev.tapekit.layers.Config#whole}): whole JSON/YAML integers in
   * [min, max] only, so a value that does not fit is an error rather than wrapped ({@code 4294967297} is not 1)
   * or truncated.
   */
  private long integerIn(long min, long max) {
    if (isMissing()) {
      throw fail("is required");
    }
    String what = min == 1 ? "a positive integer" : min == 0 ? "a non-negative integer" : "an integer >= " + min;
    if (!node.isIntegralNumber() || node.canConvertToLong() && node.asLong() < min
        || !node.canConvertToLong() && node.bigIntegerValue().signum() < 0) {
      throw fail("must be " + what + ", got " + show());
    }
    if (!node.canConvertToLong() || node.asLong() > max) {
      throw fail("must be " + what + " <= " + max + ", got " + show());
    }
    return node.asLong();
  }

  /** A required number in [min, max]. */
  public double number(double min, double max) {
    if (isMissing()) {
      throw fail("is required");
    }
    if (!node.isNumber() || !(node.asDouble() >= min && node.asDouble() <= max)) {
      throw fail("must be a number in [" + fmt(min) + ", " + fmt(max) + "], got " + show());
    }
    return node.asDouble();
  }

  /** An optional number in [min, max]. */
  public double number(double min, double max, double dflt) {
    return isMissing() ? dflt : number(min, max);
  }

  /** An optional path (resolved later against the working directory). */
  public Path file(Path dflt) {
    return isMissing() ? dflt : Path.of(string());
  }

  /** The subtree as plain Java values (maps, lists, strings, numbers, booleans, null). */
  public Map<String, Object> toMap() {
    requireObject();
    @SuppressWarnings("unchecked")
    Map<String, Object> m = MAPPER.convertValue(node, LinkedHashMap.class);
    return m;
  }

  /** The underlying tree. */
  public JsonNode json() {
    return node;
  }

  /** An error at this node. */
  public ConfigException fail(String message) {
    return new ConfigException(path, message);
  }

  /** The value as written, for error messages: strings quoted, others as JSON. */
  public String show() {
    if (isMissing()) {
      return "nothing";
    }
    if (node.isTextual()) {
      return "'" + node.asText() + "'";
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.toString();
  }

  private static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}

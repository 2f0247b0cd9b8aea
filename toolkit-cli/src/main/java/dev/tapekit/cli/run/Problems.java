package dev.tapekit.cli.run;

import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.config.Names;
import dev.tapekit.cli.config.NamedSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the Keras-style messages of layers, optimizers and losses ("... Received: units=-3") into config
 * errors at the field's path ({@code model.layers[1].config.units: must be a positive integer, got -3}).
 */
final class Problems {
  private static final Pattern INVALID = Pattern.compile(
      "Received an invalid value for `(\\w+)`, expected (.*?)\\.\\s*Received: \\1=(.*)", Pattern.DOTALL);
  private static final Pattern ARGUMENT = Pattern.compile(
      "Argument `(\\w+)` (?:of \\w+ )?(.*?)\\.\\s*Received: \\1=(.*)", Pattern.DOTALL);
  private static final Pattern RECEIVED = Pattern.compile("(.*?)\\s*Received: (\\w+)=(.*)", Pattern.DOTALL);
  private static final Pattern NOT_RECOGNIZED = Pattern.compile(
      "Argument\\(s\\) not recognized: \\{(\\w+)=(.*?)\\}; valid: \\[(.*)\\]", Pattern.DOTALL);
  /** The schedules' form: "ExponentialDecay: argument(s) not recognized: foo; valid: [...]". */
  private static final Pattern SCHEDULE_NOT_RECOGNIZED = Pattern.compile(
      "\\w+: argument\\(s\\) not recognized: (\\w+)(?:, \\w+)*; valid: \\[(.*)\\]", Pattern.DOTALL);

  private Problems() {}

  /** A config error for a failure while building {@code spec}. */
  static ConfigException at(NamedSpec spec, RuntimeException e) {
    String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    Matcher m = NOT_RECOGNIZED.matcher(msg);
    if (m.matches()) {
      return unknownKey(spec, m.group(1), Arrays.asList(m.group(3).split(",\\s*")));
    }
    m = SCHEDULE_NOT_RECOGNIZED.matcher(msg);
    if (m.matches()) {
      return unknownKey(spec, m.group(1), Arrays.asList(m.group(2).split(",\\s*")));
    }
    m = INVALID.matcher(msg);
    if (m.matches()) {
      return new ConfigException(spec.configPath(m.group(1)), "must be " + m.group(2) + ", got " + m.group(3));
    }
    m = ARGUMENT.matcher(msg);
    if (m.matches()) {
      return new ConfigException(spec.configPath(m.group(1)), m.group(2) + ", got " + m.group(3));
    }
    m = RECEIVED.matcher(msg);
    if (m.matches() && spec.config().containsKey(m.group(2))) {
      return new ConfigException(spec.configPath(m.group(2)), m.group(1) + " got " + m.group(3));
    }
    if (e instanceof ClassCastException) {
      return wrongType(spec, msg);
    }
    return new ConfigException(spec.path(), msg);
  }

  /** An unknown key in an entry's config, listing the valid ones. */
  static ConfigException unknownKey(NamedSpec spec, String key, List<String> valid) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(valid));
    return new ConfigException(spec.configPath(key), "unknown key for " + spec.className()
        + Names.suggestion(key, sorted) + "; valid keys: " + String.join(", ", sorted));
  }

  /** An unknown class name, listing the valid ones. */
  static ConfigException unknownName(NamedSpec spec, String kind, List<String> valid) {
    return new ConfigException(spec.classNamePath(), "unknown " + kind + " '" + spec.className() + "'"
        + Names.suggestion(spec.className(), valid) + "; valid: " + String.join(", ", valid));
  }

  /** "class java.lang.String cannot be cast to class java.lang.Number": name the keys whose value has the wrong type. */
  private static ConfigException wrongType(NamedSpec spec, String msg) {
    Matcher m = Pattern.compile("class (?:java\\.lang\\.|java\\.util\\.)?(\\w+).*cannot be cast to class "
        + "(?:java\\.lang\\.|java\\.util\\.)?(\\w+)").matcher(msg);
    if (!m.find()) {
      return new ConfigException(spec.path() + ".config", "a value has the wrong type (" + msg + ")");
    }
    String got = m.group(1);
    String want = m.group(2);
    List<String> suspects = new ArrayList<>();
    for (Map.Entry<String, Object> e : spec.config().entrySet()) {
      if (e.getValue() != null && e.getValue().getClass().getSimpleName().equals(got)) {
        suspects.add(e.getKey());
      }
    }
    if (suspects.size() == 1) {
      return new ConfigException(spec.configPath(suspects.get(0)), "must be a " + kind(want) + ", got "
          + show(spec.config().get(suspects.get(0))));
    }
    return new ConfigException(spec.path() + ".config", "one of " + suspects + " must be a " + kind(want)
        + ", not a " + kind(got));
  }

  private static String kind(String javaClass) {
    switch (javaClass) {
      case "Number": case "Integer": case "Long": case "Double": return "number";
      case "String": return "string";
      case "Boolean": return "boolean";
      case "List": case "ArrayList": return "list";
      case "Map": case "LinkedHashMap": return "mapping";
      default: return javaClass;
    }
  }

  static String show(Object v) {
    if (v instanceof List<?> l) {
      List<String> parts = new ArrayList<>();
      for (Object o : l) {
        parts.add(show(o));
      }
      return "[" + String.join(", ", parts) + "]";
    }
    return v instanceof String ? "'" + v + "'" : String.valueOf(v);
  }
}

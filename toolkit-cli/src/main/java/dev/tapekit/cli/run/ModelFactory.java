package dev.tapekit.cli.run;

import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.config.ModelSpec;
import dev.tapekit.cli.config.NamedSpec;
import dev.tapekit.cli.config.RunConfig;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.KerasOptions;
import dev.tapekit.layers.Layers;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the Sequential model of a {@link ModelSpec}, reporting problems at their config path. */
public final class ModelFactory {
  /** Keys every layer accepts besides those of its own config (Keras's base Layer arguments). */
  private static final Set<String> BASE_KEYS = Set.of("name", "trainable", "dtype", "input_shape",
      "batch_input_shape", "batch_shape", "batch_size");
  private static final Pattern LAYER_NAME = Pattern.compile("[Ll]ayer \"([^\"]+)\"");

  private ModelFactory() {}

  /** The summary table of a config's model (built from its first layer's input_shape). */
  public static String summary(RunConfig cfg) {
    if (cfg.model().file() != null) {
      return load(cfg.model()).summaryString();
    }
    Sequential model = build(cfg.model(), null);
    if (!model.built()) {
      throw new ConfigException(cfg.model().layers().get(0).configPath("input_shape"),
          "is needed to summarize the model without data (e.g. input_shape: [28, 28])");
    }
    return model.summaryString();
  }

  /** The saved model of {@code model: {file: ...}}; a missing or unreadable file is a problem at model.file. */
  public static Model load(ModelSpec spec) {
    return Saved.model(spec.file(), "model.file");
  }

  /**
   * Builds the model. When the first layer has no {@code input_shape}, the model is built for examples of
   * {@code exampleShape} (without the batch axis) if given.
   */
  public static Sequential build(ModelSpec spec, long[] exampleShape) {
    List<Layer> layers = new ArrayList<>();
    for (NamedSpec s : spec.layers()) {
      layers.add(layer(s));
    }
    Sequential model;
    try {
      model = new Sequential(layers, spec.name());
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw shapeProblem(spec, layers, e);
    }
    if (exampleShape != null) {
      buildFor(model, spec, exampleShape);
    }
    return model;
  }

  /** Builds a model whose first layer had no input_shape for examples of {@code exampleShape}. */
  public static void buildFor(Sequential model, ModelSpec spec, long[] exampleShape) {
    if (model.built()) {
      return;
    }
    long[] batch = new long[exampleShape.length + 1];
    batch[0] = -1;
    System.arraycopy(exampleShape, 0, batch, 1, exampleShape.length);
    try {
      model.build(batch);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw shapeProblem(spec, model.layers(), e);
    }
  }

  /** One layer from its Keras-shaped entry; unknown keys are errors. */
  static Layer layer(NamedSpec s) {
    Map<String, Object> config = new LinkedHashMap<>(s.config());
    Object inputShape = config.remove("input_shape");
    if (inputShape != null) {
      // NOTE: Keras accepts input_shape as a layer argument and stores it as batch_input_shape.
      List<Object> batch = new ArrayList<>();
      batch.add(null);
      if (!(inputShape instanceof List<?> dims) || dims.isEmpty()) {
        throw new ConfigException(s.configPath("input_shape"), "must be a list of positive integers, got "
            + Problems.show(inputShape));
      } else {
        for (Object d : dims) {
          if (!(d instanceof Integer || d instanceof Long) || ((Number) d).longValue() < 1) {
            throw new ConfigException(s.configPath("input_shape"), "must be a list of positive integers, got "
                + Problems.show(inputShape));
          }
          batch.add(d);
        }
      }
      config.put("batch_input_shape", batch);
    }
    if (!s.className().equals("Embedding")) {
      // Keras 2's input_dim/input_length would build the weights before the key check; configs give input_shape
      for (String key : List.of("input_dim", "input_length")) {
        if (config.containsKey(key)) {
          throw new ConfigException(s.configPath(key), "unknown key (Keras 2's input shape: give input_shape, e.g. "
              + "input_shape: [" + Problems.show(config.get(key)) + "])");
        }
      }
    }
    checkNestedEntries(s);
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("class_name", s.className());
    entry.put("config", config);
    if (!Layers.names().contains(s.className())) {
      throw Problems.unknownName(s, "layer class", Layers.names());
    }
    Layer layer;
    try {
      layer = Layers.deserialize(entry, false); // options audited below, after the unknown-key check
    } catch (IllegalArgumentException e) {
      throw misspelt(s, Problems.at(s, e));
    } catch (ClassCastException | IllegalStateException | NullPointerException e) {
      throw misspelt(s, Problems.at(s, e));
    }
    List<String> valid = new ArrayList<>(layer.getConfig().keySet());
    valid.addAll(BASE_KEYS);
    valid.remove("batch_input_shape");
    valid.remove("batch_shape");
    for (String key : s.config().keySet()) {
      // Keras's options tapekit ignores by design or takes at their default only are known keys, not typos
      if (!valid.contains(key) && !BASE_KEYS.contains(key) && !KerasOptions.ignored(s.className(), key)
          && !KerasOptions.defaultOnly(s.className(), key)) {
        throw Problems.unknownKey(s, key, valid);
      }
    }
    try {
      KerasOptions.check(s.className(), config, layer);
    } catch (IllegalArgumentException e) {
      throw Problems.at(s, e);
    }
    checkNestedKeys(s, layer.getConfig());
    return layer;
  }

  /** Keys of a nested {@code {class_name, config}} entry (initializer, regularizer, constraint). */
  private static final List<String> ENTRY_KEYS = List.of("class_name", "config", "module", "registered_name");

  /** Nested entries need a class_name and no other keys than Keras writes ({@code kernel_initializer: {...}}). */
  private static void checkNestedEntries(NamedSpec s) {
    for (Map.Entry<String, Object> e : s.config().entrySet()) {
      if (e.getValue() instanceof Map<?, ?> m) {
        String at = s.configPath(e.getKey());
        for (Object k : m.keySet()) {
          if (!ENTRY_KEYS.contains(String.valueOf(k))) {
            throw new ConfigException(at + "." + k, "unknown key" + dev.tapekit.cli.config.Names.suggestion(
                String.valueOf(k), ENTRY_KEYS) + "; valid keys: " + String.join(", ", ENTRY_KEYS));
          }
        }
        if (!(m.get("class_name") instanceof String)) {
          throw new ConfigException(at + ".class_name", "is required (e.g. {class_name: GlorotUniform, config: {seed: 1}})");
        }
        if (m.get("config") != null && !(m.get("config") instanceof Map)) {
          throw new ConfigException(at + ".config", "must be a mapping, got " + Problems.show(m.get("config")));
        }
      }
    }
  }

  /** The arguments of nested entries are those their built object reports ({@code seed}, {@code l2}, ...). */
  private static void checkNestedKeys(NamedSpec s, Map<String, Object> built) {
    for (Map.Entry<String, Object> e : s.config().entrySet()) {
      if (e.getValue() instanceof Map<?, ?> given && given.get("config") instanceof Map<?, ?> args
          && built.get(e.getKey()) instanceof Map<?, ?> made && made.get("config") instanceof Map<?, ?> madeArgs) {
        List<String> valid = new ArrayList<>();
        for (Object k : madeArgs.keySet()) {
          valid.add(String.valueOf(k));
        }
        for (Object k : args.keySet()) {
          if (!valid.contains(String.valueOf(k))) {
            List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(valid));
            throw new ConfigException(s.configPath(e.getKey()) + ".config." + k, "unknown key for " + given.get("class_name")
                + dev.tapekit.cli.config.Names.suggestion(String.valueOf(k), sorted) + "; valid keys: "
                + (sorted.isEmpty() ? "none" : String.join(", ", sorted)));
          }
        }
      }
    }
  }

  /**
   * When a required argument is reported missing ({@code units} of Dense) and the config has a key close to
   * it ({@code unit}), the real problem is the misspelt key.
   */
  private static ConfigException misspelt(NamedSpec s, ConfigException e) {
    String prefix = s.path() + ".config.";
    if (!e.path().startsWith(prefix)) {
      return e;
    }
    String key = e.path().substring(prefix.length());
    if (s.config().containsKey(key)) {
      return e;
    }
    for (String given : s.config().keySet()) {
      if (dev.tapekit.cli.config.Names.suggestion(given, List.of(key)).length() > 0 && !BASE_KEYS.contains(given)) {
        return new ConfigException(s.configPath(given), "unknown key for " + s.className() + " (did you mean '"
            + key + "'?)");
      }
    }
    return e;
  }

  /** A build failure (usually incompatible shapes), pointed at the layer it names. */
  private static ConfigException shapeProblem(ModelSpec spec, List<Layer> layers, RuntimeException e) {
    String msg = String.valueOf(e.getMessage());
    Matcher m = LAYER_NAME.matcher(msg);
    if (m.find()) {
      for (int i = 0; i < layers.size(); i++) {
        if (layers.get(i).name().equals(m.group(1))) {
          return new ConfigException(spec.layers().get(i).path(), msg);
        }
      }
    }
    return new ConfigException("model.layers", msg);
  }
}

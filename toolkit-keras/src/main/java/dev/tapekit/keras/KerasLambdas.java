package dev.tapekit.keras;

import dev.tapekit.layers.Config;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Layers;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Java replacements for Keras {@code Lambda} layers. A Lambda's function is Python bytecode (marshalled
 * into the file), which tapekit cannot and will not run; register a layer that computes the same thing
 * under the Lambda's name before loading:
 *
 * <pre>{@code KerasLambdas.register("scale_by_two", config -> new Rescale(2.0));}</pre>
 *
 * The factory receives the Lambda's Keras config (name, arguments, output_shape, ...) and must return a
 * new layer; the model uses it in the Lambda's place and keeps the Lambda's name for it.
 */
public final class KerasLambdas {
  private static final Map<String, Function<Map<String, Object>, Layer>> REPLACEMENTS = new ConcurrentHashMap<>();

  static {
    Layers.register("Lambda", KerasLambdas::fromConfig);
  }

  private KerasLambdas() {}

  /** Makes Lambda layers named {@code layerName} load as the layer {@code replacement} builds. */
  public static void register(String layerName, Function<Map<String, Object>, Layer> replacement) {
    if (layerName == null || replacement == null) {
      throw new IllegalArgumentException("KerasLambdas.register: layer name and replacement are required");
    }
    REPLACEMENTS.put(layerName, replacement);
  }

  /** Forgets the replacement for {@code layerName}; returns whether there was one. */
  public static boolean unregister(String layerName) {
    return REPLACEMENTS.remove(layerName) != null;
  }

  /** Makes sure {@code Lambda} is known to {@link Layers#deserialize}. */
  static void init() {}

  static Layer fromConfig(Map<String, Object> c) {
    String name = Config.getString(c, "name", null);
    Function<Map<String, Object>, Layer> f = name == null ? null : REPLACEMENTS.get(name);
    if (f == null) {
      throw new IllegalArgumentException("Layer \"" + name + "\" is a Lambda layer, whose function is Python "
          + "bytecode that tapekit cannot run; register a Java replacement before loading: "
          + "KerasLambdas.register(\"" + name + "\", config -> layer)");
    }
    Layer layer = f.apply(c);
    if (layer == null) {
      throw new IllegalArgumentException("Layer \"" + name + "\": the replacement registered with KerasLambdas "
          + "returned null");
    }
    if (!name.equals(layer.name())) {
      throw new IllegalArgumentException("Layer \"" + name + "\": the replacement registered with KerasLambdas is "
          + "named \"" + layer.name() + "\"; give it the Lambda's name (builder().name(\"" + name + "\")) so the "
          + "model's connections and weights find it");
    }
    return layer;
  }
}

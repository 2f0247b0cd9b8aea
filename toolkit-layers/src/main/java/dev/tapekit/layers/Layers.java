package dev.tapekit.layers;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Rebuilds layers from Keras's serialized form {@code {"class_name": "Dense", "config": {...}}}. */
public final class Layers {
  private static final Map<String, Function<Map<String, Object>, Layer>> REGISTRY = new ConcurrentHashMap<>();

  /** tapekit's own layer classes, whose configs {@link KerasOptions} audits (not custom or model classes). */
  static final java.util.Set<String> BUILT_IN;

  static {
    register("InputLayer", Input::fromConfig);
    register("Dense", Dense::fromConfig);
    register("Activation", Activation::fromConfig);
    register("ReLU", ReLU::fromConfig);
    register("LeakyReLU", LeakyReLU::fromConfig);
    register("PReLU", PReLU::fromConfig);
    register("ELU", ELU::fromConfig);
    register("Softmax", Softmax::fromConfig);
    register("Flatten", Flatten::fromConfig);
    register("Reshape", Reshape::fromConfig);
    register("Permute", Permute::fromConfig);
    register("Dropout", Dropout::fromConfig);
    register("Conv1D", Conv1D::fromConfig);
    register("Conv2D", Conv2D::fromConfig);
    register("MaxPooling2D", MaxPooling2D::fromConfig);
    register("AveragePooling2D", AveragePooling2D::fromConfig);
    register("GlobalAveragePooling2D", GlobalAveragePooling2D::fromConfig);
    register("GlobalMaxPooling2D", GlobalMaxPooling2D::fromConfig);
    register("MaxPooling1D", MaxPooling1D::fromConfig);
    register("AveragePooling1D", AveragePooling1D::fromConfig);
    register("GlobalAveragePooling1D", GlobalPooling1D::averageFromConfig);
    register("GlobalMaxPooling1D", GlobalPooling1D::maxFromConfig);
    register("ZeroPadding2D", ZeroPadding2D::fromConfig);
    register("BatchNormalization", BatchNormalization::fromConfig);
    register("LayerNormalization", LayerNormalization::fromConfig);
    register("Embedding", Embedding::fromConfig);
    register("Masking", Masking::fromConfig);
    register("Bidirectional", Bidirectional::fromConfig);
    register("TimeDistributed", TimeDistributed::fromConfig);
    register("SimpleRNN", SimpleRNN::fromConfig);
    register("LSTM", LSTM::fromConfig);
    register("GRU", GRU::fromConfig);
    register("Add", Add::fromConfig);
    register("Subtract", Subtract::fromConfig);
    register("Multiply", Multiply::fromConfig);
    register("Average", Average::fromConfig);
    register("Maximum", Maximum::fromConfig);
    register("Minimum", Minimum::fromConfig);
    register("Concatenate", Concatenate::fromConfig);
    BUILT_IN = java.util.Set.copyOf(REGISTRY.keySet());
  }


  private Layers() {}

  /** Makes {@code className} known to {@link #deserialize} (custom layers, models). */
  public static void register(String className, Function<Map<String, Object>, Layer> fromConfig) {
    REGISTRY.put(className, fromConfig);
  }

  /** The class names {@link #deserialize} knows (built-in and registered), sorted. */
  public static java.util.List<String> names() {
    return java.util.List.copyOf(new java.util.TreeSet<>(REGISTRY.keySet()));
  }

  /**
   * A new layer from {@code {"class_name", "config"}}. Keras's spellings of the input shape are read
   * ({@code input_shape}, {@code input_dim}, ...), and an option the layer does not implement is refused
   * naming the layer and the option unless Keras's default is given ({@link KerasOptions}).
   */
  public static Layer deserialize(Map<String, Object> serialized) {
    return deserialize(serialized, true);
  }

  /**
   * As {@link #deserialize(Map)}; with {@code checkOptions} false, options are not audited, for a caller
   * that reports unknown keys its own way and then calls {@link KerasOptions#check} itself.
   */
  @SuppressWarnings("unchecked")
  public static Layer deserialize(Map<String, Object> serialized, boolean checkOptions) {
    String cls = (String) serialized.get("class_name");
    Function<Map<String, Object>, Layer> f = cls == null ? null : REGISTRY.get(cls);
    if (f == null) {
      throw new IllegalArgumentException("Unknown layer class '" + cls + "'; known: " + names());
    }
    Map<String, Object> given = (Map<String, Object>) serialized.get("config");
    boolean ours = BUILT_IN.contains(cls);
    Map<String, Object> config = given == null ? Map.of() : ours ? KerasOptions.normalized(cls, given) : given;
    // a model built from its config counts all its layers' weights against the model size limit
    Layer layer;
    try (ModelSizeLimit.Scope scope = ModelSizeLimit.open(0)) {
      layer = f.apply(config);
    } catch (IllegalArgumentException e) {
      throw ours ? withClass(e, cls) : e;
    }
    if (ours && checkOptions) {
      KerasOptions.check(cls, config, layer);
    }
    return layer;
  }

  /** A layer's refusal ({@code Layer "x": ...}) with the class named too: {@code Layer "x" (Dense): ...}. */
  private static IllegalArgumentException withClass(IllegalArgumentException e, String cls) {
    String m = e.getMessage();
    if (m == null || !m.startsWith("Layer \"")) {
      return e;
    }
    int end = m.indexOf('"', 7);
    if (end < 0 || m.startsWith(" (", end + 1)) {
      return e;
    }
    return new IllegalArgumentException(m.substring(0, end + 1) + " (" + cls + ")" + m.substring(end + 1), e);
  }

  /** Keras's serialized form of a layer: module, class_name, config. */
  public static Map<String, Object> serialize(Layer layer) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", "keras.layers");
    m.put("class_name", layer.className());
    m.put("config", layer.getConfig());
    m.put("registered_name", null);
    return m;
  }
}

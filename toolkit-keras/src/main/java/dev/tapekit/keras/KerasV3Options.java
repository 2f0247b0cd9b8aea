package dev.tapekit.keras;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Keras 3 layer options that change what a layer computes and that tapekit's layers do not implement: a config that
 * sets one to anything but its default fails naming the layer and the option, instead of loading a different model
 * (tapekit's layers read the keys they know and pass over the rest).
 */
final class KerasV3Options {
  /** Stands for "absent or null". */
  private static final Object ABSENT = new Object();
  /** Options that must keep these values, for every layer. */
  private static final Map<String, Object> ANY_LAYER = Map.of("lora_rank", ABSENT, "quantization_config", ABSENT);
  /** Options by class that must keep these values. */
  private static final Map<String, Map<String, Object>> BY_CLASS = Map.of(
      "Conv2D", Map.of("groups", 1, "data_format", "channels_last"),
      "MaxPooling2D", Map.of("data_format", "channels_last"),
      "AveragePooling2D", Map.of("data_format", "channels_last"),
      "GlobalAveragePooling2D", Map.of("data_format", "channels_last"),
      "GlobalMaxPooling2D", Map.of("data_format", "channels_last"),
      "Flatten", Map.of("data_format", "channels_last"),
      "BatchNormalization", Map.of("axis", -1, "renorm", false),
      "InputLayer", Map.of("sparse", false, "ragged", false),
      "LSTM", Map.of("return_state", false, "stateful", false),
      "GRU", Map.of("return_state", false, "stateful", false));

  private KerasV3Options() {}

  /** Checks every layer of a serialized model (nested models too); {@code where} starts the message. */
  static void check(Object serialized, String where) {
    if (!(serialized instanceof Map<?, ?> m) || !(m.get("config") instanceof Map<?, ?> config)) {
      return;
    }
    String cls = String.valueOf(m.get("class_name"));
    if (config.get("layers") instanceof List<?> layers) {
      for (Object l : layers) {
        check(l, where);
      }
      return;
    }
    String layer = "layer '" + config.get("name") + "' (" + cls + ")";
    checkAll(ANY_LAYER, config, where, layer);
    checkAll(BY_CLASS.getOrDefault(cls, Map.of()), config, where, layer);
  }

  private static void checkAll(Map<String, Object> defaults, Map<?, ?> config, String where, String layer) {
    for (Map.Entry<String, Object> d : defaults.entrySet()) {
      Object v = config.get(d.getKey());
      boolean ok = d.getValue() == ABSENT ? v == null
          : v == null || Objects.equals(v, d.getValue()) || matchesNumber(v, d.getValue());
      if (!ok) {
        throw new IllegalArgumentException(where + ": " + layer + ": option " + d.getKey() + "=" + show(v)
            + " is not supported by tapekit (only " + (d.getValue() == ABSENT ? "none" : show(d.getValue())) + ")");
      }
    }
  }

  private static boolean matchesNumber(Object v, Object d) {
    return v instanceof Number a && d instanceof Number b && a.doubleValue() == b.doubleValue();
  }

  private static String show(Object v) {
    return KerasCompile.show(v instanceof String s ? "'" + s + "'" : v);
  }
}

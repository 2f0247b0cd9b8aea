package dev.tapekit.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule that no option of a layer config is silently dropped (issue 14). Every key of a config given to
 * {@link Layers#deserialize} is, for the layer it builds:
 * <ul>
 *   <li>implemented: a key of the built layer's {@code getConfig()} (a round trip keeps it), or a base key
 *       every layer reads ({@link #BASE});</li>
 *   <li>{@linkplain #IGNORED ignored by design}: a pure hint of tf.keras or Keras 3 that cannot change the
 *       numbers here (e.g. {@code implementation}), accepted whatever its value, with a DEBUG line;</li>
 *   <li>{@linkplain #DEFAULT_ONLY accepted at Keras's default only}: an option tapekit does not implement;
 *       the default (which Keras files write) is accepted, any other value is refused;</li>
 *   <li>anything else is refused.</li>
 * </ul>
 * A refusal is one line naming the layer (name and class), the option and its value. The table of ignored
 * and default-only options is in docs/layers-and-models.md, with the reason for each.
 */
public final class KerasOptions {
  private static final Logger LOG = LoggerFactory.getLogger(KerasOptions.class);

  /** Keys every layer reads in {@link Layer.Builder#baseConfig} (after {@link #normalized}). */
  static final Set<String> BASE = Set.of("name", "trainable", "dtype", "batch_input_shape", "activity_regularizer");

  /** Rows of the table: a class name ("*" for every layer), an option, and why. */
  private record Row(String cls, String option, Object dflt, String why) {}

  private static final List<Row> IGNORED = new ArrayList<>();
  private static final List<Row> DEFAULT_ONLY = new ArrayList<>();
  private static final List<String> RNNS = List.of("SimpleRNN", "LSTM", "GRU");

  static {
    ignored("*", "autocast", "only matters under a mixed-precision dtype policy, which tapekit refuses");
    ignored("*", "dynamic", "tf.keras's eager-only flag; tapekit always runs layers eagerly");
    ignored("*", "batch_size", "fixes the batch axis of the built input only; tapekit builds with an unknown batch");
    for (String rnn : RNNS) {
      ignored(rnn, "implementation", "tf.keras's choice of kernel (fused or per-gate matmuls): same numbers; "
          + "Keras 3 dropped it");
      ignored(rnn, "use_cudnn", "Keras 3's choice of the cuDNN kernel: same numbers");
      defaultOnly(rnn, "time_major", false, "tapekit's recurrent layers take batch-major inputs [batch, time, features]");
    }
    ignored("Embedding", "input_length", "Keras 3 drops it with a warning (the input shape comes from the data)");
    ignored("BatchNormalization", "fused", "tf.keras's choice of a fused kernel: same numbers");
    defaultOnly("*", "weights", null, "initial weights as a constructor argument; set them with setWeights");
    defaultOnly("Dense", "lora_rank", null, "LoRA is not implemented");
    defaultOnly("Dense", "lora_alpha", null, "LoRA is not implemented");
    defaultOnly("Dense", "quantization_config", null, "quantization is not implemented");
    defaultOnly("Embedding", "lora_rank", null, "LoRA is not implemented");
    defaultOnly("Embedding", "lora_alpha", null, "LoRA is not implemented");
    defaultOnly("Embedding", "quantization_config", null, "quantization is not implemented");
    defaultOnly("Embedding", "sparse", false, "sparse gradients are not implemented");
    defaultOnly("Dropout", "noise_shape", null, "masks shared along axes are not implemented");
    defaultOnly("InputLayer", "sparse", false, "sparse tensors are not implemented");
    defaultOnly("InputLayer", "ragged", false, "ragged tensors are not implemented");
    defaultOnly("InputLayer", "optional", false, "optional inputs are not implemented");
    defaultOnly("InputLayer", "input_tensor", null, "a symbolic input tensor cannot come from a config");
    defaultOnly("*", "activity_regularizer", null, "activity regularization is not implemented");
    defaultOnly("BatchNormalization", "synchronized", false, "cross-replica batch statistics are not implemented");
    defaultOnly("LayerNormalization", "beta_constraint", null, "constraints on its weights are not implemented");
    defaultOnly("LayerNormalization", "gamma_constraint", null, "constraints on its weights are not implemented");
    defaultOnly("BatchNormalization", "renorm", false, "tf.keras's batch renormalization is not implemented");
    defaultOnly("BatchNormalization", "renorm_clipping", null, "tf.keras's batch renormalization is not implemented");
    defaultOnly("BatchNormalization", "renorm_momentum", 0.99, "tf.keras's batch renormalization is not implemented");
    defaultOnly("BatchNormalization", "virtual_batch_size", null, "tf.keras's ghost batch normalization is not implemented");
    defaultOnly("BatchNormalization", "adjustment", null, "tf.keras's adjustment function cannot come from a config");
  }

  private KerasOptions() {}

  private static void ignored(String cls, String option, String why) {
    IGNORED.add(new Row(cls, option, null, why));
  }

  private static void defaultOnly(String cls, String option, Object dflt, String why) {
    DEFAULT_ONLY.add(new Row(cls, option, dflt, why));
  }

  private static Row find(List<Row> rows, String cls, String option) {
    for (Row r : rows) {
      if ((r.cls.equals("*") || r.cls.equals(cls)) && r.option.equals(option)) {
        return r;
      }
    }
    return null;
  }

  /** True if {@code option} of {@code cls} is accepted and ignored by design (whatever its value). */
  public static boolean ignored(String cls, String option) {
    return find(IGNORED, cls, option) != null;
  }

  /** True if {@code option} of {@code cls} is accepted at Keras's default value only. */
  public static boolean defaultOnly(String cls, String option) {
    return find(DEFAULT_ONLY, cls, option) != null;
  }

  /**
   * The config with Keras's alternative spellings of the input shape turned into {@code batch_input_shape}, as
   * Keras's base Layer reads them: {@code input_shape}, and Keras 2's {@code input_dim} (with
   * {@code input_length} for recurrent layers: {@code (input_length, input_dim)}); and LeakyReLU's deprecated
   * {@code alpha}, which Keras 3 still reads as {@code negative_slope}.
   */
  static Map<String, Object> normalized(String cls, Map<String, Object> config) {
    Map<String, Object> c = new LinkedHashMap<>(config);
    Object shape = c.remove("input_shape");
    boolean rnn = RNNS.contains(cls);
    if (!cls.equals("Embedding") && c.get("input_dim") != null && shape == null) {
      Object dim = c.remove("input_dim");
      shape = rnn ? Arrays.asList(c.remove("input_length"), dim) : List.of(dim);
    } else if (!cls.equals("Embedding")) {
      c.remove("input_dim"); // null, as Keras 2 writes it
      if (rnn && c.get("input_length") == null) {
        c.remove("input_length");
      }
    }
    if (shape != null && c.get("batch_input_shape") == null) {
      if (!(shape instanceof List<?> dims)) {
        throw new IllegalArgumentException("Layer \"" + c.get("name") + "\" (" + cls + "): input_shape must be a list "
            + "of sizes, received input_shape=" + Config.repr(shape));
      }
      List<Object> b = new ArrayList<>();
      b.add(null);
      b.addAll(dims);
      c.put("batch_input_shape", b);
    }
    if (cls.equals("InputLayer") && c.get("shape") instanceof List<?> dims && c.get("batch_shape") == null) {
      // Keras 3's InputLayer(shape=..., batch_size=...)
      List<Object> b = new ArrayList<>();
      b.add(c.remove("batch_size"));
      b.addAll(dims);
      c.put("batch_shape", b);
      c.remove("shape");
    } else if (cls.equals("InputLayer") && c.get("shape") == null) {
      c.remove("shape");
    }
    if (!cls.equals("InputLayer") && c.get("batch_shape") != null && c.get("batch_input_shape") == null) {
      c.put("batch_input_shape", c.remove("batch_shape"));
    } else if (!cls.equals("InputLayer")) {
      c.remove("batch_shape");
    }
    if (cls.equals("LeakyReLU") && c.containsKey("alpha") && !c.containsKey("negative_slope")) {
      c.put("negative_slope", c.remove("alpha"));
    }
    return c;
  }

  /**
   * Refuses the first option of {@code config} that {@code layer} (built from it as {@code cls}) does not
   * implement and that is neither ignored by design nor at its Keras default.
   */
  public static void check(String cls, Map<String, Object> given, Layer layer) {
    Map<String, Object> config = normalized(cls, given);
    Set<String> implemented = layer.getConfig().keySet();
    for (Map.Entry<String, Object> e : config.entrySet()) {
      String key = e.getKey();
      Row dflt = find(DEFAULT_ONLY, cls, key);
      if (dflt != null) {
        if (!sameValue(e.getValue(), dflt.dflt)) {
          throw refused(layer, cls, key, e.getValue(), dflt.why);
        }
      } else if (find(IGNORED, cls, key) != null) {
        LOG.debug("Layer \"{}\" ({}): {}={} ignored: {}", layer.name(), cls, key, Config.repr(e.getValue()),
            find(IGNORED, cls, key).why);
      } else if (key.equals("dtype") && e.getValue() != null && dev.tapekit.core.DType.fromName(dtypeName(e.getValue())) != layer.dtype()) {
        throw refused(layer, cls, key, e.getValue(), "the layer computes in " + layer.dtype().tfName());
      } else if (!implemented.contains(key) && !BASE.contains(key)) {
        throw refused(layer, cls, key, e.getValue(), "tapekit's " + cls + " has no such option");
      }
    }
  }

  /** A dtype's name, also from Keras 3.4's DTypePolicy object. */
  private static String dtypeName(Object dtype) {
    if (dtype instanceof Map<?, ?> policy && policy.get("config") instanceof Map<?, ?> pc) {
      return String.valueOf(pc.get("name"));
    }
    return String.valueOf(dtype);
  }

  private static boolean sameValue(Object given, Object dflt) {
    if (given instanceof Number g && dflt instanceof Number d) {
      return g.doubleValue() == d.doubleValue();
    }
    return Objects.equals(given, dflt);
  }

  private static IllegalArgumentException refused(Layer layer, String cls, String key, Object value, String why) {
    return new IllegalArgumentException("Layer \"" + layer.name() + "\" (" + cls + "): option " + key + "="
        + Config.repr(value) + " is not supported: " + why);
  }
}

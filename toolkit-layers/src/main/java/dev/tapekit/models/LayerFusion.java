package dev.tapekit.models;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Masked;
import dev.tapekit.layers.MaxPooling2D;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Pairs of consecutive layers a model runs as one op, with the values and gradients of the two calls:
 * a {@link Conv2D} with relu feeding only a {@link MaxPooling2D} (the block of most image classifiers;
 * docs/layers-and-models.md, "Fused layers").
 */
final class LayerFusion {
  private LayerFusion() {}

  /** Fused calls so far (for tests: that a model did fuse). */
  static final AtomicLong FUSED_CALLS = new AtomicLong();

  /** True when {@code first} then {@code second} may run fused (the layers' own settings decide at the call). */
  static boolean candidates(Layer first, Layer second) {
    return first instanceof Conv2D && second instanceof MaxPooling2D;
  }

  /**
   * The graph's fusable pairs, pooling node -> convolution node: the pooling node's one input is a
   * convolution node that nothing else reads and that is not an output.
   */
  static Map<KerasTensor, KerasTensor> pairs(List<KerasTensor> order, List<KerasTensor> outputs) {
    Map<KerasTensor, Integer> reads = new IdentityHashMap<>();
    for (KerasTensor k : order) {
      for (KerasTensor a : k.inputs()) {
        reads.merge(a, 1, Integer::sum);
      }
    }
    for (KerasTensor o : outputs) {
      reads.merge(o, 1, Integer::sum);
    }
    Map<KerasTensor, KerasTensor> pairs = new IdentityHashMap<>();
    for (KerasTensor k : order) {
      if (k.inputs().size() == 1) {
        KerasTensor a = k.inputs().get(0);
        if (a.inputs().size() == 1 && candidates(a.layer(), k.layer()) && reads.get(a) == 1) {
          pairs.put(k, a);
        }
      }
    }
    return pairs;
  }

  /** {@code second(first(in))} as one op, or null when these layers or this input do not fuse. */
  static Masked apply(Layer first, Layer second, Masked in) {
    if (in.mask() != null || !candidates(first, second)) {
      return null;
    }
    Tensor out = ((Conv2D) first).applyWithMaxPool(in.output(), (MaxPooling2D) second);
    if (out == null) {
      return null;
    }
    FUSED_CALLS.incrementAndGet();
    return new Masked(out, null);
  }
}

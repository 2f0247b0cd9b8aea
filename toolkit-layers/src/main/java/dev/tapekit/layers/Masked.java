package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;

/**
 * A layer's output with its Keras mask: a bool tensor of the output's leading shape (batch, steps) that is
 * false at positions to skip, or null when the output has no mask (Keras's {@code _keras_mask}).
 */
public record Masked(Tensor output, Tensor mask) {
  /** The mask as metric sample weights (1 where a position counts, 0 where masked), or null without a mask. */
  public Tensor maskWeights() {
    return mask == null ? null : Ops.cast(mask, DType.FLOAT32);
  }
}

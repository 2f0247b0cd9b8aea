package dev.tapekit.losses;

import dev.tapekit.core.Tensor;
import dev.tapekit.core.TensorLike;
import java.util.Map;

/**
 * A loss function like {@code keras.losses.Loss}: compares labels with predictions and reduces the
 * per-sample losses to a scalar ({@link Reduction#SUM_OVER_BATCH_SIZE} by default).
 *
 * <p>Losses are written with {@link dev.tapekit.core.Ops}, so gradients flow through an active
 * {@link dev.tapekit.core.GradientTape}.
 */
public interface Loss {
  /**
   * The reduced loss (a scalar unless the reduction is {@link Reduction#NONE}). Arguments are tensors or
   * variables, as any op takes them: a {@link dev.tapekit.core.Variable} is read (and watched) as Keras
   * converts it.
   */
  Tensor call(TensorLike yTrue, TensorLike yPred);

  /**
   * The reduced loss with per-sample weights; {@code sampleWeight} may be null (all ones). Weights of
   * shape [batch] or [batch, 1] scale each sample's loss, as in Keras.
   */
  Tensor call(TensorLike yTrue, TensorLike yPred, TensorLike sampleWeight);

  /**
   * The reduced loss where {@code mask} (the prediction's Keras mask, bool, may be null) marks the
   * positions that count: Keras 3 merges it into the sample weights with {@code apply_mask}, so masked
   * positions add nothing and sum_over_batch_size averages over the unmasked ones only.
   */
  default Tensor call(Tensor yTrue, Tensor yPred, Tensor sampleWeight, Tensor mask) {
    if (mask == null) {
      return call(yTrue, yPred, sampleWeight);
    }
    return call(yTrue, yPred, LossSupport.applyMask(sampleWeight, mask, yPred.dtype(), Reduction.SUM_OVER_BATCH_SIZE));
  }

  /** Keras's name of this loss instance, e.g. {@code "sparse_categorical_crossentropy"}. */
  String name();

  /** The constructor arguments under Keras's snake_case keys, as {@code get_config()} returns them. */
  Map<String, Object> getConfig();
}

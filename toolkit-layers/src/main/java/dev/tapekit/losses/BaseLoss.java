package dev.tapekit.losses;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.TensorLike;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Common base of the built-in losses, like Keras's {@code LossFunctionWrapper}: subclasses compute
 * per-sample losses in {@link #compute}; this class casts labels, applies sample weights and reduces.
 */
public abstract class BaseLoss implements Loss {
  private final String name;
  private final Reduction reduction;

  /** A loss with the given name (null means {@code defaultName}) and reduction (null means the default). */
  protected BaseLoss(String name, String defaultName, Reduction reduction) {
    this.name = name == null ? defaultName : name;
    this.reduction = reduction == null ? Reduction.SUM_OVER_BATCH_SIZE : reduction;
  }

  /** Per-sample losses (usually the mean over the last axis); labels already have y_pred's dtype. */
  protected abstract Tensor compute(Tensor yTrue, Tensor yPred);

  /** Whether labels keep their own dtype instead of being cast to the prediction's (sparse labels). */
  protected boolean keepsLabelDType() {
    return false;
  }

  /**
   * A bool mask of the per-sample losses' shape marking the entries that count, or null when all do.
   * Masked-out entries are excluded from the sum_over_batch_size divisor, as Keras's {@code apply_mask}.
   */
  protected Tensor lossMask(Tensor yTrue, Tensor yPred) {
    return null;
  }

  /** Adds this loss's own arguments to its config. */
  protected void addConfig(Map<String, Object> config) {}

  @Override
  public final Tensor call(TensorLike yTrue, TensorLike yPred) {
    return call(yTrue, yPred, null);
  }

  @Override
  public final Tensor call(TensorLike yTrue, TensorLike yPred, TensorLike sampleWeight) {
    if (yTrue == null) {
      throw new IllegalArgumentException(name + ": y_true is null");
    }
    return call(yTrue.read(), yPred == null ? null : yPred.read(), sampleWeight == null ? null : sampleWeight.read(),
        null);
  }

  /** As Keras's {@code Loss.__call__}: the prediction's mask and the loss's own mask combine with "and". */
  @Override
  public final Tensor call(Tensor yTrue, Tensor yPred, Tensor sampleWeight, Tensor predictionMask) {
    if (yTrue == null) {
      throw new IllegalArgumentException(name + ": y_true is null");
    }
    LossSupport.requirePrediction(name, yPred, 0);
    Tensor labels = keepsLabelDType() ? yTrue : LossSupport.castLike(yTrue, yPred);
    // Keras's LossFunctionWrapper matches ranks first: labels [batch] against predictions [batch, 1]
    Tensor[] p = LossSupport.sameRank(labels, yPred);
    Tensor values = compute(p[0], p[1]);
    Tensor mask = lossMask(p[0], p[1]);
    if (predictionMask != null) {
      Tensor pm = predictionMask.dtype() == DType.BOOL ? predictionMask
          : Ops.notEqual(predictionMask, Tensor.scalar(0.0, predictionMask.dtype()));
      mask = mask == null ? pm : Ops.logicalAnd(mask, pm);
    }
    Tensor weights = mask == null ? sampleWeight : LossSupport.applyMask(sampleWeight, mask, values.dtype(), reduction);
    return LossSupport.reduceWeighted(name, values, weights, reduction);
  }

  @Override
  public String name() {
    return name;
  }

  /** How per-sample losses are combined. */
  public Reduction reduction() {
    return reduction;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("name", name);
    config.put("reduction", reduction.kerasName());
    addConfig(config);
    return config;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + getConfig();
  }

  /** Builder setters shared by all losses: Keras's {@code name} and {@code reduction}. */
  public abstract static class Builder<B extends Builder<B>> {
    String name;
    Reduction reduction = Reduction.SUM_OVER_BATCH_SIZE;

    /** The loss's name (Keras's {@code name}). */
    public B name(String name) {
      this.name = name;
      return self();
    }

    /** How per-sample losses are combined (Keras's {@code reduction}). */
    public B reduction(Reduction reduction) {
      this.reduction = reduction;
      return self();
    }

    /** The reduction by Keras's name: "none", "sum", "sum_over_batch_size", "mean" or "mean_with_sample_weight". */
    public B reduction(String reduction) {
      this.reduction = Reduction.fromName(reduction);
      return self();
    }

    @SuppressWarnings("unchecked")
    B self() {
      return (B) this;
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/**
 * Keras's ReLU layer: {@code x} for {@code threshold < x < max_value}, {@code max_value} above it, and
 * {@code negative_slope * (x - threshold)} at or below the threshold (Keras's {@code activations.relu}).
 */
public final class ReLU extends ElementwiseLayer {
  private final Double maxValue;
  private final double negativeSlope;
  private final double threshold;

  public ReLU() {
    this(builder());
  }

  private ReLU(Builder b) {
    super(b);
    if (b.maxValue != null && b.maxValue < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": max_value of a ReLU layer cannot be negative. "
          + "Received: max_value=" + b.maxValue);
    }
    if (b.negativeSlope < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": negative_slope of a ReLU layer cannot be "
          + "negative. Received: negative_slope=" + b.negativeSlope);
    }
    if (b.threshold < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": threshold of a ReLU layer cannot be negative. "
          + "Received: threshold=" + b.threshold);
    }
    maxValue = b.maxValue;
    negativeSlope = b.negativeSlope;
    threshold = b.threshold;
  }

  @Override
  Tensor activate(Tensor x) {
    Tensor y = threshold == 0 ? Ops.relu(x) : Ops.where(Ops.greater(x, threshold), x, Ops.zerosLike(x));
    if (maxValue != null) {
      y = Ops.minimum(y, maxValue);
    }
    if (negativeSlope != 0) {
      // Keras subtracts negative_slope * relu(threshold - x): the part at or below the threshold
      y = Ops.subtract(y, Ops.multiply(Ops.relu(Ops.subtract(threshold, x)), negativeSlope));
    }
    return y;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("max_value", maxValue);
    m.put("negative_slope", negativeSlope);
    m.put("threshold", threshold);
    return m;
  }

  public static ReLU fromConfig(Map<String, Object> c) {
    Builder b = builder().baseConfig(c);
    if (c.get("max_value") != null) {
      b.maxValue(Config.getDouble(c, "max_value", 0));
    }
    return b.negativeSlope(Config.getDouble(c, "negative_slope", 0)).threshold(Config.getDouble(c, "threshold", 0))
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments: maxValue (none by default), negativeSlope and threshold (0). */
  public static final class Builder extends Layer.Builder<Builder> {
    private Double maxValue;
    private double negativeSlope;
    private double threshold;

    public Builder maxValue(double maxValue) { this.maxValue = maxValue; return this; }
    public Builder negativeSlope(double negativeSlope) { this.negativeSlope = negativeSlope; return this; }
    public Builder threshold(double threshold) { this.threshold = threshold; return this; }

    public ReLU build() {
      return new ReLU(this);
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/** Keras's LeakyReLU: {@code x} for {@code x > 0}, else {@code negative_slope * x} (default 0.3). */
public final class LeakyReLU extends ElementwiseLayer {
  private final double negativeSlope;

  public LeakyReLU() {
    this(builder());
  }

  public LeakyReLU(double negativeSlope) {
    this(builder().negativeSlope(negativeSlope));
  }

  private LeakyReLU(Builder b) {
    super(b);
    if (b.negativeSlope < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": the negative_slope value of a Leaky ReLU layer "
          + "cannot be None or negative value. Expected a float. Received: negative_slope=" + b.negativeSlope);
    }
    negativeSlope = b.negativeSlope;
  }

  @Override
  Tensor activate(Tensor x) {
    return Ops.leakyRelu(x, negativeSlope);
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("negative_slope", negativeSlope);
    return m;
  }

  /** Reads Keras 3's {@code negative_slope}, or Keras 2's {@code alpha} (Keras 3 still accepts it). */
  public static LeakyReLU fromConfig(Map<String, Object> c) {
    double slope = Config.getDouble(c, "alpha", 0.3);
    return builder().baseConfig(c).negativeSlope(Config.getDouble(c, "negative_slope", slope)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: negativeSlope. */
  public static final class Builder extends Layer.Builder<Builder> {
    private double negativeSlope = 0.3;

    public Builder negativeSlope(double negativeSlope) { this.negativeSlope = negativeSlope; return this; }

    public LeakyReLU build() {
      return new LeakyReLU(this);
    }
  }
}

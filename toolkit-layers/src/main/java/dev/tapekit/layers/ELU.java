package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.Map;

/** Keras's ELU layer: {@code x} for {@code x > 0}, else {@code alpha * (e^x - 1)} (alpha 1). */
public final class ELU extends ElementwiseLayer {
  private final double alpha;

  public ELU() {
    this(builder());
  }

  private ELU(Builder b) {
    super(b);
    alpha = b.alpha;
  }

  @Override
  Tensor activate(Tensor x) {
    return Ops.elu(x, alpha);
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("alpha", alpha);
    return m;
  }

  public static ELU fromConfig(Map<String, Object> c) {
    return builder().baseConfig(c).alpha(Config.getDouble(c, "alpha", 1.0)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: alpha. */
  public static final class Builder extends Layer.Builder<Builder> {
    private double alpha = 1.0;

    public Builder alpha(double alpha) { this.alpha = alpha; return this; }

    public ELU build() {
      return new ELU(this);
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's Dropout: in training, zeroes inputs with probability {@code rate} and scales the rest by
 * 1 / (1 - rate); the identity at inference. A seed makes the sequence of masks reproducible.
 */
public final class Dropout extends Layer {
  private final double rate;
  private final Long seed;
  private final SeedGenerator seeds;

  public Dropout(double rate) {
    this(builder().rate(rate));
  }

  private Dropout(Builder b) {
    super(b);
    if (!(b.rate >= 0 && b.rate <= 1)) {
      throw new IllegalArgumentException("Invalid value received for argument `rate`. Expected a float value "
          + "between 0 and 1. Received: rate=" + b.rate);
    }
    rate = b.rate;
    seed = b.seed;
    seeds = new SeedGenerator(seed);
  }

  /** Keras's {@code supports_masking = True}: the input's mask passes through. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    if (!training || rate == 0) {
      return inputs;
    }
    if (rate == 1) {
      return Ops.zerosLike(inputs);
    }
    return Ops.dropout(inputs, rate, seeds.next());
  }

  @Override
  protected List<SeedGenerator> ownSeedGenerators() {
    return List.of(seeds);
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    return shapes.get(0).clone();
  }

  public double rate() {
    return rate;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("rate", rate);
    m.put("seed", seed);
    m.put("noise_shape", null);
    return m;
  }

  public static Dropout fromConfig(Map<String, Object> c) {
    return builder().baseConfig(c).rate(Config.getDouble(c, "rate", 0)).seed(Config.getLong(c, "seed")).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments: rate, seed. */
  public static final class Builder extends Layer.Builder<Builder> {
    private double rate;
    private Long seed;

    public Builder rate(double rate) { this.rate = rate; return this; }
    public Builder seed(Long seed) { this.seed = seed; return this; }

    public Dropout build() {
      return new Dropout(this);
    }
  }
}

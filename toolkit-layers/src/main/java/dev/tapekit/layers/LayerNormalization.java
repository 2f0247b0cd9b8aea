package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.initializers.Initializer;
import dev.tapekit.layers.initializers.Initializers;
import dev.tapekit.layers.initializers.Ones;
import dev.tapekit.layers.initializers.Zeros;
import dev.tapekit.layers.regularizers.Regularizer;
import dev.tapekit.layers.regularizers.Regularizers;
import java.util.List;
import java.util.Map;

/** Keras's LayerNormalization over the last axis of each sample: epsilon 0.001, gamma and beta. */
public final class LayerNormalization extends Layer {
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final boolean rmsScaling;
  /** The normalized axis as configured: -1, or its positive index (Keras 2 writes that). */
  private final int axis;
  private final Initializer betaInitializer;
  private final Initializer gammaInitializer;
  private final Regularizer betaRegularizer;
  private final Regularizer gammaRegularizer;
  private Variable gamma;
  private Variable beta;

  public LayerNormalization() {
    this(builder());
  }

  private LayerNormalization(Builder b) {
    super(b);
    epsilon = b.epsilon;
    center = b.center;
    scale = b.scale;
    rmsScaling = b.rmsScaling;
    axis = b.axis;
    betaInitializer = b.betaInitializer;
    gammaInitializer = b.gammaInitializer;
    betaRegularizer = b.betaRegularizer;
    gammaRegularizer = b.gammaRegularizer;
    inputSpec = InputSpec.minNdim(1);
  }

  @Override
  public void build(long[] inputShape) {
    if (axis != -1 && axis != inputShape.length - 1) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": only the last axis can be normalized, received axis="
          + axis + " for input of shape " + Config.shapeStr(inputShape));
    }
    long c = inputShape[inputShape.length - 1];
    if (c < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": axis -1 of the input must be defined, received shape "
          + Config.shapeStr(inputShape));
    }
    if (scale || rmsScaling) {
      gamma = addWeight("gamma", new long[] {c}, gammaInitializer, gammaRegularizer, null, true);
    }
    if (center && !rmsScaling) {
      beta = addWeight("beta", new long[] {c}, betaInitializer, betaRegularizer, null, true);
    }
    inputSpec = InputSpec.minNdim(1).withAxis(-1, c);
  }

  /** Keras's {@code supports_masking = True}: the input's mask passes through. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    Tensor x = castInput(inputs);
    int[] axis = {x.rank() - 1};
    Tensor mean = Ops.reduceMean(x, axis, true);
    Tensor centered = Ops.subtract(x, mean);
    Tensor variance = Ops.reduceMean(Ops.square(centered), axis, true);
    if (rmsScaling) {
      // Keras 3's rms_scaling: x * rsqrt(variance + epsilon) * gamma, not centered and without beta
      return Ops.multiply(Ops.multiply(x, Ops.rsqrt(Ops.add(variance, epsilon))), gamma);
    }
    Tensor y = Ops.multiply(centered, Ops.rsqrt(Ops.add(variance, epsilon)));
    if (scale) {
      y = Ops.multiply(y, gamma);
    }
    return center ? Ops.add(y, beta) : y;
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    return shapes.get(0).clone();
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("axis", axis);
    m.put("epsilon", epsilon);
    m.put("center", center);
    m.put("scale", scale);
    m.put("rms_scaling", rmsScaling);
    m.put("beta_initializer", Initializers.serialize(betaInitializer));
    m.put("gamma_initializer", Initializers.serialize(gammaInitializer));
    m.put("beta_regularizer", Regularizers.serialize(betaRegularizer));
    m.put("gamma_regularizer", Regularizers.serialize(gammaRegularizer));
    m.put("beta_constraint", null);
    m.put("gamma_constraint", null);
    return m;
  }

  public static LayerNormalization fromConfig(Map<String, Object> c) {
    Builder b = builder().baseConfig(c).epsilon(Config.getDouble(c, "epsilon", 1e-3))
        .center(Config.getBool(c, "center", true)).scale(Config.getBool(c, "scale", true))
        .rmsScaling(Config.getBool(c, "rms_scaling", false));
    Object axis = c.get("axis");
    if (axis instanceof List<?> l && l.size() == 1) {
      axis = l.get(0);
    }
    if (axis != null) {
      b.axis((int) Config.whole(axis, "axis", Integer.MIN_VALUE, Integer.MAX_VALUE));
    }
    if (c.get("beta_initializer") != null) {
      b.betaInitializer(Initializers.deserialize(c.get("beta_initializer")));
    }
    if (c.get("gamma_initializer") != null) {
      b.gammaInitializer(Initializers.deserialize(c.get("gamma_initializer")));
    }
    return b.betaRegularizer(Regularizers.deserialize(c.get("beta_regularizer")))
        .gammaRegularizer(Regularizers.deserialize(c.get("gamma_regularizer"))).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments (axis is -1): epsilon 0.001, center, scale, initializers, regularizers. */
  public static final class Builder extends Layer.Builder<Builder> {
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private boolean rmsScaling;
    private int axis = -1;
    private Initializer betaInitializer = new Zeros();
    private Initializer gammaInitializer = new Ones();
    private Regularizer betaRegularizer;
    private Regularizer gammaRegularizer;

    public Builder epsilon(double epsilon) { this.epsilon = epsilon; return this; }
    public Builder center(boolean center) { this.center = center; return this; }
    public Builder scale(boolean scale) { this.scale = scale; return this; }
    /** Keras's {@code rms_scaling}: scale by gamma and 1 / sqrt(variance + epsilon) only (center and scale ignored). */
    public Builder rmsScaling(boolean rmsScaling) { this.rmsScaling = rmsScaling; return this; }
    /** The axis to normalize: the last one only, as -1 or its index. */
    public Builder axis(int axis) { this.axis = axis; return this; }
    public Builder betaInitializer(Initializer i) { this.betaInitializer = i; return this; }
    public Builder gammaInitializer(Initializer i) { this.gammaInitializer = i; return this; }
    public Builder betaRegularizer(Regularizer r) { this.betaRegularizer = r; return this; }
    public Builder gammaRegularizer(Regularizer r) { this.gammaRegularizer = r; return this; }

    public LayerNormalization build() {
      return new LayerNormalization(this);
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.constraints.Constraint;
import dev.tapekit.layers.constraints.Constraints;
import dev.tapekit.layers.initializers.Initializer;
import dev.tapekit.layers.initializers.Initializers;
import dev.tapekit.layers.initializers.Ones;
import dev.tapekit.layers.initializers.Zeros;
import dev.tapekit.layers.regularizers.Regularizer;
import dev.tapekit.layers.regularizers.Regularizers;
import java.util.List;
import java.util.Map;

/**
 * Keras's BatchNormalization over the last axis. In training it normalizes with the batch's mean and
 * (biased) variance and moves {@code moving_mean}/{@code moving_variance} by {@code momentum} (0.99); at
 * inference it uses the moving statistics. gamma and beta are trainable, the moving statistics not. A
 * frozen layer ({@code trainable=false}, or inside a frozen model) always runs in inference mode and never
 * updates its moving statistics, as in Keras 3 ({@code training and self.trainable}).
 */
public final class BatchNormalization extends Layer {
  private final double momentum;
  private final double epsilon;
  private final boolean center;
  private final boolean scale;
  private final Initializer betaInitializer;
  private final Initializer gammaInitializer;
  private final Initializer movingMeanInitializer;
  private final Initializer movingVarianceInitializer;
  private final Regularizer betaRegularizer;
  private final Regularizer gammaRegularizer;
  private final Constraint betaConstraint;
  private final Constraint gammaConstraint;
  private Variable gamma;
  private Variable beta;
  private Variable movingMean;
  private Variable movingVariance;
  private int[] reductionAxes;

  public BatchNormalization() {
    this(builder());
  }

  private BatchNormalization(Builder b) {
    super(b);
    momentum = b.momentum;
    epsilon = b.epsilon;
    center = b.center;
    scale = b.scale;
    betaInitializer = b.betaInitializer;
    gammaInitializer = b.gammaInitializer;
    movingMeanInitializer = b.movingMeanInitializer;
    movingVarianceInitializer = b.movingVarianceInitializer;
    betaRegularizer = b.betaRegularizer;
    gammaRegularizer = b.gammaRegularizer;
    betaConstraint = b.betaConstraint;
    gammaConstraint = b.gammaConstraint;
    inputSpec = InputSpec.minNdim(2);
    axis = b.axis;
  }

  /** Keras's {@code axis}, as given (-1 by default). */
  private final int axis;

  @Override
  public void build(long[] inputShape) {
    inputSpec.check(name(), 0, inputShape);
    if ((axis < 0 ? inputShape.length + axis : axis) != inputShape.length - 1) {
      // the kernels normalize the last axis only; another axis would silently normalize the wrong one
      throw new IllegalArgumentException("Layer \"" + name() + "\" (BatchNormalization): option axis=" + axis
          + " is not supported for inputs of shape " + Config.shapeStr(inputShape) + ": only the last axis is");
    }
    long c = inputShape[inputShape.length - 1];
    if (c < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": axis -1 of the input must be defined, received shape "
          + Config.shapeStr(inputShape));
    }
    long[] s = {c};
    if (scale) {
      gamma = addWeight("gamma", s, gammaInitializer, gammaRegularizer, gammaConstraint, true);
    }
    if (center) {
      beta = addWeight("beta", s, betaInitializer, betaRegularizer, betaConstraint, true);
    }
    movingMean = addWeight("moving_mean", s, movingMeanInitializer, null, null, false);
    movingVariance = addWeight("moving_variance", s, movingVarianceInitializer, null, null, false);
    reductionAxes = new int[inputShape.length - 1];
    for (int i = 0; i < reductionAxes.length; i++) {
      reductionAxes[i] = i;
    }
    inputSpec = InputSpec.ndim(inputShape.length).withAxis(-1, c);
  }

  /** Keras's {@code supports_masking = True}: the input's mask passes through. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return call(inputs, training, (Tensor) null);
  }

  /** As Keras 3, in training the batch statistics leave out masked positions (mask false). */
  @Override
  public Tensor call(Tensor inputs, boolean training, Tensor mask) {
    Tensor x = castInput(inputs);
    Tensor mean;
    Tensor variance;
    // Keras 3: a frozen BatchNormalization runs in inference mode even in training (fine-tuning keeps the
    // moving statistics of the pretrained model and normalizes with them)
    if (training && trainable()) {
      Tensor[] moments = moments(x, mask);
      mean = moments[0];
      variance = moments[1];
      updateMoving(movingMean, mean);
      updateMoving(movingVariance, variance);
    } else {
      mean = movingMean.read();
      variance = movingVariance.read();
    }
    Tensor inv = Ops.rsqrt(Ops.add(variance, epsilon));
    if (scale) {
      inv = Ops.multiply(inv, gamma);
    }
    Tensor y = Ops.multiply(Ops.subtract(x, mean), inv);
    return center ? Ops.add(y, beta) : y;
  }

  /** Mean and variance over the reduction axes; with a mask, Keras's weighted moments (epsilon 1e-7). */
  private Tensor[] moments(Tensor x, Tensor mask) {
    if (mask == null) {
      Tensor mean = Ops.reduceMean(x, reductionAxes, false);
      return new Tensor[] {mean, Ops.reduceMean(Ops.square(Ops.subtract(x, mean)), reductionAxes, false)};
    }
    if (mask.rank() != x.rank() - 1) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": the mask must have one dimension less than the inputs, "
          + "received inputs of shape " + Config.shapeStr(x.shape()) + " and mask of shape " + Config.shapeStr(mask.shape()));
    }
    Tensor w = Ops.broadcastTo(Ops.expandDims(Ops.cast(mask, x.dtype()), -1), x.shape());
    Tensor count = Ops.add(Ops.reduceSum(w, reductionAxes, false), 1e-7);
    Tensor mean = Ops.divide(Ops.reduceSum(Ops.multiply(w, x), reductionAxes, false), count);
    Tensor spread = Ops.multiply(w, Ops.square(Ops.subtract(x, mean)));
    return new Tensor[] {mean, Ops.divide(Ops.reduceSum(spread, reductionAxes, false), count)};
  }

  private void updateMoving(Variable moving, Tensor batchValue) {
    org.nd4j.linalg.api.ndarray.INDArray v = batchValue.array().castTo(moving.dtype().nd4j());
    moving.updateInPlace(a -> a.muli(momentum).addi(v.mul(1.0 - momentum)));
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    return shapes.get(0).clone();
  }

  public Variable movingMean() {
    return movingMean;
  }

  public Variable movingVariance() {
    return movingVariance;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("axis", axis);
    m.put("momentum", momentum);
    m.put("epsilon", epsilon);
    m.put("center", center);
    m.put("scale", scale);
    m.put("beta_initializer", Initializers.serialize(betaInitializer));
    m.put("gamma_initializer", Initializers.serialize(gammaInitializer));
    m.put("moving_mean_initializer", Initializers.serialize(movingMeanInitializer));
    m.put("moving_variance_initializer", Initializers.serialize(movingVarianceInitializer));
    m.put("beta_regularizer", Regularizers.serialize(betaRegularizer));
    m.put("gamma_regularizer", Regularizers.serialize(gammaRegularizer));
    m.put("beta_constraint", Constraints.serialize(betaConstraint));
    m.put("gamma_constraint", Constraints.serialize(gammaConstraint));
    m.put("synchronized", false);
    return m;
  }

  public static BatchNormalization fromConfig(Map<String, Object> c) {
    int[] axes = Config.getInts(c, "axis", 1, new int[] {-1});
    if (axes.length != 1) {
      throw new IllegalArgumentException("Layer \"" + c.get("name") + "\" (BatchNormalization): option axis="
          + Config.repr(c.get("axis")) + " is not supported: one axis only");
    }
    Builder b = builder().baseConfig(c).axis(axes[0]).momentum(Config.getDouble(c, "momentum", 0.99))
        .epsilon(Config.getDouble(c, "epsilon", 1e-3)).center(Config.getBool(c, "center", true))
        .scale(Config.getBool(c, "scale", true));
    if (c.get("beta_initializer") != null) {
      b.betaInitializer(Initializers.deserialize(c.get("beta_initializer")));
    }
    if (c.get("gamma_initializer") != null) {
      b.gammaInitializer(Initializers.deserialize(c.get("gamma_initializer")));
    }
    if (c.get("moving_mean_initializer") != null) {
      b.movingMeanInitializer(Initializers.deserialize(c.get("moving_mean_initializer")));
    }
    if (c.get("moving_variance_initializer") != null) {
      b.movingVarianceInitializer(Initializers.deserialize(c.get("moving_variance_initializer")));
    }
    return b.betaRegularizer(Regularizers.deserialize(c.get("beta_regularizer")))
        .gammaRegularizer(Regularizers.deserialize(c.get("gamma_regularizer")))
        .betaConstraint(Constraints.deserialize(c.get("beta_constraint")))
        .gammaConstraint(Constraints.deserialize(c.get("gamma_constraint"))).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments (axis -1 by default): momentum 0.99, epsilon 0.001, center, scale, initializers... */
  public static final class Builder extends Layer.Builder<Builder> {
    private int axis = -1;
    private double momentum = 0.99;

    /** Keras's {@code axis}: the features axis; only the last axis (-1, or rank - 1) builds. */
    public Builder axis(int axis) { this.axis = axis; return this; }
    private double epsilon = 1e-3;
    private boolean center = true;
    private boolean scale = true;
    private Initializer betaInitializer = new Zeros();
    private Initializer gammaInitializer = new Ones();
    private Initializer movingMeanInitializer = new Zeros();
    private Initializer movingVarianceInitializer = new Ones();
    private Regularizer betaRegularizer;
    private Regularizer gammaRegularizer;
    private Constraint betaConstraint;
    private Constraint gammaConstraint;

    public Builder momentum(double momentum) { this.momentum = momentum; return this; }
    public Builder epsilon(double epsilon) { this.epsilon = epsilon; return this; }
    public Builder center(boolean center) { this.center = center; return this; }
    public Builder scale(boolean scale) { this.scale = scale; return this; }
    public Builder betaInitializer(Initializer i) { this.betaInitializer = i; return this; }
    public Builder gammaInitializer(Initializer i) { this.gammaInitializer = i; return this; }
    public Builder movingMeanInitializer(Initializer i) { this.movingMeanInitializer = i; return this; }
    public Builder movingVarianceInitializer(Initializer i) { this.movingVarianceInitializer = i; return this; }
    public Builder betaRegularizer(Regularizer r) { this.betaRegularizer = r; return this; }
    public Builder gammaRegularizer(Regularizer r) { this.gammaRegularizer = r; return this; }
    public Builder betaConstraint(Constraint c) { this.betaConstraint = c; return this; }
    public Builder gammaConstraint(Constraint c) { this.gammaConstraint = c; return this; }

    public BatchNormalization build() {
      return new BatchNormalization(this);
    }
  }
}

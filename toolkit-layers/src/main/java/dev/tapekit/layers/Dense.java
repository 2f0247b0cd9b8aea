package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.constraints.Constraint;
import dev.tapekit.layers.constraints.Constraints;
import dev.tapekit.layers.initializers.GlorotUniform;
import dev.tapekit.layers.initializers.Initializer;
import dev.tapekit.layers.initializers.Initializers;
import dev.tapekit.layers.initializers.Zeros;
import dev.tapekit.layers.regularizers.Regularizer;
import dev.tapekit.layers.regularizers.Regularizers;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Keras's Dense: {@code activation(inputs @ kernel + bias)} over the last axis, one matmul and one bias
 * add. Inputs of rank > 2 are multiplied along their last axis.
 */
public final class Dense extends Layer {
  private final int units;
  private final String activation;
  private final UnaryOperator<Tensor> act;
  private final boolean useBias;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;
  private final Regularizer kernelRegularizer;
  private final Regularizer biasRegularizer;
  private final Constraint kernelConstraint;
  private final Constraint biasConstraint;
  private Variable kernel;
  private Variable bias;

  /** {@code units} outputs, no activation. */
  public Dense(int units) {
    this(builder().units(units));
  }

  /** {@code units} outputs with an activation by Keras's name ("relu", "softmax", ...). */
  public Dense(int units, String activation) {
    this(builder().units(units).activation(activation));
  }

  private Dense(Builder b) {
    super(b);
    if (b.units <= 0) {
      throw new IllegalArgumentException("Received an invalid value for `units`, expected a positive integer. "
          + "Received: units=" + b.units);
    }
    units = b.units;
    activation = b.activation == null ? "linear" : b.activation;
    act = Activations.get(activation);
    useBias = b.useBias;
    kernelInitializer = b.kernelInitializer;
    biasInitializer = b.biasInitializer;
    kernelRegularizer = b.kernelRegularizer;
    biasRegularizer = b.biasRegularizer;
    kernelConstraint = b.kernelConstraint;
    biasConstraint = b.biasConstraint;
    inputSpec = InputSpec.minNdim(2);
  }

  @Override
  public void build(long[] inputShape) {
    inputSpec.check(name(), 0, inputShape);
    long inputDim = inputShape[inputShape.length - 1];
    if (inputDim < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": the last dimension of the inputs must be "
          + "defined, received input with shape " + Config.shapeStr(inputShape));
    }
    kernel = addWeight("kernel", new long[] {inputDim, units}, kernelInitializer, kernelRegularizer,
        kernelConstraint, true);
    if (useBias) {
      bias = addWeight("bias", new long[] {units}, biasInitializer, biasRegularizer, biasConstraint, true);
    }
    inputSpec = InputSpec.minNdim(2).withAxis(-1, inputDim);
  }

  /** Keras's {@code supports_masking = True}: the input's mask passes through. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    Tensor x = castInput(inputs);
    Tensor y;
    if (x.rank() == 2) {
      y = Ops.matmul(x, kernel);
    } else {
      long[] s = x.shape();
      long[] out = s.clone();
      out[out.length - 1] = units;
      y = Ops.reshape(Ops.matmul(Ops.reshape(x, -1, s[s.length - 1]), kernel), out);
    }
    return Activations.applyWithBias(activation, act, y, useBias ? bias : null);
  }

  @Override
  public long[] computeOutputShape(long[] inputShape) {
    long[] out = inputShape.clone();
    out[out.length - 1] = units;
    return out;
  }

  @Override
  public long[] computeOutputShape(java.util.List<long[]> shapes, java.util.List<dev.tapekit.core.DType> dtypes) {
    return computeOutputShape(shapes.get(0));
  }

  public int units() {
    return units;
  }

  /** The kernel, or null before the layer is built. */
  public Variable kernel() {
    return kernel;
  }

  /** The bias, or null before build or without bias. */
  public Variable bias() {
    return bias;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("units", units);
    m.put("activation", activation);
    m.put("use_bias", useBias);
    m.put("kernel_initializer", Initializers.serialize(kernelInitializer));
    m.put("bias_initializer", Initializers.serialize(biasInitializer));
    m.put("kernel_regularizer", Regularizers.serialize(kernelRegularizer));
    m.put("bias_regularizer", Regularizers.serialize(biasRegularizer));
    m.put("activity_regularizer", null);
    m.put("kernel_constraint", Constraints.serialize(kernelConstraint));
    m.put("bias_constraint", Constraints.serialize(biasConstraint));
    return m;
  }

  /** Rebuilds a Dense from its Keras config. */
  public static Dense fromConfig(Map<String, Object> c) {
    Builder b = builder().baseConfig(c).units(Config.getInt(c, "units", 0))
        .activation(Config.getString(c, "activation", "linear")).useBias(Config.getBool(c, "use_bias", true));
    if (c.containsKey("kernel_initializer")) {
      b.kernelInitializer(Initializers.deserialize(c.get("kernel_initializer")));
    }
    if (c.containsKey("bias_initializer")) {
      b.biasInitializer(Initializers.deserialize(c.get("bias_initializer")));
    }
    return b.kernelRegularizer(Regularizers.deserialize(c.get("kernel_regularizer")))
        .biasRegularizer(Regularizers.deserialize(c.get("bias_regularizer")))
        .kernelConstraint(Constraints.deserialize(c.get("kernel_constraint")))
        .biasConstraint(Constraints.deserialize(c.get("bias_constraint"))).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments: units, activation, useBias, kernel/bias initializer, regularizer, constraint. */
  public static final class Builder extends Layer.Builder<Builder> {
    private int units;
    private String activation;
    private boolean useBias = true;
    private Initializer kernelInitializer = new GlorotUniform();
    private Initializer biasInitializer = new Zeros();
    private Regularizer kernelRegularizer;
    private Regularizer biasRegularizer;
    private Constraint kernelConstraint;
    private Constraint biasConstraint;

    public Builder units(int units) { this.units = units; return this; }
    public Builder activation(String activation) { this.activation = activation; return this; }
    public Builder useBias(boolean useBias) { this.useBias = useBias; return this; }
    public Builder kernelInitializer(Initializer i) { this.kernelInitializer = i; return this; }
    public Builder kernelInitializer(String i) { return kernelInitializer(Initializers.get(i)); }
    public Builder biasInitializer(Initializer i) { this.biasInitializer = i; return this; }
    public Builder biasInitializer(String i) { return biasInitializer(Initializers.get(i)); }
    public Builder kernelRegularizer(Regularizer r) { this.kernelRegularizer = r; return this; }
    public Builder biasRegularizer(Regularizer r) { this.biasRegularizer = r; return this; }
    public Builder kernelConstraint(Constraint c) { this.kernelConstraint = c; return this; }
    public Builder biasConstraint(Constraint c) { this.biasConstraint = c; return this; }

    public Dense build() {
      return new Dense(this);
    }
  }
}

package dev.tapekit.layers;

import dev.tapekit.core.DType;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Shared code of Conv1D and Conv2D (channels_last): the kernel is {@code kernelSize + [in, filters]} and
 * the computation is one {@link Ops#conv2d} (Conv1D runs on a height-1 image) plus a bias add.
 */
public abstract class BaseConv extends Layer {
  protected final int rank;
  protected final int filters;
  protected final int[] kernelSize;
  protected final int[] strides;
  protected final String padding;
  protected final int[] dilationRate;
  /** Keras's data_format: channels_first inputs are (batch, channels, spatial...). */
  protected final boolean channelsFirst;
  private final String activation;
  private final UnaryOperator<Tensor> act;
  private final boolean useBias;
  private final Initializer kernelInitializer;
  private final Initializer biasInitializer;
  private final Regularizer kernelRegularizer;
  private final Regularizer biasRegularizer;
  private final Constraint kernelConstraint;
  private final Constraint biasConstraint;
  protected Variable kernel;
  protected Variable bias;

  protected BaseConv(int rank, Builder<?> b) {
    super(b);
    this.rank = rank;
    if (b.filters <= 0) {
      throw new IllegalArgumentException("Invalid value for argument `filters`. Expected a strictly positive value. "
          + "Received filters=" + b.filters);
    }
    filters = b.filters;
    kernelSize = tuple("kernel_size", b.kernelSize, rank);
    strides = tuple("strides", b.strides, rank);
    dilationRate = tuple("dilation_rate", b.dilationRate, rank);
    padding = b.padding.toLowerCase(Locale.ROOT);
    channelsFirst = DataFormat.channelsFirst(name(), b.dataFormat);
    if (!padding.equals("valid") && !padding.equals("same") && !(rank == 1 && padding.equals("causal"))) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": invalid padding '" + b.padding
          + "'; expected 'valid' or 'same'" + (rank == 1 ? " or 'causal'" : ""));
    }
    activation = b.activation == null ? "linear" : b.activation;
    act = Activations.get(activation);
    useBias = b.useBias;
    kernelInitializer = b.kernelInitializer;
    biasInitializer = b.biasInitializer;
    kernelRegularizer = b.kernelRegularizer;
    biasRegularizer = b.biasRegularizer;
    kernelConstraint = b.kernelConstraint;
    biasConstraint = b.biasConstraint;
    inputSpec = InputSpec.ndim(rank + 2);
  }

  private int[] tuple(String arg, int[] v, int n) {
    int[] out = v.length == 1 ? filled(v[0], n) : v.clone();
    if (out.length != n) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": the `" + arg + "` argument must be a tuple of "
          + n + " integers. Received: " + java.util.Arrays.toString(v));
    }
    for (int x : out) {
      if (x <= 0) {
        throw new IllegalArgumentException("Layer \"" + name() + "\": the `" + arg + "` argument must be positive. Received: "
            + java.util.Arrays.toString(v));
      }
    }
    return out;
  }

  static int[] filled(int v, int n) {
    int[] out = new int[n];
    java.util.Arrays.fill(out, v);
    return out;
  }

  @Override
  public void build(long[] givenShape) {
    inputSpec.check(name(), 0, givenShape);
    long[] inputShape = channelsFirst ? DataFormat.shapeToLast(givenShape) : givenShape;
    long in = inputShape[inputShape.length - 1];
    if (in < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": the channel dimension of the inputs must be "
          + "defined, received input with shape " + Config.shapeStr(inputShape));
    }
    long[] ks = new long[rank + 2];
    for (int i = 0; i < rank; i++) {
      ks[i] = kernelSize[i];
    }
    ks[rank] = in;
    ks[rank + 1] = filters;
    kernel = addWeight("kernel", ks, kernelInitializer, kernelRegularizer, kernelConstraint, true);
    if (useBias) {
      bias = addWeight("bias", new long[] {filters}, biasInitializer, biasRegularizer, biasConstraint, true);
    }
    inputSpec = InputSpec.ndim(rank + 2).withAxis(channelsFirst ? 1 : -1, in);
  }

  /** True when the activation is relu applied with a bias (one fused op after the convolution). */
  protected boolean reluWithBias() {
    return useBias && "relu".equals(activation);
  }

  /** The convolution of channels-last input, without bias and activation. */
  protected abstract Tensor convolve(Tensor x);

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    Tensor x = castInput(inputs);
    Tensor y = Activations.applyWithBias(activation, act, convolve(channelsFirst ? DataFormat.toLast(x) : x),
        useBias ? bias : null);
    return channelsFirst ? DataFormat.toFirst(y) : y;
  }

  /** Keras's conv_output_length. */
  static long outputLength(long len, int k, String padding, int stride, int dilation) {
    if (len < 0) {
      return -1;
    }
    long dk = (long) (k - 1) * dilation + 1;
    long out = padding.equals("valid") ? len - dk + 1 : len;
    return (out + stride - 1) / stride;
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0);
    if (!channelsFirst) {
      return channelsLastOutputShape(s);
    }
    return DataFormat.shapeToFirst(channelsLastOutputShape(DataFormat.shapeToLast(s)));
  }

  /** The output shape for a channels-last input shape. */
  protected long[] channelsLastOutputShape(long[] s) {
    long[] out = s.clone();
    for (int i = 0; i < rank; i++) {
      out[i + 1] = outputLength(s[i + 1], kernelSize[i], padding, strides[i], dilationRate[i]);
    }
    out[rank + 1] = filters;
    return out;
  }

  public Variable kernel() {
    return kernel;
  }

  public Variable bias() {
    return bias;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("filters", filters);
    m.put("kernel_size", Config.list(kernelSize));
    m.put("strides", Config.list(strides));
    m.put("padding", padding);
    m.put("data_format", DataFormat.name(channelsFirst));
    m.put("dilation_rate", Config.list(dilationRate));
    m.put("groups", 1);
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

  /** Keras's convolution arguments. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<B extends Builder<B>> extends Layer.Builder<B> {
    int filters;
    int[] kernelSize = {3};
    int[] strides = {1};
    String padding = "valid";
    int[] dilationRate = {1};
    String dataFormat;
    String activation;
    boolean useBias = true;
    Initializer kernelInitializer = new GlorotUniform();
    Initializer biasInitializer = new Zeros();
    Regularizer kernelRegularizer;
    Regularizer biasRegularizer;
    Constraint kernelConstraint;
    Constraint biasConstraint;

    public B filters(int filters) { this.filters = filters; return (B) this; }
    /** One size for every spatial axis, or one per axis. */
    public B kernelSize(int... kernelSize) { this.kernelSize = kernelSize.clone(); return (B) this; }
    public B strides(int... strides) { this.strides = strides.clone(); return (B) this; }
    /** "valid" (default) or "same" ("causal" too for Conv1D). */
    public B padding(String padding) { this.padding = padding; return (B) this; }
    public B dilationRate(int... dilationRate) { this.dilationRate = dilationRate.clone(); return (B) this; }
    /** "channels_last" (default: (batch, spatial..., channels)) or "channels_first". */
    public B dataFormat(String dataFormat) { this.dataFormat = dataFormat; return (B) this; }
    public B activation(String activation) { this.activation = activation; return (B) this; }
    public B useBias(boolean useBias) { this.useBias = useBias; return (B) this; }
    public B kernelInitializer(Initializer i) { this.kernelInitializer = i; return (B) this; }
    public B kernelInitializer(String i) { return kernelInitializer(Initializers.get(i)); }
    public B biasInitializer(Initializer i) { this.biasInitializer = i; return (B) this; }
    public B biasInitializer(String i) { return biasInitializer(Initializers.get(i)); }
    public B kernelRegularizer(Regularizer r) { this.kernelRegularizer = r; return (B) this; }
    public B biasRegularizer(Regularizer r) { this.biasRegularizer = r; return (B) this; }
    public B kernelConstraint(Constraint c) { this.kernelConstraint = c; return (B) this; }
    public B biasConstraint(Constraint c) { this.biasConstraint = c; return (B) this; }

    /** Reads Keras's convolution config. */
    public B convConfig(Map<String, Object> c, int rank) {
      baseConfig(c);
      filters(Config.getInt(c, "filters", 0));
      kernelSize(Config.getInts(c, "kernel_size", rank, new int[] {3}));
      strides(Config.getInts(c, "strides", rank, new int[] {1}));
      padding(Config.getString(c, "padding", "valid"));
      dilationRate(Config.getInts(c, "dilation_rate", rank, new int[] {1}));
      dataFormat(DataFormat.read(c));
      int groups = Config.getInt(c, "groups", 1);
      if (groups != 1) {
        throw new IllegalArgumentException("Layer \"" + Config.getString(c, "name", "conv") + "\": grouped convolutions "
            + "are not supported, received groups=" + groups);
      }
      activation(Config.getString(c, "activation", "linear"));
      useBias(Config.getBool(c, "use_bias", true));
      if (c.containsKey("kernel_initializer")) {
        kernelInitializer(Initializers.deserialize(c.get("kernel_initializer")));
      }
      if (c.containsKey("bias_initializer")) {
        biasInitializer(Initializers.deserialize(c.get("bias_initializer")));
      }
      kernelRegularizer(Regularizers.deserialize(c.get("kernel_regularizer")));
      biasRegularizer(Regularizers.deserialize(c.get("bias_regularizer")));
      kernelConstraint(Constraints.deserialize(c.get("kernel_constraint")));
      return biasConstraint(Constraints.deserialize(c.get("bias_constraint")));
    }
  }
}

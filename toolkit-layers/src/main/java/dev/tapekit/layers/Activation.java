package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Keras's Activation: applies an activation function by name. */
public final class Activation extends Layer {
  private final String activation;
  private final UnaryOperator<Tensor> act;

  public Activation(String activation) {
    this(builder().activation(activation));
  }

  private Activation(Builder b) {
    super(b);
    activation = b.activation == null ? "linear" : b.activation;
    act = Activations.get(activation);
  }

  /** Keras's {@code supports_masking = True}: the input's mask passes through. */
  @Override
  public boolean supportsMasking() {
    return true;
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return Activations.apply(act, castInput(inputs));
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    return shapes.get(0).clone();
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("activation", activation);
    return m;
  }

  public static Activation fromConfig(Map<String, Object> c) {
    return builder().baseConfig(c).activation(Config.getString(c, "activation", "linear")).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's argument: activation. */
  public static final class Builder extends Layer.Builder<Builder> {
    private String activation;

    public Builder activation(String activation) { this.activation = activation; return this; }

    public Activation build() {
      return new Activation(this);
    }
  }
}

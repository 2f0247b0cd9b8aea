package dev.tapekit.layers;

import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.constraints.Constraint;
import dev.tapekit.layers.constraints.Constraints;
import dev.tapekit.layers.initializers.Initializer;
import dev.tapekit.layers.initializers.Initializers;
import dev.tapekit.layers.initializers.Zeros;
import dev.tapekit.layers.regularizers.Regularizer;
import dev.tapekit.layers.regularizers.Regularizers;
import java.util.Map;

/**
 * Keras's PReLU: {@code relu(x) - alpha * relu(-x)} with a learned {@code alpha} of the input's shape
 * (without the batch axis); the {@code shared_axes} (1-based, as Keras counts them) get size 1.
 */
public final class PReLU extends ElementwiseLayer {
  private final Initializer alphaInitializer;
  private final Regularizer alphaRegularizer;
  private final Constraint alphaConstraint;
  private final int[] sharedAxes;
  private Variable alpha;

  public PReLU() {
    this(builder());
  }

  private PReLU(Builder b) {
    super(b);
    alphaInitializer = b.alphaInitializer;
    alphaRegularizer = b.alphaRegularizer;
    alphaConstraint = b.alphaConstraint;
    sharedAxes = b.sharedAxes == null ? null : b.sharedAxes.clone();
  }

  @Override
  public void build(long[] inputShape) {
    long[] shape = java.util.Arrays.copyOfRange(inputShape, 1, inputShape.length);
    for (int a : sharedAxes == null ? new int[0] : sharedAxes) {
      if (a < 1 || a > shape.length) {
        throw new IllegalArgumentException("Layer \"" + name() + "\": shared_axes entry " + a + " is not an axis of "
            + "an input of shape " + Config.shapeStr(inputShape));
      }
      shape[a - 1] = 1;
    }
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new IllegalArgumentException("Layer \"" + name() + "\": axis " + (i + 1) + " of the input "
            + Config.shapeStr(inputShape) + " must be defined or listed in shared_axes");
      }
    }
    alpha = addWeight("alpha", shape, alphaInitializer, alphaRegularizer, alphaConstraint, true);
  }

  @Override
  Tensor activate(Tensor x) {
    return Ops.subtract(Ops.relu(x), Ops.multiply(alpha, Ops.relu(Ops.negative(x))));
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("alpha_initializer", Initializers.serialize(alphaInitializer));
    m.put("alpha_regularizer", Regularizers.serialize(alphaRegularizer));
    m.put("alpha_constraint", Constraints.serialize(alphaConstraint));
    m.put("shared_axes", sharedAxes == null ? null : Config.list(sharedAxes));
    return m;
  }

  public static PReLU fromConfig(Map<String, Object> c) {
    Builder b = builder().baseConfig(c);
    if (c.get("alpha_initializer") != null) {
      b.alphaInitializer(Initializers.deserialize(c.get("alpha_initializer")));
    }
    b.alphaRegularizer(Regularizers.deserialize(c.get("alpha_regularizer")));
    b.alphaConstraint(Constraints.deserialize(c.get("alpha_constraint")));
    if (c.get("shared_axes") != null) {
      b.sharedAxes(Config.getInts(c, "shared_axes", 1, null));
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments: alphaInitializer (zeros), alphaRegularizer, alphaConstraint, sharedAxes. */
  public static final class Builder extends Layer.Builder<Builder> {
    private Initializer alphaInitializer = new Zeros();
    private Regularizer alphaRegularizer;
    private Constraint alphaConstraint;
    private int[] sharedAxes;

    public Builder alphaInitializer(Initializer i) { this.alphaInitializer = i; return this; }
    public Builder alphaRegularizer(Regularizer r) { this.alphaRegularizer = r; return this; }
    public Builder alphaConstraint(Constraint c) { this.alphaConstraint = c; return this; }
    /** Axes (1-based, the batch axis is 0) along which alpha is shared. */
    public Builder sharedAxes(int... axes) { this.sharedAxes = axes.clone(); return this; }

    public PReLU build() {
      return new PReLU(this);
    }
  }
}

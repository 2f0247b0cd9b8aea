package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.constraints.Constraint;
import dev.tapekit.layers.constraints.Constraints;
import dev.tapekit.layers.initializers.Initializer;
import dev.tapekit.layers.initializers.Initializers;
import dev.tapekit.layers.initializers.RandomUniform;
import dev.tapekit.layers.regularizers.Regularizer;
import dev.tapekit.layers.regularizers.Regularizers;
import java.util.List;
import java.util.Map;

/**
 * Keras's Embedding: integer ids in [0, inputDim) to rows of an (inputDim, outputDim) matrix, initialized
 * uniform in [-0.05, 0.05). Float ids are cast to int32.
 */
public final class Embedding extends Layer {
  private final int inputDim;
  private final int outputDim;
  private final Initializer embeddingsInitializer;
  private final Regularizer embeddingsRegularizer;
  private final Constraint embeddingsConstraint;
  private final boolean maskZero;
  private Variable embeddings;

  public Embedding(int inputDim, int outputDim) {
    this(builder().inputDim(inputDim).outputDim(outputDim));
  }

  private Embedding(Builder b) {
    super(b);
    if (b.inputDim <= 0 || b.outputDim <= 0) {
      throw new IllegalArgumentException("Both `input_dim` and `output_dim` should be positive, Received input_dim = "
          + b.inputDim + " and output_dim = " + b.outputDim);
    }
    inputDim = b.inputDim;
    outputDim = b.outputDim;
    embeddingsInitializer = b.embeddingsInitializer;
    embeddingsRegularizer = b.embeddingsRegularizer;
    embeddingsConstraint = b.embeddingsConstraint;
    maskZero = b.maskZero;
  }

  @Override
  public void build(long[] inputShape) {
    embeddings = addWeight("embeddings", new long[] {inputDim, outputDim}, embeddingsInitializer,
        embeddingsRegularizer, embeddingsConstraint, true);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    Tensor ids = inputs.dtype().isFloating() || inputs.dtype() == DType.BOOL ? Ops.cast(inputs, DType.INT32) : inputs;
    return Ops.gather(embeddings, ids, 0);
  }

  @Override
  public boolean supportsMasking() {
    return maskZero;
  }

  /** With {@code maskZero}, Keras's {@code not_equal(inputs, 0)}: id 0 is padding. */
  @Override
  public Tensor computeMask(Tensor inputs, Tensor mask) {
    return maskZero ? Ops.notEqual(inputs, Tensor.scalar(0.0, inputs.dtype())) : null;
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    long[] s = shapes.get(0);
    long[] out = java.util.Arrays.copyOf(s, s.length + 1);
    out[s.length] = outputDim;
    return out;
  }

  public Variable embeddings() {
    return embeddings;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("input_dim", inputDim);
    m.put("output_dim", outputDim);
    m.put("embeddings_initializer", Initializers.serialize(embeddingsInitializer));
    m.put("embeddings_regularizer", Regularizers.serialize(embeddingsRegularizer));
    m.put("activity_regularizer", null);
    m.put("embeddings_constraint", Constraints.serialize(embeddingsConstraint));
    m.put("mask_zero", maskZero);
    return m;
  }

  public static Embedding fromConfig(Map<String, Object> c) {
    Builder b = builder().baseConfig(c).inputDim(Config.getInt(c, "input_dim", 0))
        .outputDim(Config.getInt(c, "output_dim", 0)).maskZero(Config.getBool(c, "mask_zero", false));
    if (c.get("embeddings_initializer") != null) {
      b.embeddingsInitializer(Initializers.deserialize(c.get("embeddings_initializer")));
    }
    return b.embeddingsRegularizer(Regularizers.deserialize(c.get("embeddings_regularizer")))
        .embeddingsConstraint(Constraints.deserialize(c.get("embeddings_constraint"))).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's arguments: inputDim, outputDim, embeddingsInitializer, regularizer, constraint, maskZero. */
  public static final class Builder extends Layer.Builder<Builder> {
    private int inputDim;
    private int outputDim;
    private Initializer embeddingsInitializer = new RandomUniform();
    private Regularizer embeddingsRegularizer;
    private Constraint embeddingsConstraint;
    private boolean maskZero;

    public Builder inputDim(int inputDim) { this.inputDim = inputDim; return this; }
    public Builder outputDim(int outputDim) { this.outputDim = outputDim; return this; }
    public Builder embeddingsInitializer(Initializer i) { this.embeddingsInitializer = i; return this; }
    public Builder embeddingsRegularizer(Regularizer r) { this.embeddingsRegularizer = r; return this; }
    public Builder embeddingsConstraint(Constraint c) { this.embeddingsConstraint = c; return this; }
    /** Keras's {@code mask_zero}: id 0 is padding and the output carries a mask that is false there. */
    public Builder maskZero(boolean maskZero) { this.maskZero = maskZero; return this; }

    public Embedding build() {
      return new Embedding(this);
    }
  }
}

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
import dev.tapekit.layers.initializers.Orthogonal;
import dev.tapekit.layers.initializers.Zeros;
import dev.tapekit.layers.regularizers.Regularizer;
import dev.tapekit.layers.regularizers.Regularizers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Shared code of SimpleRNN, LSTM and GRU on (batch, timesteps, features): the input projection of all
 * steps is one matmul, then each step adds {@code h @ recurrent_kernel} and applies the cell's gates.
 * Returns the last output, or all of them with {@code returnSequences}.
 *
 * <p>As Keras's {@code RNN}: a mask (batch, timesteps) skips steps, which keep the previous states and
 * output (zeros with {@code zeroOutputForMask}); {@link #callWithStates} takes initial states and returns
 * the final ones ({@code return_state}); {@code stateful} carries the final states into the next call
 * until {@link #resetStates}; {@code dropout}/{@code recurrentDropout} drop inputs/recurrent inputs in
 * training, one mask per call shared by all steps. {@code unroll} is accepted and changes nothing (the
 * loop is always unrolled).
 */
public abstract class BaseRNN extends Layer {
  protected final int units;
  protected final boolean returnSequences;
  protected final boolean goBackwards;
  protected final boolean returnState;
  protected final boolean stateful;
  protected final boolean unroll;
  protected boolean zeroOutputForMask;
  protected final double dropout;
  protected final double recurrentDropout;
  protected final Long seed;
  private final SeedGenerator seeds;
  /** The states a stateful layer carries between calls; null until its first call or after a reset. */
  private Tensor[] heldStates;
  protected final String activation;
  protected final UnaryOperator<Tensor> act;
  protected final boolean useBias;
  protected final Initializer kernelInitializer;
  protected final Initializer recurrentInitializer;
  protected final Initializer biasInitializer;
  protected final Regularizer kernelRegularizer;
  protected final Regularizer recurrentRegularizer;
  protected final Regularizer biasRegularizer;
  protected final Constraint kernelConstraint;
  protected final Constraint recurrentConstraint;
  protected final Constraint biasConstraint;
  protected Variable kernel;
  protected Variable recurrentKernel;
  protected Variable bias;

  protected BaseRNN(Builder<?> b) {
    super(b);
    if (b.units <= 0) {
      throw new IllegalArgumentException("Received an invalid value for argument `units`, expected a positive integer, "
          + "got " + b.units);
    }
    if (!(b.dropout >= 0 && b.dropout <= 1) || !(b.recurrentDropout >= 0 && b.recurrentDropout <= 1)) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": `dropout` and `recurrent_dropout` must be in [0, 1], "
          + "received dropout=" + b.dropout + ", recurrent_dropout=" + b.recurrentDropout);
    }
    units = b.units;
    returnSequences = b.returnSequences;
    goBackwards = b.goBackwards;
    returnState = b.returnState;
    stateful = b.stateful;
    unroll = b.unroll;
    zeroOutputForMask = b.zeroOutputForMask;
    dropout = b.dropout;
    recurrentDropout = b.recurrentDropout;
    seed = b.seed;
    seeds = new SeedGenerator(seed);
    activation = b.activation;
    act = Activations.get(activation);
    useBias = b.useBias;
    kernelInitializer = b.kernelInitializer;
    recurrentInitializer = b.recurrentInitializer;
    biasInitializer = b.biasInitializer;
    kernelRegularizer = b.kernelRegularizer;
    recurrentRegularizer = b.recurrentRegularizer;
    biasRegularizer = b.biasRegularizer;
    kernelConstraint = b.kernelConstraint;
    recurrentConstraint = b.recurrentConstraint;
    biasConstraint = b.biasConstraint;
    inputSpec = InputSpec.ndim(3);
  }

  @Override
  protected List<SeedGenerator> ownSeedGenerators() {
    return List.of(seeds);
  }

  /** Number of gate blocks: 1 (SimpleRNN), 4 (LSTM), 3 (GRU). */
  protected abstract int gates();

  /** Number of state tensors: 1, or 2 for LSTM (h, c). */
  protected int stateCount() {
    return 1;
  }

  /** The bias's shape and initial value. */
  protected Variable makeBias() {
    return addWeight("bias", new long[] {(long) gates() * units}, biasInitializer, biasRegularizer, biasConstraint, true);
  }

  @Override
  public void build(long[] inputShape) {
    inputSpec.check(name(), 0, inputShape);
    long f = inputShape[2];
    if (f < 0) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": the feature dimension of the inputs must be defined, "
          + "received input with shape " + Config.shapeStr(inputShape));
    }
    long g = (long) gates() * units;
    kernel = addWeight("kernel", new long[] {f, g}, kernelInitializer, kernelRegularizer, kernelConstraint, true);
    recurrentKernel = addWeight("recurrent_kernel", new long[] {units, g}, recurrentInitializer, recurrentRegularizer,
        recurrentConstraint, true);
    if (useBias) {
      bias = makeBias();
    }
    inputSpec = InputSpec.ndim(3).withAxis(-1, f);
  }

  /** The projected input of every step, (batch, steps, gates * units); the bias is added here if it can be. */
  protected Tensor projectInputs(Tensor x) {
    long[] s = x.shape();
    Tensor p = Ops.matmul(Ops.reshape(x, s[0] * s[1], s[2]), kernel);
    if (useBias) {
      p = Ops.biasAdd(p, bias);
    }
    return Ops.reshape(p, s[0], s[1], (long) gates() * units);
  }

  /**
   * One step: the projected input of the step and the states in, the new states out (the output is
   * states[0]). {@code hRecurrent} is states[0] as the recurrent matmul sees it (after recurrent dropout).
   */
  protected abstract Tensor[] step(Tensor xProjected, Tensor[] states, Tensor hRecurrent);

  @Override
  public boolean supportsMasking() {
    return true;
  }

  /** Keras's RNN {@code compute_mask}: the input mask passes on with {@code returnSequences}, else none. */
  @Override
  public Tensor computeMask(Tensor inputs, Tensor mask) {
    return returnSequences ? mask : null;
  }

  @Override
  public Tensor computeMask(List<Tensor> inputs, List<Tensor> masks) {
    return computeMask(inputs.get(0), masks.get(0));
  }

  @Override
  public Tensor call(Tensor inputs, boolean training) {
    return call(inputs, training, (Tensor) null);
  }

  @Override
  public Tensor call(Tensor inputs, boolean training, Tensor mask) {
    requireSingleOutput();
    return run(inputs, null, mask, training).get(0);
  }

  /** A call on [sequences, initial states...] (Keras's {@code initial_state} in a model graph). */
  @Override
  public Tensor call(List<Tensor> inputs, boolean training) {
    return call(inputs, training, java.util.Collections.nCopies(inputs.size(), null));
  }

  @Override
  public Tensor call(List<Tensor> inputs, boolean training, List<Tensor> masks) {
    requireSingleOutput();
    return run(inputs.get(0), inputs.size() > 1 ? inputs.subList(1, inputs.size()) : null, masks.get(0), training).get(0);
  }

  /**
   * Keras's {@code layer(x, initial_state=..., mask=..., training=...)} with {@code return_state}: the
   * output (the last one, or the sequence) followed by the final states (h; or h, c for LSTM).
   * {@code initialState} and {@code mask} may be null.
   */
  public List<Tensor> callWithStates(Tensor inputs, List<Tensor> initialState, Tensor mask, boolean training) {
    long[] shape = inputs.shape();
    ensureBuilt(shape);
    if (inputSpec != null) {
      inputSpec.check(name(), 0, shape);
    }
    return run(inputs, initialState, mask, training);
  }

  private void requireSingleOutput() {
    if (returnState) {
      throw new IllegalArgumentException("Layer \"" + name() + "\": return_state=True gives the output and the states, "
          + "several tensors, which a tapekit model graph does not carry; call callWithStates(...) instead");
    }
  }

  /** The final states a stateful layer holds (copies), or null before its first call. */
  public List<Tensor> states() {
    return heldStates == null ? null : List.of(heldStates);
  }

  /** Keras's {@code reset_states()}: a stateful layer starts from zeros again. */
  public void resetStates() {
    if (!stateful) {
      throw new IllegalStateException("Layer \"" + name() + "\" must be stateful (stateful=True) to reset its states");
    }
    heldStates = null;
  }

  private List<Tensor> run(Tensor inputs, List<Tensor> initialState, Tensor mask, boolean training) {
    Tensor x = castInput(inputs);
    long batch = x.shape()[0];
    // as Keras, a rate of 1 drops nothing (Keras applies dropout for 0 < rate < 1 only)
    if (training && dropout > 0 && dropout < 1) {
      // one mask per sequence, the same at every step, as Keras's DropoutRNNCell
      x = Ops.multiply(x, Ops.expandDims(dropMask(batch, x.shape()[2], dropout), 1));
    }
    List<Tensor> steps = Ops.unstack(projectInputs(x), 1);
    Tensor[] states = initialStates(batch, initialState);
    Tensor recMask = training && recurrentDropout > 0 && recurrentDropout < 1 ? dropMask(batch, units, recurrentDropout) : null;
    List<Tensor> stepMasks = mask == null ? null : Ops.unstack(Ops.expandDims(mask, -1), 1);
    List<Tensor> outputs = returnSequences ? new ArrayList<>(steps.size()) : null;
    Tensor output = null;
    for (int i = 0; i < steps.size(); i++) {
      int t = goBackwards ? steps.size() - 1 - i : i;
      Tensor hRec = recMask == null ? states[0] : Ops.multiply(states[0], recMask);
      Tensor[] next = step(steps.get(t), states, hRec);
      if (stepMasks == null) {
        output = next[0];
        states = next;
      } else {
        // a masked step keeps the previous states; its output is the previous output, or zeros
        Tensor keep = stepMasks.get(t);
        Tensor previous = zeroOutputForMask ? Ops.zerosLike(next[0]) : states[0];
        output = Ops.where(keep, next[0], previous);
        for (int k = 0; k < states.length; k++) {
          next[k] = Ops.where(keep, next[k], states[k]);
        }
        states = next;
      }
      if (outputs != null) {
        outputs.add(output);
      }
    }
    if (stateful) {
      // copies outside any TensorScope and tape: the next call starts from these values
      Tensor[] held = new Tensor[states.length];
      for (int k = 0; k < held.length; k++) {
        held[k] = Tensor.fromINDArray(states[k].array().dup('c'));
      }
      heldStates = held;
    }
    List<Tensor> out = new ArrayList<>();
    out.add(outputs != null ? Ops.stack(outputs, 1) : output);
    out.addAll(List.of(states));
    return out;
  }

  private Tensor[] initialStates(long batch, List<Tensor> given) {
    int n = stateCount();
    if (given != null && !given.isEmpty()) {
      if (given.size() != n) {
        throw new IllegalArgumentException("Layer \"" + name() + "\" expects " + n + " initial state(s), got "
            + given.size());
      }
      Tensor[] out = new Tensor[n];
      for (int k = 0; k < n; k++) {
        long[] s = given.get(k).shape();
        if (s.length != 2 || s[0] != batch || s[1] != units) {
          throw new IllegalArgumentException("Layer \"" + name() + "\": initial state " + k + " must have shape ("
              + batch + ", " + units + "), received " + Config.shapeStr(s));
        }
        out[k] = castInput(given.get(k));
      }
      return out;
    }
    if (stateful && heldStates != null) {
      if (heldStates[0].shape()[0] != batch) {
        throw new IllegalArgumentException("Layer \"" + name() + "\" is stateful with batch size "
            + heldStates[0].shape()[0] + " and received a batch of " + batch + "; a stateful RNN needs a fixed batch size");
      }
      return heldStates.clone();
    }
    Tensor[] out = new Tensor[n];
    for (int k = 0; k < n; k++) {
      out[k] = Tensor.zeros(dtype, batch, units);
    }
    return out;
  }

  /** A dropout mask of ones dropped at {@code rate} and scaled by 1 / (1 - rate). */
  private Tensor dropMask(long batch, long width, double rate) {
    return Ops.dropout(Tensor.ones(dtype, batch, width), rate, seeds.next());
  }

  /** Initial states given in a model graph have shape (batch, units); only the sequence has the 3-D spec. */
  @Override
  protected void checkInputs(List<long[]> shapes) {
    if (inputSpec != null) {
      inputSpec.check(name(), 0, shapes.get(0));
    }
  }

  @Override
  public long[] computeOutputShape(List<long[]> shapes, List<DType> dtypes) {
    requireSingleOutput();
    long[] s = shapes.get(0);
    return returnSequences ? new long[] {s[0], s[1], units} : new long[] {s[0], units};
  }

  public int units() {
    return units;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> m = super.getConfig();
    m.put("return_sequences", returnSequences);
    m.put("return_state", returnState);
    m.put("go_backwards", goBackwards);
    m.put("stateful", stateful);
    m.put("unroll", unroll);
    m.put("zero_output_for_mask", zeroOutputForMask);
    m.put("units", units);
    m.put("activation", activation);
    m.put("use_bias", useBias);
    m.put("kernel_initializer", Initializers.serialize(kernelInitializer));
    m.put("recurrent_initializer", Initializers.serialize(recurrentInitializer));
    m.put("bias_initializer", Initializers.serialize(biasInitializer));
    m.put("kernel_regularizer", Regularizers.serialize(kernelRegularizer));
    m.put("recurrent_regularizer", Regularizers.serialize(recurrentRegularizer));
    m.put("bias_regularizer", Regularizers.serialize(biasRegularizer));
    m.put("activity_regularizer", null);
    m.put("kernel_constraint", Constraints.serialize(kernelConstraint));
    m.put("recurrent_constraint", Constraints.serialize(recurrentConstraint));
    m.put("bias_constraint", Constraints.serialize(biasConstraint));
    m.put("dropout", dropout);
    m.put("recurrent_dropout", recurrentDropout);
    m.put("seed", seed);
    return m;
  }

  /** Keras's recurrent-layer arguments. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<B extends Builder<B>> extends Layer.Builder<B> {
    int units;
    boolean returnSequences;
    boolean goBackwards;
    boolean returnState;
    boolean stateful;
    boolean unroll;
    boolean zeroOutputForMask;
    double dropout;
    double recurrentDropout;
    Long seed;
    String activation = "tanh";
    boolean useBias = true;
    Initializer kernelInitializer = new GlorotUniform();
    Initializer recurrentInitializer = new Orthogonal();
    Initializer biasInitializer = new Zeros();
    Regularizer kernelRegularizer;
    Regularizer recurrentRegularizer;
    Regularizer biasRegularizer;
    Constraint kernelConstraint;
    Constraint recurrentConstraint;
    Constraint biasConstraint;

    public B units(int units) { this.units = units; return (B) this; }
    public B returnSequences(boolean returnSequences) { this.returnSequences = returnSequences; return (B) this; }
    public B goBackwards(boolean goBackwards) { this.goBackwards = goBackwards; return (B) this; }
    /** Keras's {@code return_state}: use {@link BaseRNN#callWithStates} to get the states. */
    public B returnState(boolean returnState) { this.returnState = returnState; return (B) this; }
    /** Keras's {@code stateful}: each call starts from the last call's final states. */
    public B stateful(boolean stateful) { this.stateful = stateful; return (B) this; }
    /** Keras's {@code unroll}; accepted, changes nothing here. */
    public B unroll(boolean unroll) { this.unroll = unroll; return (B) this; }
    /** Keras's {@code zero_output_for_mask}: masked steps output zeros instead of the previous output. */
    public B zeroOutputForMask(boolean z) { this.zeroOutputForMask = z; return (B) this; }
    /** Fraction of the inputs dropped in training. */
    public B dropout(double dropout) { this.dropout = dropout; return (B) this; }
    /** Fraction of the recurrent state dropped (for the recurrent matmul) in training. */
    public B recurrentDropout(double d) { this.recurrentDropout = d; return (B) this; }
    public B seed(Long seed) { this.seed = seed; return (B) this; }
    public B activation(String activation) { this.activation = activation; return (B) this; }
    public B useBias(boolean useBias) { this.useBias = useBias; return (B) this; }
    public B kernelInitializer(Initializer i) { this.kernelInitializer = i; return (B) this; }
    public B recurrentInitializer(Initializer i) { this.recurrentInitializer = i; return (B) this; }
    public B biasInitializer(Initializer i) { this.biasInitializer = i; return (B) this; }
    public B kernelRegularizer(Regularizer r) { this.kernelRegularizer = r; return (B) this; }
    public B recurrentRegularizer(Regularizer r) { this.recurrentRegularizer = r; return (B) this; }
    public B biasRegularizer(Regularizer r) { this.biasRegularizer = r; return (B) this; }
    public B kernelConstraint(Constraint c) { this.kernelConstraint = c; return (B) this; }
    public B recurrentConstraint(Constraint c) { this.recurrentConstraint = c; return (B) this; }
    public B biasConstraint(Constraint c) { this.biasConstraint = c; return (B) this; }

    private void rejectUnsupported(Map<String, Object> c) {
      if (Config.getBool(c, "time_major", false)) {
        throw new IllegalArgumentException("Layer \"" + Config.getString(c, "name", "rnn")
            + "\": time_major=True is not supported; inputs are (batch, timesteps, features)");
      }
    }

    /** Reads Keras's recurrent-layer config. */
    public B rnnConfig(Map<String, Object> c) {
      baseConfig(c);
      units(Config.getInt(c, "units", 0));
      returnSequences(Config.getBool(c, "return_sequences", false));
      goBackwards(Config.getBool(c, "go_backwards", false));
      returnState(Config.getBool(c, "return_state", false));
      stateful(Config.getBool(c, "stateful", false));
      unroll(Config.getBool(c, "unroll", false));
      zeroOutputForMask(Config.getBool(c, "zero_output_for_mask", false));
      dropout(Config.getDouble(c, "dropout", 0));
      recurrentDropout(Config.getDouble(c, "recurrent_dropout", 0));
      seed(Config.getLong(c, "seed"));
      rejectUnsupported(c);
      activation(Config.getString(c, "activation", "tanh"));
      useBias(Config.getBool(c, "use_bias", true));
      if (c.get("kernel_initializer") != null) {
        kernelInitializer(Initializers.deserialize(c.get("kernel_initializer")));
      }
      if (c.get("recurrent_initializer") != null) {
        recurrentInitializer(Initializers.deserialize(c.get("recurrent_initializer")));
      }
      if (c.get("bias_initializer") != null) {
        biasInitializer(Initializers.deserialize(c.get("bias_initializer")));
      }
      kernelRegularizer(Regularizers.deserialize(c.get("kernel_regularizer")));
      recurrentRegularizer(Regularizers.deserialize(c.get("recurrent_regularizer")));
      biasRegularizer(Regularizers.deserialize(c.get("bias_regularizer")));
      kernelConstraint(Constraints.deserialize(c.get("kernel_constraint")));
      recurrentConstraint(Constraints.deserialize(c.get("recurrent_constraint")));
      return biasConstraint(Constraints.deserialize(c.get("bias_constraint")));
    }
  }
}

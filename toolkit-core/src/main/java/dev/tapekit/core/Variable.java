package dev.tapekit.core;

import java.util.function.Consumer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A named, mutable holder of a tensor, like {@code tf.Variable}.
 *
 * <p>Reading a trainable variable under a {@link GradientTape} that watches accessed variables (the
 * default) makes the tape watch it. {@link #assign} and friends install a new value; optimizers update
 * the storage in place through {@link #updateInPlace} for speed, so a tensor read before an optimizer
 * step sees the step's update (copy it with {@link Ops#identity} to keep a snapshot).
 */
public final class Variable implements TensorLike {
  private final String name;
  private final boolean trainable;
  private final DType dtype;
  private final long[] shape;
  private Tensor value;

  /** A trainable variable named "Variable". */
  public Variable(TensorLike initial) {
    this(initial, "Variable", true);
  }

  /** A variable named "Variable" that is trainable or not ({@code tf.Variable(v, trainable=False)}). */
  public Variable(TensorLike initial, boolean trainable) {
    this(initial, "Variable", trainable);
  }

  /** A variable with a name and trainability. */
  public Variable(TensorLike initial, String name, boolean trainable) {
    if (initial == null) {
      throw new IllegalArgumentException("Variable '" + name + "': initial value is null");
    }
    Tensor t = initial instanceof Variable ? ((Variable) initial).value : initial.read();
    this.name = name;
    this.trainable = trainable;
    this.dtype = t.dtype();
    this.shape = t.shape();
    // NOTE: own storage, so in-place updates never touch the caller's tensor.
    this.value = Tensor.wrapOwned(t.array().dup('c'));
  }

  /** A float32 scalar variable. */
  public Variable(double initial) {
    this(Tensor.scalar(initial));
  }

  /** Reads the value: active tapes that watch this variable (or all accessed ones) record the read. */
  @Override
  public Tensor read() {
    Tensor v = value;
    Tapes.onVariableRead(this, v);
    return v;
  }

  /** The current value, recorded as a read like {@link #read()}. */
  public Tensor value() {
    return read();
  }

  /** The current value without notifying tapes: for optimizers, checkpoints and printing. */
  public Tensor peek() {
    return value;
  }

  /** Replaces the value with a copy of {@code newValue}, which must have this variable's shape. */
  public Variable assign(TensorLike newValue) {
    Tensor t = newValue instanceof Variable ? ((Variable) newValue).value : newValue.read();
    checkShape("assign", t.shape());
    value = Tensor.wrapOwned(t.array().castTo(dtype.nd4j()).dup('c'));
    return this;
  }

  /** Adds {@code delta} to the value. */
  public Variable assignAdd(TensorLike delta) {
    Tensor d = delta instanceof Variable ? ((Variable) delta).value : delta.read();
    checkShape("assignAdd", d.shape());
    value = Tensor.wrapOwned(value.array().add(d.array().castTo(dtype.nd4j())));
    return this;
  }

  /** Subtracts {@code delta} from the value. */
  public Variable assignSub(TensorLike delta) {
    Tensor d = delta instanceof Variable ? ((Variable) delta).value : delta.read();
    checkShape("assignSub", d.shape());
    value = Tensor.wrapOwned(value.array().sub(d.array().castTo(dtype.nd4j())));
    return this;
  }

  /** Convenience for scalars: {@code assignAdd(Tensor.scalar(d))} in this variable's dtype. */
  public Variable assignAdd(double delta) {
    value = Tensor.wrapOwned(value.array().add(delta));
    return this;
  }

  /** Convenience for scalars. */
  public Variable assignSub(double delta) {
    value = Tensor.wrapOwned(value.array().sub(delta));
    return this;
  }

  /**
   * Runs {@code update} on the storage array in place and installs a new tensor over it, so later reads
   * are new graph nodes. For optimizers: the array must keep its shape and dtype.
   */
  public void updateInPlace(Consumer<INDArray> update) {
    INDArray storage = value.array();
    update.accept(storage);
    value = Tensor.wrapOwned(storage);
  }

  private void checkShape(String op, long[] got) {
    if (!java.util.Arrays.equals(shape, got)) {
      throw new IllegalArgumentException("Variable '" + name + "'." + op + ": shape " + Shapes.str(got)
          + " does not match the variable's shape " + Shapes.str(shape));
    }
  }

  public String name() {
    return name;
  }

  public boolean trainable() {
    return trainable;
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  @Override
  public DType dtype() {
    return dtype;
  }

  @Override
  public String toString() {
    return "<Variable '" + name + "' shape=" + Shapes.str(shape) + " dtype=" + dtype + ", numpy="
        + Formatting.values(value.array(), dtype) + ">";
  }
}

package dev.tapekit.core;

import dev.tapekit.core.kernels.ArrayPool;
import dev.tapekit.core.kernels.Buffers;
import java.util.function.Consumer;
import java.util.function.Function;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A named, mutable holder of a tensor, like {@code tf.Variable}.
 *
 * <p>Reading a trainable variable under a {@link GradientTape} that watches accessed variables (the
 * default) makes the tape watch it. A read is a snapshot, as in TensorFlow: the {@link Tensor} it returns
 * never changes, whatever later happens to the variable. {@link #assign} and friends install new storage;
 * optimizers update the storage in place through {@link #updateInPlace} only when no live tensor shares
 * it, and otherwise write a copy (copy-on-write). A read is live until the {@link TensorScope} it was made
 * in closes (unless kept), or for ever when it was made outside any scope. See docs/core.md, "Tensors are
 * values".
 */
public final class Variable implements TensorLike {
  private final String name;
  private final boolean trainable;
  private final DType dtype;
  private final long[] shape;
  /** The storage now, with the bookkeeping of who holds tensors over it. */
  private Generation current;

  /**
   * One version of the variable's storage and the tensor that reads of it return. Scopes register the
   * generations read in them and call {@link #releasedBy} when they close.
   */
  static final class Generation {
    final Variable variable;
    final INDArray storage;
    /** The tensor reads return; replaced by a fresh one over the same storage when every holder let go. */
    Tensor value;
    /** Open scopes that hold reads of this generation. */
    int holders;
    /** Handed out where no scope can release it: in-place updates must copy from now on. */
    boolean pinned;
    /** The scope that registered this generation last (a shortcut for its search). */
    TensorScope lastScope;

    Generation(Variable variable, INDArray storage) {
      this.variable = variable;
      this.storage = storage;
      this.value = Tensor.wrapOwned(storage);
    }
  }

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
    Tensor t = valueOf(initial);
    this.name = name;
    this.trainable = trainable;
    this.dtype = t.dtype();
    this.shape = t.shape();
    // NOTE: own storage, so in-place updates never touch the caller's tensor.
    this.current = new Generation(this, t.array().dup('c'));
  }

  /** A float32 scalar variable. */
  public Variable(double initial) {
    this(Tensor.scalar(initial));
  }

  /** Reads the value: active tapes that watch this variable (or all accessed ones) record the read. */
  @Override
  public Tensor read() {
    Tensor v = handOut();
    Tapes.onVariableRead(this, v);
    return v;
  }

  /** The current value, recorded as a read like {@link #read()}. */
  public Tensor value() {
    return read();
  }

  /**
   * The current value without notifying tapes: for checkpoints and printing. Like a read, the tensor
   * is a snapshot that later updates never change.
   */
  public Tensor peek() {
    return handOut();
  }

  /** The current generation's tensor, registered with the open scope (or pinned when there is none). */
  private synchronized Tensor handOut() {
    Generation g = current;
    if (!TensorScope.holdRead(g)) {
      g.pinned = true;
    }
    return g.value;
  }

  /** A scope that registered {@code g} closed; {@code kept} when a tensor over its storage outlives it. */
  synchronized void releasedBy(Generation g, boolean kept, TensorScope parent) {
    if (kept) {
      if (parent == null) {
        g.pinned = true;
      } else {
        parent.holdReadFor(g);
      }
      g.holders--; // the parent (if any) now holds it
      return;
    }
    g.holders--;
    if (g.holders > 0 || g.pinned) {
      return;
    }
    g.value.release();
    if (g == current) {
      g.value = Tensor.wrapOwned(g.storage); // the next reads get a new tensor over the same storage
    } else {
      ArrayPool.give(g.storage); // an old version nobody can reach any more
    }
  }

  /**
   * Runs {@code body} on the live storage without handing out a tensor: for optimizers and savers that
   * only read it during the call. The array must not be written or kept.
   */
  public synchronized <R> R withStorage(Function<INDArray, R> body) {
    return body.apply(current.storage);
  }

  /** Replaces the value with a copy of {@code newValue}, which must have this variable's shape. */
  public Variable assign(TensorLike newValue) {
    Tensor t = valueOf(newValue);
    checkShape("assign", t.shape());
    install(t.array().castTo(dtype.nd4j()).dup('c'));
    return this;
  }

  /** Adds {@code delta} to the value. */
  public Variable assignAdd(TensorLike delta) {
    Tensor d = valueOf(delta);
    checkShape("assignAdd", d.shape());
    INDArray cast = d.array().castTo(dtype.nd4j());
    updateInPlace(w -> w.addi(cast));
    return this;
  }

  /** Subtracts {@code delta} from the value. */
  public Variable assignSub(TensorLike delta) {
    Tensor d = valueOf(delta);
    checkShape("assignSub", d.shape());
    INDArray cast = d.array().castTo(dtype.nd4j());
    updateInPlace(w -> w.subi(cast));
    return this;
  }

  /** Convenience for scalars: {@code assignAdd(Tensor.scalar(d))} in this variable's dtype. */
  public Variable assignAdd(double delta) {
    updateInPlace(w -> w.addi(delta));
    return this;
  }

  /** Convenience for scalars. */
  public Variable assignSub(double delta) {
    updateInPlace(w -> w.subi(delta));
    return this;
  }

  /** The value of an argument; another variable's without recording a read on the tapes. */
  private static Tensor valueOf(TensorLike x) {
    return x instanceof Variable ? ((Variable) x).peek() : x.read();
  }

  private synchronized void install(INDArray storage) {
    current = new Generation(this, storage);
  }

  /**
   * Runs {@code update} on the storage in place, for optimizers: the array must keep its shape and
   * dtype. When a live tensor still shares the storage (a read not yet released), the update goes to a
   * copy that becomes the new storage, so that tensor keeps its value.
   */
  public synchronized void updateInPlace(Consumer<INDArray> update) {
    Generation g = current;
    if (g.pinned || g.holders > 0) {
      INDArray copy = ArrayPool.take(g.storage.dataType(), g.storage.shape());
      Buffers.copy(g.storage, copy);
      g = new Generation(this, copy);
      current = g;
    }
    update.accept(g.storage);
  }

  /** True when the next in-place update will write a copy (a live tensor shares the storage); for tests. */
  synchronized boolean copiesOnNextUpdate() {
    return current.pinned || current.holders > 0;
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
        + withStorage(a -> Formatting.values(a, dtype)) + ">";
  }
}

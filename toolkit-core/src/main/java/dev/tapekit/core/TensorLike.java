package dev.tapekit.core;

/**
 * Anything an op accepts: a {@link Tensor} or a {@link Variable}.
 *
 * <p>{@link #read()} is what ops call: a tensor returns itself, a variable returns its current value and
 * tells the active tapes it was read (TensorFlow's automatic watching of trainable variables). The
 * frequent ops are methods here too ({@code x.square().reduceSum()}), so a variable has them as a
 * tensor has: each is the {@link Ops} method of the same name, reading this value as any op does.
 */
public interface TensorLike {
  /** The value as a tensor, recording a read on active tapes where that matters. */
  Tensor read();

  /** The static shape. */
  long[] shape();

  /** The element type. */
  DType dtype();

  // ---------------------------------------------------------------- frequent ops as methods

  default Tensor add(TensorLike y) { return Ops.add(this, y); }
  default Tensor add(double y) { return Ops.add(this, y); }
  default Tensor sub(TensorLike y) { return Ops.subtract(this, y); }
  default Tensor sub(double y) { return Ops.subtract(this, y); }
  default Tensor mul(TensorLike y) { return Ops.multiply(this, y); }
  default Tensor mul(double y) { return Ops.multiply(this, y); }
  default Tensor div(TensorLike y) { return Ops.divide(this, y); }
  default Tensor div(double y) { return Ops.divide(this, y); }
  default Tensor pow(TensorLike y) { return Ops.pow(this, y); }
  default Tensor pow(double y) { return Ops.pow(this, y); }
  default Tensor neg() { return Ops.negative(this); }
  default Tensor matmul(TensorLike y) { return Ops.matmul(this, y); }
  default Tensor square() { return Ops.square(this); }
  default Tensor sqrt() { return Ops.sqrt(this); }
  default Tensor exp() { return Ops.exp(this); }
  default Tensor log() { return Ops.log(this); }
  default Tensor relu() { return Ops.relu(this); }
  default Tensor sigmoid() { return Ops.sigmoid(this); }
  default Tensor tanh() { return Ops.tanh(this); }
  default Tensor reduceSum() { return Ops.reduceSum(this); }
  default Tensor reduceSum(int... axis) { return Ops.reduceSum(this, axis); }
  default Tensor reduceMean() { return Ops.reduceMean(this); }
  default Tensor reduceMean(int... axis) { return Ops.reduceMean(this, axis); }
  default Tensor reshape(long... shape) { return Ops.reshape(this, shape); }
  default Tensor transpose() { return Ops.transpose(this); }
  default Tensor transpose(int... perm) { return Ops.transpose(this, perm); }
  default Tensor cast(DType to) { return Ops.cast(this, to); }
}

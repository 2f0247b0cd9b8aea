package dev.tapekit.core.kernels;

import java.lang.ref.Reference;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The one way tapekit takes a native address from an array: a view that keeps its owning array
 * reachable until it is closed.
 *
 * <pre>{@code
 * try (NativeView in = NativeView.of(Buffers.rowMajor(x)); NativeView out = NativeView.of(result)) {
 *   cblas_sgemm(..., in.floats(), ..., out.floats(), ...);
 * }
 * }</pre>
 *
 * <p>NOTE: ND4J frees an array's memory when the garbage collector finds its Java wrapper unreachable,
 * and a raw JavaCPP pointer made from the address does not keep the wrapper alive. The JIT may consider
 * a local dead right after its last use, so a temporary (a row-major copy) could be freed while BLAS
 * still reads it: this produced losses of 1e33. {@link #close} ends with
 * {@link Reference#reachabilityFence}, so the owner lives at least until the native calls inside the
 * try block have returned. Pointers from a view must not escape its try block. Nothing else in the
 * project may call {@code addressPointer()} (a test checks the sources).
 */
public final class NativeView implements AutoCloseable {
  private final INDArray owner;
  private final Pointer base;
  /** The pointers the bulk copies below position; made on first use. */
  private FloatPointer floats;
  private IntPointer ints;

  private NativeView(INDArray owner) {
    this.owner = owner;
    this.base = owner.data().addressPointer();
  }

  /** A view of the array's memory from its first element (a view's address already points there). */
  public static NativeView of(INDArray owner) {
    if (!FastKernels.enabled()) {
      throw new IllegalStateException("tapekit's kernels are off (" + FastKernels.PROPERTY
          + "=off or a non-CPU ND4J backend) but an op asked for a host view: it must use ND4J's ops");
    }
    return new NativeView(owner);
  }

  /** The memory as floats, positioned at the first element; valid until this view closes. */
  public FloatPointer floats() {
    return new FloatPointer(base);
  }

  /** The memory as ints (the raw bits of float32 elements); valid until this view closes. */
  public IntPointer ints() {
    return new IntPointer(base);
  }

  /** The memory as doubles; valid until this view closes. */
  public DoublePointer doubles() {
    return new DoublePointer(base);
  }

  /** Copies every byte of {@code from} (dense, of this view's dtype and length) into this view's memory. */
  public void copyFrom(NativeView from, long bytes) {
    Pointer.memcpy(base, from.base, bytes);
    Reference.reachabilityFence(owner);
    Reference.reachabilityFence(from.owner);
  }

  /** Copies {@code len} float elements from element {@code start} into {@code into[0..len)}. */
  public float[] read(long start, float[] into, int len) {
    copies().position(start).get(into, 0, len);
    Reference.reachabilityFence(owner);
    return into;
  }

  /** Copies {@code from[0..len)} to the float elements from {@code start}. */
  public void write(long start, float[] from, int len) {
    copies().position(start).put(from, 0, len);
    Reference.reachabilityFence(owner);
  }

  /** Copies {@code len} raw 32-bit elements from element {@code start} into {@code into[0..len)}. */
  public int[] readInts(long start, int[] into, int len) {
    intCopies().position(start).get(into, 0, len);
    Reference.reachabilityFence(owner);
    return into;
  }

  /** Copies {@code from[0..len)} to the raw 32-bit elements from {@code start}. */
  public void writeInts(long start, int[] from, int len) {
    intCopies().position(start).put(from, 0, len);
    Reference.reachabilityFence(owner);
  }

  /** Copies {@code from[0..len)} to the double elements from {@code start}. */
  public void writeDoubles(long start, double[] from, int len) {
    doubles().position(start).put(from, 0, len);
    Reference.reachabilityFence(owner);
  }

  private FloatPointer copies() {
    if (floats == null) {
      floats = new FloatPointer(base);
    }
    return floats;
  }

  private IntPointer intCopies() {
    if (ints == null) {
      ints = new IntPointer(base);
    }
    return ints;
  }

  @Override
  public void close() {
    Reference.reachabilityFence(owner);
  }
}

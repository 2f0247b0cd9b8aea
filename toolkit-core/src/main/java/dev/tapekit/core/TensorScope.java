package dev.tapekit.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import dev.tapekit.core.kernels.ArrayPool;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Frees the off-heap memory of the tensors ops create inside it, when it closes — like DJL's
 * {@code NDScope}. ND4J frees an array's memory only when the garbage collector gets to its Java
 * wrapper, which under a training loop's allocation rate lets off-heap memory grow by gigabytes; a
 * scope per training step keeps it flat.
 *
 * <pre>{@code
 * try (TensorScope scope = TensorScope.open()) {
 *   ... forward, tape.gradient, optimizer.applyGradients ...
 *   double loss = lossTensor.doubleValue();   // read what you need before the scope closes
 * }
 * }</pre>
 *
 * <p>Op outputs and variable reads are tracked (not {@code Tensor.of}/{@code zeros} factories). Tensors
 * that must outlive the scope are passed to {@link #keep}; a kept tensor of a nested scope is handed to
 * the enclosing scope. Using a released tensor throws an {@link IllegalStateException}. Releasing the
 * step's reads is what lets an optimizer update a variable's storage in place (see {@link Variable}):
 * update after the scope that computed the gradients closed, or the update writes a copy.
 *
 * <p>Released memory goes to a per-thread pool (see {@code kernels.ArrayPool}) that the next step's ops
 * draw their outputs from, so a steady training loop allocates almost nothing.
 */
public final class TensorScope implements AutoCloseable {
  private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

  private final TensorScope parent;
  private final ArrayList<Tensor> created = new ArrayList<>();
  /** Root buffers of the kept tensors; made on the first keep (most scopes keep nothing or little). */
  private Set<DataBuffer> kept;
  /** Variable versions read in this scope (each counted once in its holders). */
  private final ArrayList<Variable.Generation> reads = new ArrayList<>();
  private boolean closed;

  private TensorScope(TensorScope parent) {
    this.parent = parent;
  }

  /** Opens a scope on this thread, nested in the current one if any. */
  public static TensorScope open() {
    TensorScope s = new TensorScope(CURRENT.get());
    CURRENT.set(s);
    return s;
  }

  /** Keeps a tensor (and every view sharing its memory) alive past this scope; returns it. */
  public <T extends TensorLike> T keep(T t) {
    if (t instanceof Tensor) {
      if (kept == null) {
        kept = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      kept.add(root(((Tensor) t).array()));
    }
    return t;
  }

  /**
   * Registers a variable read with the thread's open scope; false when there is none (the read can
   * then never be released). Called with the variable's lock held.
   */
  static boolean holdRead(Variable.Generation g) {
    TensorScope s = CURRENT.get();
    if (s == null) {
      return false;
    }
    s.holdReadFor(g);
    return true;
  }

  /** Makes this scope a holder of {@code g}, once. Called with the variable's lock held. */
  void holdReadFor(Variable.Generation g) {
    // NOTE: a step reads each variable once or a few times in one scope, so the last scope to register a
    // generation answers almost every call without a search
    if (g.lastScope == this || reads.contains(g)) {
      return;
    }
    g.lastScope = this;
    reads.add(g);
    g.holders++;
  }

  static void track(Tensor t) {
    TensorScope s = CURRENT.get();
    if (s != null) {
      s.created.add(t);
    }
  }

  private static DataBuffer root(INDArray a) {
    DataBuffer b = a.data();
    DataBuffer original = b.originalDataBuffer();
    return original != null ? original : b;
  }

  /** Releases what was created in the scope and not kept. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (CURRENT.get() == this) {
      CURRENT.set(parent);
    }
    IdentityHashMap<INDArray, Boolean> given = GIVEN.get();
    for (Tensor t : created) {
      INDArray a = t.array();
      if (isKept(a)) {
        if (parent != null) {
          parent.created.add(t);
        }
        continue;
      }
      // NOTE: views and aliases of other memory (a variable's) are released too: the memory stays, but
      // the variable may be updated in place once its reads are released, and they must not see that.
      t.release();
      // Memory this scope owns: the non-view arrays its ops made (once each, should two tensors wrap one)
      if (t.ownsMemory() && !a.isView() && given.put(a, Boolean.TRUE) == null) {
        ArrayPool.give(a); // reused by the next step's ops, or freed
      }
    }
    given.clear();
    created.clear();
    for (Variable.Generation g : reads) {
      g.variable.releasedBy(g, isKept(g.storage), parent);
    }
    reads.clear();
  }

  /** Arrays given back by the close in progress (reused: a step closes scopes at a high rate). */
  private static final ThreadLocal<IdentityHashMap<INDArray, Boolean>> GIVEN =
      ThreadLocal.withInitial(IdentityHashMap::new);

  private boolean isKept(INDArray a) {
    return kept != null && kept.contains(root(a));
  }

  /** Number of arrays tracked so far; for tests and diagnostics. */
  int tracked() {
    return created.size();
  }
}

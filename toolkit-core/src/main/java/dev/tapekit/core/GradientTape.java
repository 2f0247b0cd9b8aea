package dev.tapekit.core;

import dev.tapekit.core.backend.Denormals;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records operations for automatic differentiation, with {@code tf.GradientTape}'s semantics.
 *
 * <pre>{@code
 * Variable x = new Variable(3.0);
 * try (GradientTape tape = new GradientTape()) {
 *   Tensor y = Ops.square(x);
 *   Tensor dyDx = tape.gradient(y, x);   // Tensor(6.0, shape=(), dtype=float32)
 * }
 * }</pre>
 *
 * <p>Recording starts at construction and stops at {@link #close()}; gradients may be taken inside the
 * block or after it, and {@link #resume()} records again (TensorFlow's second {@code with tape:}).
 * Trainable variables read while recording are watched when {@code watchAccessedVariables} is on; tensors only when {@link #watch}ed. A non-persistent tape computes one
 * set of gradients. Tapes nest: gradient rules are tapekit ops, so an outer tape records an inner
 * tape's backward pass and differentiates it again.
 */
public final class GradientTape extends Recorder implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GradientTape.class);
  private static boolean warnedPersistentInside;

  private final boolean persistent;
  private final boolean watchAccessedVariables;
  private final Set<Tensor> watched = Collections.newSetFromMap(new IdentityHashMap<>());
  private final LinkedHashMap<Variable, ArrayList<Tensor>> variableReads = new LinkedHashMap<>();
  private final ArrayList<Node> nodes = new ArrayList<>();
  /** On the thread's recording stack. */
  private boolean recording;
  /** Inside a recording block (the constructor's or a {@link #resume()}'s), maybe paused. */
  private boolean open;
  /** Counts blocks, so a handle from an earlier block cannot act on a later one. */
  private int block;
  private boolean used;

  /** A non-persistent tape watching accessed trainable variables. */
  public GradientTape() {
    this(false, true);
  }

  /** A tape that may compute several sets of gradients when {@code persistent}. */
  public GradientTape(boolean persistent) {
    this(persistent, true);
  }

  /** A tape; with {@code watchAccessedVariables} off only what {@link #watch} names is tracked. */
  public GradientTape(boolean persistent, boolean watchAccessedVariables) {
    this.persistent = persistent;
    this.watchAccessedVariables = watchAccessedVariables;
    startBlock();
  }

  /** A persistent tape watching accessed trainable variables: {@code tf.GradientTape(persistent=True)}. */
  public static GradientTape persistent() {
    return new GradientTape(true, true);
  }

  /** Options by name: {@code GradientTape.builder().persistent(true).watchAccessedVariables(false).build()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Names a tape's options; TensorFlow's defaults (not persistent, watching accessed variables). */
  public static final class Builder {
    private boolean persistent;
    private boolean watchAccessedVariables = true;

    private Builder() {}

    /** Whether the tape may compute several sets of gradients. */
    public Builder persistent(boolean persistent) {
      this.persistent = persistent;
      return this;
    }

    /** Whether trainable variables read while recording are watched automatically. */
    public Builder watchAccessedVariables(boolean watchAccessedVariables) {
      this.watchAccessedVariables = watchAccessedVariables;
      return this;
    }

    /** The tape, recording from now on, as the constructor's. */
    public GradientTape build() {
      return new GradientTape(persistent, watchAccessedVariables);
    }
  }

  // ---------------------------------------------------------------- recording

  /** Watches tensors or variables, so gradients with respect to them can be taken. */
  public void watch(TensorLike... sources) {
    for (TensorLike s : sources) {
      if (s == null) {
        throw new IllegalArgumentException("GradientTape.watch: source is null");
      }
      if (!s.dtype().isFloating()) {
        LOG.warn("The dtype of the watched tensor must be floating (e.g. tf.float32), got tf.{}", s.dtype());
      }
      if (s instanceof Variable) {
        Variable v = (Variable) s;
        variableReads.computeIfAbsent(v, k -> new ArrayList<>(1));
        addRead(v, v.peek());
      } else {
        watched.add(s.read());
      }
    }
  }

  /** Variables this tape watches, explicitly or by reading them, in the order they were first watched. */
  public List<Variable> watchedVariables() {
    return List.copyOf(variableReads.keySet());
  }

  /**
   * Pauses recording until the returned handle is closed, like {@code tape.stop_recording()}. Closing
   * the handle again, or after the tape's block ended, does nothing.
   *
   * @throws IllegalStateException when the tape is not recording
   */
  public Pause stopRecording() {
    if (!recording) {
      throw new IllegalStateException("Tape must be recording.");
    }
    Tapes.remove(this);
    recording = false;
    return new Handle(true);
  }

  /**
   * Records again until the returned handle is closed, like entering {@code with tape:} a second time:
   * ops recorded in every block contribute to the gradients. As in TensorFlow, a non-persistent tape
   * that already computed its gradients starts afresh (its earlier recording is gone, and it may
   * compute one new set of gradients).
   *
   * @throws IllegalStateException while the tape is still in a block
   */
  public Recording resume() {
    if (open) {
      throw new IllegalStateException(
          "Tape is still recording, This can happen if you try to re-enter an already-active tape.");
    }
    if (used && !persistent) {
      reset(); // TensorFlow's _push_tape: the used tape was dropped, so a new one is pushed
    }
    startBlock();
    return new Handle(false);
  }

  /** Forgets everything recorded, as if this tape had just been made. */
  public void reset() {
    nodes.clear();
    watched.clear();
    variableReads.clear();
    used = false;
  }

  /** Stops recording (ends the current block); gradients can still be taken afterwards. */
  @Override
  public void close() {
    if (recording) {
      Tapes.remove(this);
      recording = false;
    }
    open = false;
  }

  private void startBlock() {
    block++;
    open = true;
    recording = true;
    Tapes.push(this);
  }

  /** Handle returned by {@link #stopRecording()}; closing it resumes recording. */
  @FunctionalInterface
  public interface Pause extends AutoCloseable {
    @Override
    void close();
  }

  /** Handle returned by {@link #resume()}; closing it stops recording. */
  @FunctionalInterface
  public interface Recording extends AutoCloseable {
    @Override
    void close();
  }

  /** A pause or a resumed block; it acts on its own block only, and once. */
  private final class Handle implements Pause, Recording {
    private final int handleBlock = block;
    private final boolean pause;
    private boolean closed;

    Handle(boolean pause) {
      this.pause = pause;
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (handleBlock != block || !open) {
        return; // its block already ended
      }
      if (!pause) {
        GradientTape.this.close();
      } else if (!recording) {
        recording = true;
        Tapes.push(GradientTape.this);
      }
    }
  }

  @Override
  boolean watchesAny(Tensor[] inputs) {
    for (Tensor t : inputs) {
      if (watched.contains(t)) {
        return true;
      }
    }
    return false;
  }

  @Override
  void add(Node node, int depth) {
    nodes.add(node);
    for (Tensor out : node.outputs) {
      if (out.dtype().isFloating()) {
        watched.add(out);
      }
    }
  }

  @Override
  void variableRead(Variable v, Tensor value) {
    ArrayList<Tensor> reads = variableReads.get(v);
    if (reads == null) {
      if (!watchAccessedVariables || !v.trainable()) {
        return;
      }
      reads = new ArrayList<>(1);
      variableReads.put(v, reads);
    }
    addRead(v, value);
  }

  private void addRead(Variable v, Tensor value) {
    ArrayList<Tensor> reads = variableReads.get(v);
    if (reads.isEmpty() || reads.get(reads.size() - 1) != value) {
      if (!reads.contains(value)) {
        reads.add(value);
      }
    }
    if (value.dtype().isFloating()) {
      watched.add(value);
    }
  }

  // ---------------------------------------------------------------- gradients
  //
  // TensorFlow's tape.gradient(target, sources, output_gradients, unconnected_gradients) over Java's
  // structures: a target is one tensor, a list or a map (their sum is differentiated); sources are one,
  // a list or a map (the result has the same structure). Unconnected sources get null, or zeros.

  /** The gradient of {@code target} (summed if not scalar) with respect to one source, or null. */
  public Tensor gradient(Tensor target, TensorLike source) {
    return gradient(target, source, UnconnectedGradients.NONE);
  }

  /** As {@link #gradient(Tensor, TensorLike)}, choosing what an unconnected source gets. */
  public Tensor gradient(Tensor target, TensorLike source, UnconnectedGradients unconnected) {
    return gradient(single(target), source, unconnected);
  }

  /** Gradients for a list of sources, in the same order; unconnected ones are null. */
  public List<Tensor> gradient(Tensor target, List<? extends TensorLike> sources) {
    return gradient(target, sources, UnconnectedGradients.NONE);
  }

  /** Gradients for a list of sources with a choice for unconnected ones. */
  public List<Tensor> gradient(Tensor target, List<? extends TensorLike> sources,
      UnconnectedGradients unconnected) {
    return gradient(single(target), sources, unconnected);
  }

  /** Gradients for a map of sources, keyed like it (order kept); unconnected ones map to null. */
  public <K> Map<K, Tensor> gradient(Tensor target, Map<K, ? extends TensorLike> sources) {
    return gradient(target, sources, UnconnectedGradients.NONE);
  }

  /** Gradients for a map of sources with a choice for unconnected ones. */
  public <K> Map<K, Tensor> gradient(Tensor target, Map<K, ? extends TensorLike> sources,
      UnconnectedGradients unconnected) {
    return gradient(single(target), sources, unconnected);
  }

  /** The vector-Jacobian product with {@code outputGradient} (of the target's shape; null for ones). */
  public Tensor gradient(Tensor target, TensorLike source, Tensor outputGradient) {
    return run(single(target), Collections.singletonList(outputGradient), single(source),
        UnconnectedGradients.NONE).get(0);
  }

  /** The gradient of the sum of several targets (each summed), like {@code tape.gradient([y1, y2], x)}. */
  public Tensor gradient(List<Tensor> targets, TensorLike source) {
    return gradient(targets, source, UnconnectedGradients.NONE);
  }

  /** As {@link #gradient(List, TensorLike)}, choosing what an unconnected source gets. */
  public Tensor gradient(List<Tensor> targets, TensorLike source, UnconnectedGradients unconnected) {
    return run(targets, null, single(source), unconnected).get(0);
  }

  /** Gradients of the sum of several targets for a list of sources. */
  public List<Tensor> gradient(List<Tensor> targets, List<? extends TensorLike> sources) {
    return gradient(targets, sources, null, UnconnectedGradients.NONE);
  }

  /** Gradients of the sum of several targets, choosing what unconnected sources get. */
  public List<Tensor> gradient(List<Tensor> targets, List<? extends TensorLike> sources,
      UnconnectedGradients unconnected) {
    return gradient(targets, sources, null, unconnected);
  }

  /**
   * Gradients of the sum of several targets, each weighted by its output gradient (TensorFlow's {@code
   * output_gradients}: one per target, of its shape, or null for ones).
   */
  public List<Tensor> gradient(List<Tensor> targets, List<? extends TensorLike> sources,
      List<Tensor> outputGradients) {
    return gradient(targets, sources, outputGradients, UnconnectedGradients.NONE);
  }

  /** Weighted gradients of several targets with a choice for unconnected sources. */
  public List<Tensor> gradient(List<Tensor> targets, List<? extends TensorLike> sources,
      List<Tensor> outputGradients, UnconnectedGradients unconnected) {
    return run(targets, outputGradients, sources, unconnected);
  }

  /** Gradients of the sum of several targets for a map of sources, keyed like it. */
  public <K> Map<K, Tensor> gradient(List<Tensor> targets, Map<K, ? extends TensorLike> sources) {
    return gradient(targets, sources, UnconnectedGradients.NONE);
  }

  /** As {@link #gradient(List, Map)}, choosing what unconnected sources get. */
  public <K> Map<K, Tensor> gradient(List<Tensor> targets, Map<K, ? extends TensorLike> sources,
      UnconnectedGradients unconnected) {
    if (sources == null) {
      throw new IllegalArgumentException("gradient: sources is null");
    }
    List<K> keys = new ArrayList<>(sources.keySet());
    List<Tensor> grads = run(targets, null, new ArrayList<>(sources.values()), unconnected);
    Map<K, Tensor> out = new LinkedHashMap<>();
    for (int i = 0; i < keys.size(); i++) {
      out.put(keys.get(i), grads.get(i));
    }
    return out;
  }

  /** The gradient of the sum of a map's targets (a dict of losses, say) with respect to one source. */
  public Tensor gradient(Map<?, Tensor> targets, TensorLike source) {
    return gradient(values(targets), source, UnconnectedGradients.NONE);
  }

  /** As {@link #gradient(Map, TensorLike)}, choosing what an unconnected source gets. */
  public Tensor gradient(Map<?, Tensor> targets, TensorLike source, UnconnectedGradients unconnected) {
    return gradient(values(targets), source, unconnected);
  }

  /** Gradients of the sum of a map's targets for a list of sources. */
  public List<Tensor> gradient(Map<?, Tensor> targets, List<? extends TensorLike> sources) {
    return gradient(values(targets), sources, null, UnconnectedGradients.NONE);
  }

  /** As {@link #gradient(Map, List)}, choosing what unconnected sources get. */
  public List<Tensor> gradient(Map<?, Tensor> targets, List<? extends TensorLike> sources,
      UnconnectedGradients unconnected) {
    return gradient(values(targets), sources, null, unconnected);
  }

  /** Gradients of the sum of a map's targets for a map of sources, keyed like the sources. */
  public <K> Map<K, Tensor> gradient(Map<?, Tensor> targets, Map<K, ? extends TensorLike> sources) {
    return gradient(values(targets), sources, UnconnectedGradients.NONE);
  }

  /** As {@link #gradient(Map, Map)}, choosing what unconnected sources get. */
  public <K> Map<K, Tensor> gradient(Map<?, Tensor> targets, Map<K, ? extends TensorLike> sources,
      UnconnectedGradients unconnected) {
    return gradient(values(targets), sources, unconnected);
  }

  /** A one-element list that may hold null (checked with a clear message later, unlike List.of). */
  private static <T> List<T> single(T t) {
    return Collections.singletonList(t);
  }

  private static List<Tensor> values(Map<?, Tensor> targets) {
    if (targets == null) {
      throw new IllegalArgumentException("gradient: targets is null");
    }
    return new ArrayList<>(targets.values());
  }

  private List<Tensor> run(List<Tensor> targets, List<Tensor> outputGradients,
      List<? extends TensorLike> sources, UnconnectedGradients unconnected) {
    checkTargets("gradient", targets);
    checkSources("gradient", sources);
    beginGradient();
    try (Denormals.Scope flush = Denormals.flush()) { // as TensorFlow: no subnormal slow paths
      return backward(targets, outputGradients, sources, unconnected);
    } finally {
      endGradient();
    }
  }

  private static final String NULL_TARGET_HINT = " (an inner tape's gradient is null when its target does "
      + "not depend on the source, e.g. a tensor that was not watched)";

  /** Rejects null targets before the tape is used, naming the first. */
  private static void checkTargets(String what, List<Tensor> targets) {
    if (targets == null) {
      throw new IllegalArgumentException(what + ": targets is null");
    }
    for (int i = 0; i < targets.size(); i++) {
      if (targets.get(i) == null) {
        throw new IllegalArgumentException(what + ": target" + (targets.size() == 1 ? "" : " " + i)
            + " is null" + NULL_TARGET_HINT);
      }
    }
  }

  private static void checkSources(String what, List<? extends TensorLike> sources) {
    if (sources == null) {
      throw new IllegalArgumentException(what + ": sources is null");
    }
    for (int i = 0; i < sources.size(); i++) {
      if (sources.get(i) == null) {
        throw new IllegalArgumentException(what + ": source" + (sources.size() == 1 ? "" : " " + i) + " is null");
      }
    }
  }

  private void beginGradient() {
    if (used && !persistent) {
      throw new IllegalStateException(
          "A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians)");
    }
    if (!persistent) {
      close(); // ends the block, paused or not: this tape records nothing more
    } else if (recording && !warnedPersistentInside) {
      warnedPersistentInside = true;
      LOG.warn("Calling GradientTape.gradient on a persistent tape inside its context is significantly less "
          + "efficient than calling it outside the context (it causes the gradient ops to be recorded on the "
          + "tape, leading to increased CPU and memory usage). Only call GradientTape.gradient inside the "
          + "context if you actually want to trace the gradient in order to compute higher order derivatives.");
    }
  }

  private void endGradient() {
    used = true;
    if (!persistent) {
      // NOTE: a non-persistent tape is done; drop what it saved so the memory can go.
      nodes.clear();
      nodes.trimToSize();
      watched.clear();
    }
  }

  /** The tensors that stand for each source (a variable: every read of it this tape saw). */
  private List<List<Tensor>> sourceTensors(List<? extends TensorLike> sources) {
    List<List<Tensor>> out = new ArrayList<>(sources.size());
    for (TensorLike s : sources) {
      List<Tensor> ts;
      if (!s.dtype().isFloating()) {
        LOG.warn("The dtype of the source tensor must be floating (e.g. tf.float32) when calling "
            + "GradientTape.gradient, got tf.{}", s.dtype());
        ts = List.of();
      } else if (s instanceof Variable) {
        ArrayList<Tensor> reads = variableReads.get(s);
        ts = reads == null ? List.of() : reads;
      } else {
        Tensor t = s.read();
        ts = watched.contains(t) ? List.of(t) : List.of();
      }
      out.add(ts);
    }
    return out;
  }

  /**
   * Forward sweep (TensorFlow's pruning): adds to {@code relevant} every output of a node that leads
   * from it, marking those nodes live.
   */
  private boolean[] sweep(Set<Tensor> relevant) {
    int n = nodes.size();
    boolean[] live = new boolean[n];
    for (int i = 0; i < n; i++) {
      for (Tensor in : nodes.get(i).inputs) {
        if (relevant.contains(in)) {
          live[i] = true;
          Collections.addAll(relevant, nodes.get(i).outputs);
          break;
        }
      }
    }
    return live;
  }

  /** True when {@code target} depends on {@code source} through the recorded ops. */
  private boolean connected(Tensor target, TensorLike source) {
    Set<Tensor> relevant = Collections.newSetFromMap(new IdentityHashMap<>());
    relevant.addAll(sourceTensors(List.of(source)).get(0));
    sweep(relevant);
    return target.dtype().isFloating() && relevant.contains(target);
  }

  /** Reverse-mode sweep over the recorded nodes; the heart of the tape. */
  List<Tensor> backward(List<Tensor> targets, List<Tensor> outputGradients,
      List<? extends TensorLike> sources, UnconnectedGradients unconnected) {
    if (outputGradients != null && outputGradients.size() != targets.size()) {
      throw new IllegalArgumentException("gradient: got " + outputGradients.size()
          + " output gradients for " + targets.size() + " targets");
    }
    List<List<Tensor>> sourceTensors = sourceTensors(sources);
    Set<Tensor> relevant = Collections.newSetFromMap(new IdentityHashMap<>());
    for (List<Tensor> ts : sourceTensors) {
      relevant.addAll(ts);
    }
    int n = nodes.size();
    boolean[] live = sweep(relevant);
    IdentityHashMap<Tensor, Tensor> grads = new IdentityHashMap<>();
    for (int i = 0; i < targets.size(); i++) {
      Tensor target = targets.get(i);
      if (!target.dtype().isFloating()) {
        LOG.warn("The dtype of the target tensor must be floating (e.g. tf.float32) when calling "
            + "GradientTape.gradient, got tf.{}", target.dtype());
        continue;
      }
      Tensor seed = outputGradients == null || outputGradients.get(i) == null
          ? Ops.onesLike(target) : outputGradients.get(i);
      if (!Arrays.equals(seed.shape(), target.shape())) {
        throw new IllegalArgumentException("gradient: output gradient of shape " + Shapes.str(seed.shape())
            + " does not match target of shape " + Shapes.str(target.shape()));
      }
      if (relevant.contains(target)) {
        grads.merge(target, seed, Ops::add);
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      if (!live[i]) {
        continue;
      }
      Node node = nodes.get(i);
      Tensor[] upstream = new Tensor[node.outputs.length];
      boolean any = false;
      for (int k = 0; k < upstream.length; k++) {
        upstream[k] = grads.get(node.outputs[k]);
        any |= upstream[k] != null;
      }
      if (!any) {
        continue;
      }
      if (node.rule == null) {
        throw new UnsupportedOperationException("No gradient defined for operation '" + node.op + "'");
      }
      for (int k = 0; k < upstream.length; k++) {
        if (upstream[k] == null) {
          upstream[k] = Ops.zerosLike(node.outputs[k]);
        }
      }
      boolean[] needed = new boolean[node.inputs.length];
      for (int j = 0; j < needed.length; j++) {
        needed[j] = relevant.contains(node.inputs[j]) && node.inputs[j].dtype().isFloating();
      }
      boolean[] saved = GradFn.Needs.CURRENT.get();
      GradFn.Needs.CURRENT.set(needed);
      Tensor[] inGrads;
      try {
        inGrads = node.rule.apply(upstream);
      } finally {
        GradFn.Needs.CURRENT.set(saved);
      }
      for (int j = 0; j < node.inputs.length; j++) {
        Tensor in = node.inputs[j];
        Tensor g = inGrads[j];
        if (g == null || !relevant.contains(in) || !in.dtype().isFloating()) {
          continue;
        }
        if (!Arrays.equals(g.shape(), in.shape())) {
          throw new IllegalStateException("Gradient rule of '" + node.op + "' returned shape "
              + Shapes.str(g.shape()) + " for input " + j + " of shape " + Shapes.str(in.shape()));
        }
        grads.merge(in, g, Ops::add);
      }
    }
    List<Tensor> result = new ArrayList<>(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      Tensor sum = null;
      for (Tensor t : sourceTensors.get(i)) {
        Tensor g = grads.get(t);
        if (g != null) {
          sum = sum == null ? g : Ops.add(sum, g);
        }
      }
      if (sum == null && unconnected == UnconnectedGradients.ZERO) {
        TensorLike s = sources.get(i);
        sum = Tensor.zeros(s.dtype(), s.shape());
      }
      result.add(sum);
    }
    return result;
  }

  // ---------------------------------------------------------------- jacobians

  /**
   * The full Jacobian: shape {@code target.shape + source.shape}; null when unconnected. One backward
   * pass per target element.
   */
  public Tensor jacobian(Tensor target, TensorLike source) {
    return jacobian(target, source, UnconnectedGradients.NONE);
  }

  /** The Jacobian with a choice for an unconnected source. */
  public Tensor jacobian(Tensor target, TensorLike source, UnconnectedGradients unconnected) {
    checkTargets("jacobian", single(target));
    checkSources("jacobian", single(source));
    beginGradient();
    try {
      long n = target.size();
      if (n == 0 || Shapes.size(source.shape()) == 0) {
        return empty(target, source, concat(target.shape(), source.shape()), unconnected);
      }
      List<Tensor> rows = new ArrayList<>();
      boolean connected = false;
      for (long k = 0; k < n; k++) {
        Tensor seed = Ops.reshape(Ops.oneHot(Tensor.ofLongs(new long[] {k}, new long[0]), (int) n, 1.0, 0.0,
            target.dtype()), target.shape());
        Tensor g = backward(List.of(target), List.of(seed), List.of(source), UnconnectedGradients.NONE).get(0);
        connected |= g != null;
        rows.add(g == null ? Tensor.zeros(source.dtype(), source.shape()) : g);
      }
      if (!connected && unconnected == UnconnectedGradients.NONE) {
        return null;
      }
      return Ops.reshape(Ops.stack(rows, 0), concat(target.shape(), source.shape()));
    } finally {
      endGradient();
    }
  }

  /**
   * Per-example Jacobians for targets and sources whose first axis is a batch and whose examples are
   * independent: shape {@code [batch] + target.shape[1:] + source.shape[1:]}.
   */
  public Tensor batchJacobian(Tensor target, TensorLike source) {
    return batchJacobian(target, source, UnconnectedGradients.NONE);
  }

  /** {@link #batchJacobian(Tensor, TensorLike)} with a choice for an unconnected source. */
  public Tensor batchJacobian(Tensor target, TensorLike source, UnconnectedGradients unconnected) {
    checkTargets("batchJacobian", single(target));
    checkSources("batchJacobian", single(source));
    long[] ts = target.shape();
    long[] ss = source.shape();
    if (ts.length == 0 || ss.length == 0 || ts[0] != ss[0]) {
      throw new IllegalArgumentException("batchJacobian: target " + Shapes.str(ts) + " and source "
          + Shapes.str(ss) + " need the same first (batch) dimension");
    }
    beginGradient();
    try {
      long batch = ts[0];
      long inner = Shapes.size(ts) / Math.max(batch, 1);
      long srcInner = Shapes.size(ss) / Math.max(batch, 1);
      long[] tail = concat(Arrays.copyOfRange(ts, 1, ts.length), Arrays.copyOfRange(ss, 1, ss.length));
      long[] shape = concat(new long[] {batch}, tail);
      if (batch == 0 || inner == 0 || srcInner == 0) {
        return empty(target, source, shape, unconnected);
      }
      List<Tensor> cols = new ArrayList<>();
      boolean connected = false;
      for (long j = 0; j < inner; j++) {
        Tensor column = Ops.oneHot(Tensor.ofLongs(new long[] {j}, new long[0]), (int) inner, 1.0, 0.0, target.dtype());
        Tensor seed = Ops.reshape(Ops.broadcastTo(column, new long[] {batch, inner}), ts);
        Tensor g = backward(List.of(target), List.of(seed), List.of(source), UnconnectedGradients.NONE).get(0);
        connected |= g != null;
        cols.add(g == null ? Tensor.zeros(source.dtype(), batch, srcInner) : Ops.reshape(g, batch, srcInner));
      }
      if (!connected && unconnected == UnconnectedGradients.NONE) {
        return null;
      }
      return Ops.reshape(Ops.stack(cols, 1), shape);
    } finally {
      endGradient();
    }
  }

  /**
   * A Jacobian with no elements (an empty target or source): there is no backward pass to run, so
   * connectedness comes from the recorded graph, as TensorFlow's (an empty tensor, or None).
   */
  private Tensor empty(Tensor target, TensorLike source, long[] shape, UnconnectedGradients unconnected) {
    if (unconnected == UnconnectedGradients.NONE && !connected(target, source)) {
      return null;
    }
    return Tensor.zeros(source.dtype(), shape);
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** Number of recorded ops; for tests and diagnostics. */
  int recordedOps() {
    return nodes.size();
  }

  boolean isRecording() {
    return recording;
  }

  boolean isPersistent() {
    return persistent;
  }
}

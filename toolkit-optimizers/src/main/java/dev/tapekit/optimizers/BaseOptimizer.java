package dev.tapekit.optimizers;

import dev.tapekit.core.backend.Denormals;
import dev.tapekit.core.LearningRateSchedule;
import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.TensorLike;
import dev.tapekit.core.Variable;
import dev.tapekit.optimizers.schedules.Schedules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keras 3's optimizer pipeline ({@code keras/src/optimizers/base_optimizer.py}), shared by every
 * optimizer. One {@link #applyGradients} call does, in Keras's order:
 *
 * <ol>
 *   <li>drop null gradients (warning "Gradients do not exist for variables [...]"; all null throws);
 *   <li>divide by {@code loss_scale_factor};
 *   <li>with {@code gradient_accumulation_steps = n}: add to the accumulator, and on every n-th call
 *       use {@code (g + acc) / n} for the steps below, then zero the accumulator;
 *   <li>clip: {@code clipnorm} (per gradient: {@code g * c / max(||g||, c)}), {@code global_clipnorm}
 *       ({@code g * c * min(1/||all||, 1/c)}) or {@code clipvalue} ({@code clip(g, -c, c)});
 *   <li>decoupled weight decay: {@code var -= var * weight_decay * lr};
 *   <li>the optimizer's own update step with {@code lr} = the learning rate (schedule at the number of
 *       calls so far) and local step {@code t = iterations() + 1};
 *   <li>with {@code use_ema}: {@code average = m * average + (1 - m) * var} for every variable seen, with
 *       {@code m = 0} while {@code iterations() == 0} and {@code ema_momentum} after, and every
 *       {@code ema_overwrite_frequency} updates the variables are overwritten by their averages.
 * </ol>
 *
 * <p>Slots (Keras's optimizer variables) are created on a variable's first update, owned by the
 * optimizer and updated in place together with the variable's storage.
 */
public abstract class BaseOptimizer implements Optimizer {
  private static final Logger LOG = LoggerFactory.getLogger(BaseOptimizer.class);
  static final String ACCUMULATOR_SLOT = "gradient_accumulator";
  static final String EMA_SLOT = "average";

  private final String className;
  private final LinkedHashMap<String, Object> config;
  private Object learningRate; // Double or LearningRateSchedule
  private final Double weightDecay;
  private final Double clipNorm;
  private final Double clipValue;
  private final Double globalClipNorm;
  private final boolean useEma;
  private final double emaMomentum;
  private final Integer emaOverwriteFrequency;
  private final Double lossScaleFactor;
  private final Integer accumulationSteps;

  private long steps;
  private final Map<Variable, Slots> slots = new IdentityHashMap<>();
  private final List<Slots> slotOrder = new ArrayList<>();
  private final Set<Variable> excludedFromWeightDecay = Collections.newSetFromMap(new IdentityHashMap<>());
  private List<String> excludedNames = List.of();
  private Pattern excludedPattern;

  /** Keras's base arguments and their defaults, followed by the optimizer's own. */
  static LinkedHashMap<String, Object> defaults(String name, double learningRate, Object... own) {
    LinkedHashMap<String, Object> c = Config.of("name", name, "learning_rate", learningRate,
        "weight_decay", null, "clipnorm", null, "global_clipnorm", null, "clipvalue", null,
        "use_ema", false, "ema_momentum", 0.99, "ema_overwrite_frequency", null,
        "loss_scale_factor", null, "gradient_accumulation_steps", null);
    c.putAll(Config.of(own));
    return c;
  }

  BaseOptimizer(String className, Map<String, Object> config) {
    this.className = className;
    this.config = new LinkedHashMap<>(config);
    this.learningRate = Config.learningRate(config.get("learning_rate"));
    this.config.put("learning_rate", learningRate);
    if (!(config.get("name") instanceof String)) {
      throw new IllegalArgumentException("Argument `name` must be a string. Received: name=" + config.get("name"));
    }
    this.weightDecay = optionalNonNegative(config, "weight_decay");
    this.clipNorm = optionalNonNegative(config, "clipnorm");
    this.clipValue = optionalNonNegative(config, "clipvalue");
    this.globalClipNorm = optionalNonNegative(config, "global_clipnorm");
    int clipArgs = (clipNorm != null ? 1 : 0) + (clipValue != null ? 1 : 0) + (globalClipNorm != null ? 1 : 0);
    if (clipArgs > 1) {
      throw new IllegalArgumentException("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
          + "Received: clipnorm=" + clipNorm + ", clipvalue=" + clipValue + ", global_clipnorm=" + globalClipNorm);
    }
    this.useEma = Config.bool(config, "use_ema");
    this.emaMomentum = Config.inRange(config, "ema_momentum", 0, 1);
    this.emaOverwriteFrequency = Config.optionalInt(config, "ema_overwrite_frequency");
    if (emaOverwriteFrequency != null && emaOverwriteFrequency < 1) {
      throw new IllegalArgumentException("`ema_overwrite_frequency` must be an integer >= 1 or None. "
          + "Received: ema_overwrite_frequency=" + emaOverwriteFrequency);
    }
    this.lossScaleFactor = Config.optionalNumber(config, "loss_scale_factor");
    if (lossScaleFactor != null && lossScaleFactor == 0) {
      throw new IllegalArgumentException("Argument `loss_scale_factor` must not be 0. Received: loss_scale_factor=0");
    }
    this.accumulationSteps = Config.optionalInt(config, "gradient_accumulation_steps");
    if (accumulationSteps != null && accumulationSteps < 2) {
      throw new IllegalArgumentException("`gradient_accumulation_steps` must be an integer >= 2. "
          + "Received: gradient_accumulation_steps=" + accumulationSteps);
    }
  }

  private static Double optionalNonNegative(Map<String, Object> c, String key) {
    return c.get(key) == null ? null : Config.nonNegative(c, key);
  }

  // ------------------------------------------------------------------ what subclasses provide

  /** The optimizer's own slots with their initial values, in Keras's order. */
  abstract Map<String, Double> slotInitialValues();

  /**
   * Updates one variable and its slots in place. {@code grad} has the variable's shape and dtype and
   * must not be written into; {@code step} is Keras's {@code local_step = iterations + 1}.
   */
  abstract void updateStep(Variable variable, INDArray grad, Slots slots, double lr, long step);

  /** Called once per update before the per-variable steps (Nadam's momentum schedule). */
  void beforeUpdateSteps(long step) {}

  // ------------------------------------------------------------------ Optimizer

  @Override
  public void applyGradients(List<? extends TensorLike> gradients, List<Variable> variables) {
    if (gradients == null || variables == null) {
      throw new IllegalArgumentException("applyGradients: gradients and variables must not be null");
    }
    if (gradients.size() != variables.size()) {
      throw new IllegalArgumentException("applyGradients: got " + gradients.size() + " gradients for "
          + variables.size() + " variables");
    }
    if (gradients.isEmpty()) {
      return; // Keras: an empty list is a no-op
    }
    List<INDArray> grads = new ArrayList<>(gradients.size());
    List<Slots> targets = new ArrayList<>(gradients.size());
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < gradients.size(); i++) {
      Variable v = variables.get(i);
      if (v == null) {
        throw new IllegalArgumentException("applyGradients: variable " + i + " is null");
      }
      TensorLike g = gradients.get(i);
      if (g == null) {
        missing.add(v.name());
        continue;
      }
      grads.add(gradientArray(g, v));
      targets.add(slotsFor(v));
    }
    if (grads.isEmpty()) {
      throw new IllegalArgumentException("No gradients provided for any variable.");
    }
    if (!missing.isEmpty()) {
      LOG.warn("Gradients do not exist for variables {} when minimizing the loss. If using "
          + "`model.compile()`, did you forget to provide a `loss` argument?", missing);
    }
    if (lossScaleFactor != null) {
      grads.replaceAll(g -> g.div(lossScaleFactor));
    }
    double lr = learningRate();
    if (accumulationSteps != null) {
      if ((steps + 1) % accumulationSteps == 0) {
        for (int i = 0; i < grads.size(); i++) {
          INDArray acc = targets.get(i).get(ACCUMULATOR_SLOT);
          grads.set(i, grads.get(i).add(acc).divi(accumulationSteps));
          acc.assign(0);
        }
        update(grads, targets, lr);
      } else {
        for (int i = 0; i < grads.size(); i++) {
          targets.get(i).get(ACCUMULATOR_SLOT).addi(grads.get(i));
        }
      }
    } else {
      update(grads, targets, lr);
    }
    if (useEma) {
      updateMovingAverages();
    }
    steps++;
  }

  private void update(List<INDArray> grads, List<Slots> targets, double lr) {
    try (Denormals.Scope flush = Denormals.flush()) { // as TensorFlow: no subnormal slow paths
      updateFlushing(grads, targets, lr);
    }
  }

  private void updateFlushing(List<INDArray> grads, List<Slots> targets, double lr) {
    clip(grads);
    if (weightDecay != null) {
      double keep = 1.0 - weightDecay * lr;
      for (Slots s : targets) {
        if (usesWeightDecay(s.variable)) {
          s.variable.updateInPlace(w -> w.muli(keep));
        }
      }
    }
    long step = iterations() + 1;
    beforeUpdateSteps(step);
    for (int i = 0; i < grads.size(); i++) {
      updateStep(targets.get(i).variable, grads.get(i), targets.get(i), lr, step);
    }
  }

  private void clip(List<INDArray> grads) {
    if (clipNorm != null && clipNorm > 0) {
      double c = clipNorm;
      grads.replaceAll(g -> g.mul(c).divi(Math.max(g.norm2Number().doubleValue(), c)));
    } else if (globalClipNorm != null && globalClipNorm > 0) {
      double sumSquares = 0;
      for (INDArray g : grads) {
        double n = g.norm2Number().doubleValue();
        sumSquares += n * n;
      }
      double norm = Math.sqrt(sumSquares);
      double c = globalClipNorm;
      // Keras: a NaN or infinite norm makes the scale NaN instead of silently clipping.
      double scale = c * Math.min(1.0 / norm, 1.0 / c) + (norm - norm);
      if (scale != 1.0) {
        grads.replaceAll(g -> g.mul(scale));
      }
    } else if (clipValue != null && clipValue > 0) {
      double c = clipValue;
      grads.replaceAll(g -> Transforms.min(Transforms.max(g, -c, true), c, false));
    }
  }

  private void updateMovingAverages() {
    double m = iterations() != 0 ? emaMomentum : 0.0;
    for (Slots s : slotOrder) {
      INDArray avg = s.get(EMA_SLOT);
      avg.muli(m);
      s.variable.withStorage(w -> {
        Kernels.axpy(1.0 - m, w, avg);
        return null;
      });
    }
    if (emaOverwriteFrequency != null && (iterations() + 1) % emaOverwriteFrequency == 0) {
      finalizeVariableValues();
    }
  }

  /** With {@code use_ema}, overwrites every variable seen with its moving average (Keras's finalize). */
  public void finalizeVariableValues() {
    if (!useEma) {
      return;
    }
    for (Slots s : slotOrder) {
      INDArray avg = s.get(EMA_SLOT);
      s.variable.updateInPlace(w -> w.assign(avg));
    }
  }

  private static INDArray gradientArray(TensorLike g, Variable v) {
    Tensor t = g instanceof Variable ? ((Variable) g).peek() : g.read();
    if (!Arrays.equals(t.shape(), v.shape())) {
      throw new IllegalArgumentException("Gradient for variable '" + v.name() + "' has shape "
          + Arrays.toString(t.shape()) + " but the variable has shape " + Arrays.toString(v.shape()));
    }
    INDArray a = t.array();
    if (a.dataType() != v.dtype().nd4j()) {
      a = a.castTo(v.dtype().nd4j());
    }
    return Kernels.dense(a);
  }

  private Slots slotsFor(Variable v) {
    Slots s = slots.get(v);
    if (s == null) {
      if (!v.dtype().isFloating()) {
        throw new IllegalArgumentException("Variable '" + v.name() + "' has dtype " + v.dtype()
            + "; optimizers update float32 and float64 variables only");
      }
      s = new Slots(v, allSlotInitialValues());
      slots.put(v, s);
      slotOrder.add(s);
    }
    return s;
  }

  private Map<String, Double> allSlotInitialValues() {
    Map<String, Double> all = new LinkedHashMap<>(slotInitialValues());
    if (accumulationSteps != null) {
      all.put(ACCUMULATOR_SLOT, 0.0);
    }
    if (useEma) {
      all.put(EMA_SLOT, 0.0);
    }
    return all;
  }

  /** Keras's {@code iterations}: the number of updates (calls divided by the accumulation steps). */
  @Override
  public long iterations() {
    return accumulationSteps == null ? steps : steps / accumulationSteps;
  }

  /** The learning rate at the current step (schedules see the number of calls, as in Keras). */
  @Override
  public double learningRate() {
    return learningRate instanceof LearningRateSchedule
        ? ((LearningRateSchedule) learningRate).rate(steps) : (Double) learningRate;
  }

  @Override
  public void setLearningRate(double learningRate) {
    this.learningRate = Config.learningRate(learningRate);
    config.put("learning_rate", this.learningRate);
  }

  /** Replaces the learning rate by a schedule. */
  public void setLearningRate(LearningRateSchedule schedule) {
    this.learningRate = Config.learningRate(schedule);
    config.put("learning_rate", schedule);
  }

  /** The schedule, or null when the learning rate is a constant. */
  public LearningRateSchedule learningRateSchedule() {
    return learningRate instanceof LearningRateSchedule ? (LearningRateSchedule) learningRate : null;
  }

  /**
   * Keras's {@code exclude_from_weight_decay}: these variables, and those whose name contains one of
   * {@code names} (as a regular expression), get no weight decay.
   */
  public void excludeFromWeightDecay(List<Variable> variables, List<String> names) {
    excludedFromWeightDecay.clear();
    if (variables != null) {
      excludedFromWeightDecay.addAll(variables);
    }
    excludedNames = names == null ? List.of() : List.copyOf(names);
    excludedPattern = excludedNames.isEmpty() ? null : Pattern.compile(String.join("|", excludedNames));
  }

  private boolean usesWeightDecay(Variable v) {
    return !excludedFromWeightDecay.contains(v)
        && (excludedPattern == null || !excludedPattern.matcher(v.name()).find());
  }

  @Override
  public String className() {
    return className;
  }

  /** Keras's config: snake_case keys; a schedule is serialized as {@code {"class_name", "config"}}. */
  @Override
  public Map<String, Object> getConfig() {
    LinkedHashMap<String, Object> out = new LinkedHashMap<>(config);
    if (learningRate instanceof LearningRateSchedule) {
      out.put("learning_rate", Schedules.serialize((LearningRateSchedule) learningRate));
    }
    return out;
  }

  /** The config as Keras's {@code {"class_name": ..., "config": {...}}}. */
  public Map<String, Object> serialize() {
    LinkedHashMap<String, Object> out = new LinkedHashMap<>();
    out.put("class_name", className);
    out.put("config", getConfig());
    return out;
  }

  @Override
  public BaseOptimizer copy() {
    BaseOptimizer copy = Optimizers.builder(className).setAll(config).build();
    copy.excludeFromWeightDecay(new ArrayList<>(excludedFromWeightDecay), excludedNames);
    return copy;
  }

  @Override
  public State state() {
    Map<Variable, Map<String, Tensor>> out = new LinkedHashMap<>();
    for (Slots s : slotOrder) {
      Map<String, Tensor> m = new LinkedHashMap<>();
      for (String name : s.names()) {
        m.put(name, Tensor.fromINDArray(s.get(name).dup('c')));
      }
      out.put(s.variable, m);
    }
    return new State(steps, out);
  }

  @Override
  public void restoreState(State state) {
    if (state == null) {
      throw new IllegalArgumentException("restoreState: state is null");
    }
    Map<String, Double> expected = allSlotInitialValues();
    for (Map.Entry<Variable, Map<String, Tensor>> e : state.slots().entrySet()) {
      Variable v = e.getKey();
      if (!e.getValue().keySet().equals(expected.keySet())) {
        throw new IllegalArgumentException("restoreState: variable '" + v.name() + "' has slots "
            + e.getValue().keySet() + " but " + className + " with this config expects " + expected.keySet());
      }
      for (Map.Entry<String, Tensor> slot : e.getValue().entrySet()) {
        if (!Arrays.equals(slot.getValue().shape(), v.shape())) {
          throw new IllegalArgumentException("restoreState: slot '" + slot.getKey() + "' of variable '"
              + v.name() + "' has shape " + Arrays.toString(slot.getValue().shape())
              + " but the variable has shape " + Arrays.toString(v.shape()));
        }
      }
    }
    slots.clear();
    slotOrder.clear();
    for (Map.Entry<Variable, Map<String, Tensor>> e : state.slots().entrySet()) {
      Slots s = slotsFor(e.getKey());
      e.getValue().forEach((name, t) -> s.get(name).assign(t.array().castTo(s.get(name).dataType())));
    }
    steps = state.steps();
  }

  @Override
  public String toString() {
    return className + getConfig();
  }
}

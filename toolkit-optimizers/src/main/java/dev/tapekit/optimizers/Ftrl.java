package dev.tapekit.optimizers;

import dev.tapekit.core.Variable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Keras's FTRL-proximal. Defaults: learning_rate 0.001, learning_rate_power -0.5,
 * initial_accumulator_value 0.1, l1/l2/l2_shrinkage regularization strengths 0, beta 0.
 *
 * <pre>
 * l2_reg = l2 + beta / (2 * lr)
 * g_shrunk = g + 2 * l2_shrinkage * var
 * new_accum = accum + g^2                                  (g, not g_shrunk)
 * linear += g_shrunk - (new_accum^(-p) - accum^(-p)) / lr * var
 * quadratic = new_accum^(-p) / lr + 2 * l2_reg
 * var = (clip(linear, -l1, l1) - linear) / quadratic
 * accum = new_accum
 * </pre>
 *
 * <p>ND4J has no FTRL op; this is an in-place op sequence.
 */
public final class Ftrl extends BaseOptimizer {
  private final double learningRatePower;
  private final double initialAccumulatorValue;
  private final double l1;
  private final double l2;
  private final double l2Shrinkage;
  private final double beta;

  static Map<String, Object> defaults() {
    return defaults("ftrl", 0.001, "learning_rate_power", -0.5, "initial_accumulator_value", 0.1,
        "l1_regularization_strength", 0.0, "l2_regularization_strength", 0.0,
        "l2_shrinkage_regularization_strength", 0.0, "beta", 0.0);
  }

  /** Keras's defaults. */
  public Ftrl() {
    this(defaults());
  }

  Ftrl(Map<String, Object> config) {
    super("Ftrl", config);
    this.learningRatePower = Config.number(config, "learning_rate_power");
    if (learningRatePower > 0) {
      throw new IllegalArgumentException("`learning_rate_power` needs to be negative or zero. Received: "
          + "learning_rate_power=" + learningRatePower);
    }
    this.initialAccumulatorValue = Config.nonNegative(config, "initial_accumulator_value");
    this.l1 = Config.nonNegative(config, "l1_regularization_strength");
    this.l2 = Config.nonNegative(config, "l2_regularization_strength");
    this.l2Shrinkage = Config.nonNegative(config, "l2_shrinkage_regularization_strength");
    this.beta = Config.number(config, "beta");
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  Map<String, Double> slotInitialValues() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("accumulator", initialAccumulatorValue);
    m.put("linear", 0.0);
    return m;
  }

  @Override
  void updateStep(Variable variable, INDArray g, Slots s, double lr, long step) {
    INDArray accum = s.get("accumulator");
    INDArray linear = s.get("linear");
    INDArray newAccum = s.scratch(0);
    INDArray a = s.scratch(1);
    INDArray b = s.scratch(2);
    // NOTE: reads the current weights and writes the new ones in the same in-place update
    variable.updateInPlace(w -> {
      double l2Reg = l2 + beta / (2.0 * lr);
      g.mul(g, newAccum);
      newAccum.addi(accum);
      a.assign(accum);
      Transforms.pow(a, -learningRatePower, false);
      b.assign(newAccum);
      Transforms.pow(b, -learningRatePower, false);
      b.sub(a, a);
      a.divi(lr);
      a.muli(w); // (new_accum^-p - accum^-p) / lr * var
      linear.addi(g);
      if (l2Shrinkage != 0) {
        Kernels.axpy(2 * l2Shrinkage, w, linear);
      }
      linear.subi(a);
      b.divi(lr);
      b.addi(2 * l2Reg); // quadratic
      a.assign(linear);
      Transforms.max(a, -l1, false);
      Transforms.min(a, l1, false);
      a.subi(linear);
      a.divi(b);
      accum.assign(newAccum);
      w.assign(a);
    });
  }

  /** Builder with Keras's argument names. */
  public static final class Builder extends OptimizerBuilder<Builder, Ftrl> {
    Builder() {
      super(defaults());
    }

    /** At most 0. */
    public Builder learningRatePower(double power) { return set("learning_rate_power", power); }
    public Builder initialAccumulatorValue(double value) { return set("initial_accumulator_value", value); }
    public Builder l1RegularizationStrength(double l1) { return set("l1_regularization_strength", l1); }
    public Builder l2RegularizationStrength(double l2) { return set("l2_regularization_strength", l2); }
    public Builder l2ShrinkageRegularizationStrength(double l2Shrinkage) {
      return set("l2_shrinkage_regularization_strength", l2Shrinkage);
    }
    public Builder beta(double beta) { return set("beta", beta); }

    @Override
    public Ftrl build() {
      return new Ftrl(config);
    }
  }
}

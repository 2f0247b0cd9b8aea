package dev.tapekit.optimizers;

import dev.tapekit.core.Variable;
import dev.tapekit.core.kernels.FastKernels;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.api.ops.impl.updaters.AmsGradUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam's update, shared by {@link Adam} and {@link AdamW}:
 *
 * <pre>
 * m = m + (g - m) * (1 - beta_1)
 * v = v + (g^2 - v) * (1 - beta_2)
 * v_hat = max(v_hat, v); use v_hat for v      (amsgrad only)
 * alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)
 * var -= alpha * m / (sqrt(v) + epsilon)
 * </pre>
 *
 * <p>Small dense float32 arrays run as one JIT-compiled loop over the buffers ({@link JavaKernels}); others as
 * ND4J's fused {@code adam_updater} / {@code ams_grad_updater} op (the same "epsilon-hat" form) writing
 * the update into a scratch buffer, plus one in-place subtraction.
 */
abstract class AdamFamily extends BaseOptimizer {
  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final boolean amsgrad;

  AdamFamily(String className, Map<String, Object> config) {
    super(className, config);
    this.beta1 = Config.inRange(config, "beta_1", 0, 1);
    this.beta2 = Config.inRange(config, "beta_2", 0, 1);
    this.epsilon = Config.nonNegative(config, "epsilon");
    this.amsgrad = Config.bool(config, "amsgrad");
  }

  @Override
  Map<String, Double> slotInitialValues() {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("momentum", 0.0);
    m.put("velocity", 0.0);
    if (amsgrad) {
      m.put("velocity_hat", 0.0);
    }
    return m;
  }

  @Override
  void updateStep(Variable variable, INDArray g, Slots s, double lr, long step) {
    if (!amsgrad && FastKernels.enabled() && variable.withStorage(JavaKernels::walkable) && JavaKernels.walkable(g)) {
      // NOTE: float32 arrays: cheaper than libnd4j's adam_updater at every size (see JavaKernels); the
      // moments stay on the heap between steps
      double alpha = lr * Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
      float[] m = s.heap("momentum");
      float[] v = s.heap("velocity");
      variable.updateInPlace(w -> JavaKernels.adam(w, g, m, v, alpha, beta1, beta2, epsilon));
      return;
    }
    INDArray m = s.get("momentum");
    INDArray v = s.get("velocity");
    INDArray update = s.scratch(0);
    int iteration = (int) (step - 1); // ND4J's ops take the 0-based iteration
    if (amsgrad) {
      INDArray vHat = s.get("velocity_hat");
      Nd4j.exec(new AmsGradUpdater(g, v, m, vHat, update, v, m, vHat, lr, beta1, beta2, epsilon, iteration));
    } else {
      Nd4j.exec(new AdamUpdater(g, v, m, update, v, m, lr, beta1, beta2, epsilon, iteration));
    }
    variable.updateInPlace(w -> w.subi(update));
  }
}

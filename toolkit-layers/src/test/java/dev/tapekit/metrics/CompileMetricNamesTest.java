package dev.tapekit.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.models.Sequential;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** compile(metrics=[...]) with the names of losses, as keras.metrics.get resolves them. */
class CompileMetricNamesTest {
  @Test
  void lossNamedMetricsLogUnderTheNameAskedAndMatchTheLoss() {
    Sequential m = new Sequential(new Input(3), new Dense(1, "sigmoid"));
    m.compile("sgd", "binary_crossentropy", "binary_crossentropy", "bce", "poisson", "hinge", "kl_divergence",
        "mse", "log_cosh_error");
    Tensor x = Tensor.of(new float[] {0.1f, 0.5f, -0.3f, 0.9f, -0.2f, 0.4f, 0.3f, 0.3f, -0.8f, -0.5f, 0.2f, 0.7f}, 4, 3);
    Tensor y = Tensor.of(new float[] {1, 0, 1, 0}, 4, 1);
    Map<String, Double> logs = m.evaluate(x, y);
    assertEquals(Set.of("loss", "binary_crossentropy", "bce", "poisson", "hinge", "kl_divergence", "mse",
        "log_cosh_error"), logs.keySet());
    // Keras's metric of a loss is the same per-sample mean: with no regularizers it equals the loss
    assertEquals(logs.get("loss"), logs.get("binary_crossentropy"), 1e-6);
    assertEquals(logs.get("loss"), logs.get("bce"), 1e-6);
  }
}

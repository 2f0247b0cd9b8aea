package dev.tapekit.losses;

import static dev.tapekit.losses.T.close;
import static dev.tapekit.losses.T.f;
import static dev.tapekit.losses.T.m;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras 3's mean_with_sample_weight and mean reductions, and losses called on variables. */
class ReductionAndInputsTest {
  private static final Tensor RT = f(m(new double[] {1, 9, 2}, new double[] {-5, -2, 6}));
  private static final Tensor RP = f(m(new double[] {4, 8, 12}, new double[] {8, 1, 3}));
  private static final Tensor W2 = f(m(new double[] {1.2}, new double[] {3.4}));

  @Test
  void meanWithSampleWeightDividesBySumOfWeights() {
    // keras/src/losses/losses_test.py MeanSquaredErrorTest.test_mean_with_sample_weight_reduction
    Loss mse = MeanSquaredError.builder().reduction("mean_with_sample_weight").build();
    close((110 / 3.0 * 1.2 + 187 / 3.0 * 3.4) / (1.2 + 3.4), mse.call(RT, RP, W2), 1e-4);
    // ... and MeanAbsoluteErrorTest.test_mean_with_sample_weight_reduction
    Loss mae = Losses.fromConfig("MeanAbsoluteError", Map.of("reduction", "mean_with_sample_weight"));
    close((14 / 3.0 * 1.2 + 19 / 3.0 * 3.4) / (1.2 + 3.4), mae.call(RT, RP, W2), 1e-4);
    assertEquals("mean_with_sample_weight", mae.getConfig().get("reduction"));
    // sum_over_batch_size divides the same weighted sum by the number of samples instead
    close((110 / 3.0 * 1.2 + 187 / 3.0 * 3.4) / 2, new MeanSquaredError().call(RT, RP, W2), 1e-4);
  }

  @Test
  void meanWithSampleWeightWithoutWeightsIsTheMeanAndZeroWeightsGiveZero() {
    // reduce_values: without sample_weight the divisor is the number of elements; divide_no_nan for 0 weights
    Loss mse = MeanSquaredError.builder().reduction(Reduction.MEAN_WITH_SAMPLE_WEIGHT).build();
    close(49.5, mse.call(RT, RP), 1e-4);
    close(0.0, mse.call(RT, RP, f(0, 0)), 0.0);
    // "mean" is Keras 3's other name of sum_over_batch_size
    close(49.5, MeanSquaredError.builder().reduction("mean").build().call(RT, RP), 1e-4);
    close(49.5 * 2.3, MeanSquaredError.builder().reduction("mean").build().call(RT, RP, Tensor.scalar(2.3)), 1e-3);
  }

  @Test
  void ignoredClassesLeaveTheWeightSumToo() {
    // apply_mask does not rescale the mask for mean_with_sample_weight: the divisor is the valid weight
    Tensor p = Tensor.of(new float[][] {{0.9f, 0.1f}, {0.2f, 0.8f}, {0.5f, 0.5f}});
    Tensor labels = Tensor.of(new int[] {0, 1, 1});
    Loss scce = SparseCategoricalCrossentropy.builder().ignoreClass(1).reduction("mean_with_sample_weight").build();
    close(-Math.log(0.9), scce.call(labels, p, f(2, 1, 1)), 1e-5);
  }

  @Test
  void unknownReductionNamesTheValidOnes() {
    assertEquals("Invalid value for argument `reduction`. Expected one of none, sum, sum_over_batch_size, mean, "
        + "mean_with_sample_weight, auto. Received: reduction='avg'",
        assertThrows(IllegalArgumentException.class, () -> Reduction.fromName("avg")).getMessage());
  }

  @Test
  void callTakesVariablesAndDifferentiatesThroughThem() {
    // a Variable is a TensorLike: the loss reads it (and the tape watches it) as Keras converts it
    Variable pred = new Variable(f(m(new double[] {4, 8, 12}, new double[] {8, 1, 3})));
    Variable weight = new Variable(W2);
    try (GradientTape tape = new GradientTape()) {
      Tensor loss = new MeanSquaredError().call(RT, pred, weight);
      close((110 / 3.0 * 1.2 + 187 / 3.0 * 3.4) / 2, loss, 1e-4);
      // d/dp of mean_i(w_i * mean_j (p - t)^2) = w_i * 2 (p - t) / 3 / 2
      assertEquals(1.2 * 2 * (4 - 1) / 3.0 / 2, tape.gradient(loss, pred).toDoubleArray()[0], 1e-5);
    }
  }
}

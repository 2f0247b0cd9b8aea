package dev.tapekit.spark;

import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.models.Model;
import java.util.List;

/**
 * One synchronous step's update, combined from the partitions' results in partition order: the summed
 * gradients and the row-weighted mean of the non-trainable weights. The driver ({@code syncGradients}) and
 * every barrier task ({@code synchronousBarrier}) apply it with the same code, so both strategies train alike.
 *
 * @param gradients flat sum of the partitions' gradients (trainable variables)
 * @param nonTrainable flat mean of the non-trainable weights after the forward passes, or null when the model
 *     has none
 */
record SyncUpdate(double[] gradients, double[] nonTrainable) {
  static SyncUpdate combine(List<PartitionResult> results, boolean hasNonTrainable) {
    return new SyncUpdate(Combine.sum(results),
        hasNonTrainable ? Combine.weightedMean(results, PartitionResult::nonTrainable) : null);
  }

  /** One optimizer update of {@code model}, then its constraints, then the non-trainable weights. */
  void applyTo(Model model) {
    List<Variable> vars = model.trainableVariables();
    List<Tensor> grads = Flat.split(gradients, vars);
    model.optimizer().applyGradients(grads, vars);
    if (model.hasConstraints()) {
      model.applyConstraints();
    }
    if (nonTrainable != null) {
      Flat.unpack(nonTrainable, model.nonTrainableWeights());
    }
  }
}

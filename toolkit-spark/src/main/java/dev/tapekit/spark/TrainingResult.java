package dev.tapekit.spark;

import dev.tapekit.callbacks.History;
import dev.tapekit.models.Model;

/**
 * What {@link SparkTrainer#fit} returns.
 *
 * @param model the driver's model with the trained parameters and optimizer state
 * @param history per epoch: "loss" (training loss over the epoch's samples), and "val_*" with validation data
 * @param rounds Spark jobs run by this call (sync: steps; averaging: rounds of k steps; synchronousBarrier: barrier
 *     stages, one per epoch with checkpoints or validation data, else one for the whole call)
 * @param seconds wall time of this call's training
 */
public record TrainingResult(Model model, History history, long rounds, double seconds) {
  /** Rounds (Spark training jobs) per second of this call. */
  public double roundsPerSecond() {
    return seconds > 0 ? rounds / seconds : 0;
  }
}

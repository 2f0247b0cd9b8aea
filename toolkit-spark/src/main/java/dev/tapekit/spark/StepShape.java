package dev.tapekit.spark;

import java.io.Serializable;

/**
 * The global batch of one synchronous step: how many rows all partitions hold at that step and how many
 * partitions have any (a partition that ran out of rows sits the step out).
 *
 * @param rows rows in the step's global batch
 * @param active partitions with rows at the step (each takes an equal share of the regularization penalties)
 */
record StepShape(long rows, int active) implements Serializable {
  /** The step's shape for partitions of {@code sizes} rows at {@code batchSize} rows per partition and step. */
  static StepShape of(int[] sizes, int batchSize, int step) {
    long rows = 0;
    int active = 0;
    for (int n : sizes) {
      long r = Math.max(0, Math.min(batchSize, n - (long) step * batchSize));
      rows += r;
      active += r > 0 ? 1 : 0;
    }
    return new StepShape(rows, active);
  }
}

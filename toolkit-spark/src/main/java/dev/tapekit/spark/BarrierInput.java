package dev.tapekit.spark;

import java.io.Serializable;

/**
 * The broadcast of one barrier stage (one or more epochs): the driver's weights and optimizer state at the
 * stage's start, the partitions' sizes (every task computes each step's global batch from them) and the peer timeout.
 *
 * @param firstEpoch the stage's first epoch (0-based); epochs seed the shuffles
 * @param epochs epochs the stage trains
 * @param stepsPerEpoch steps every task runs, those without rows included
 * @param sizes rows of each partition, in partition order
 * @param weights all model weights, flat, in {@code model.weights()} order
 * @param opt the optimizer's state
 * @param timeoutMillis how long a task waits for a peer before failing the stage
 */
record BarrierInput(int firstEpoch, int epochs, int stepsPerEpoch, int[] sizes, double[] weights, OptState opt,
    int timeoutMillis)
    implements Serializable {}

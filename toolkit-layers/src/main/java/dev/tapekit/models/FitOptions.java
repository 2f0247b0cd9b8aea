package dev.tapekit.models;

import dev.tapekit.callbacks.Callback;
import dev.tapekit.core.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's fit() arguments: batchSize 32, epochs 1, verbose 1, validationSplit 0, shuffle true,
 * initialEpoch 0; plus {@code seed} for reproducible shuffling.
 */
public final class FitOptions {
  final int batchSize;
  final int epochs;
  final int verbose;
  final double validationSplit;
  /** A Tensor, a List of Tensors or a Map by input (x) and output (y) name, as fit's x and y. */
  final Object validationX;
  final Object validationY;
  final boolean shuffle;
  final Long seed;
  final Map<Integer, Double> classWeight;
  /** A Tensor (every output), a List or a Map by output name. */
  final Object sampleWeight;
  final int initialEpoch;
  final List<Callback> callbacks;
  final Integer stepsPerEpoch;
  final Integer validationSteps;
  final dev.tapekit.data.BatchSource validationSource;

  private FitOptions(Builder b) {
    if (b.batchSize <= 0) {
      throw new IllegalArgumentException("fit: batchSize must be positive, got " + b.batchSize);
    }
    if (b.epochs < 0 || b.initialEpoch < 0) {
      throw new IllegalArgumentException("fit: epochs and initialEpoch must be >= 0, got " + b.epochs + " and " + b.initialEpoch);
    }
    if (!(b.validationSplit >= 0 && b.validationSplit < 1)) {
      throw new IllegalArgumentException("fit: validationSplit must be in [0, 1), got " + b.validationSplit);
    }
    if (b.verbose < 0 || b.verbose > 2) {
      throw new IllegalArgumentException("fit: verbose must be 0, 1 or 2, got " + b.verbose);
    }
    batchSize = b.batchSize;
    epochs = b.epochs;
    verbose = b.verbose;
    validationSplit = b.validationSplit;
    validationX = b.validationX;
    validationY = b.validationY;
    shuffle = b.shuffle;
    seed = b.seed;
    classWeight = b.classWeight;
    sampleWeight = b.sampleWeight;
    initialEpoch = b.initialEpoch;
    callbacks = List.copyOf(b.callbacks);
    for (Integer steps : new Integer[] {b.stepsPerEpoch, b.validationSteps}) {
      if (steps != null && steps < 1) {
        throw new IllegalArgumentException("fit: stepsPerEpoch and validationSteps must be >= 1, got " + steps);
      }
    }
    stepsPerEpoch = b.stepsPerEpoch;
    validationSteps = b.validationSteps;
    validationSource = b.validationSource;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Keras's defaults. */
  public static FitOptions defaults() {
    return builder().build();
  }

  /** Setters named after Keras's fit() arguments. */
  public static final class Builder {
    private int batchSize = 32;
    private int epochs = 1;
    private int verbose = 1;
    private double validationSplit;
    private Object validationX;
    private Object validationY;
    private boolean shuffle = true;
    private Long seed;
    private Map<Integer, Double> classWeight;
    private Object sampleWeight;
    private int initialEpoch;
    private final List<Callback> callbacks = new ArrayList<>();
    private Integer stepsPerEpoch;
    private Integer validationSteps;
    private dev.tapekit.data.BatchSource validationSource;

    public Builder batchSize(int batchSize) { this.batchSize = batchSize; return this; }
    public Builder epochs(int epochs) { this.epochs = epochs; return this; }
    /** 0 silent, 1 progress bar, 2 one line per epoch. */
    public Builder verbose(int verbose) { this.verbose = verbose; return this; }
    /** The fraction of the data, taken from the end before shuffling, held out for validation. */
    public Builder validationSplit(double validationSplit) { this.validationSplit = validationSplit; return this; }
    /** Validation data evaluated at the end of each epoch; overrides validationSplit. */
    public Builder validationData(Tensor x, Tensor y) { return validation(x, y); }
    /** Validation data of a model with several inputs or outputs, in the order of its inputs and outputs. */
    public Builder validationData(List<Tensor> x, List<Tensor> y) { return validation(List.copyOf(x), List.copyOf(y)); }
    /** Validation data keyed by input names (x) and output names (y). */
    public Builder validationData(Map<String, Tensor> x, Map<String, Tensor> y) { return validation(Map.copyOf(x), Map.copyOf(y)); }
    public Builder shuffle(boolean shuffle) { this.shuffle = shuffle; return this; }
    /** Seeds the per-epoch shuffling. */
    public Builder seed(long seed) { this.seed = seed; return this; }
    /** Weights of the loss per class index (labels as ids, or one-hot rows by argmax). */
    public Builder classWeight(Map<Integer, Double> classWeight) { this.classWeight = Map.copyOf(classWeight); return this; }
    /** Weights of the loss per sample, shape [n]. */
    public Builder sampleWeight(Tensor sampleWeight) { this.sampleWeight = sampleWeight; return this; }
    /**
     * Per-sample weights of each output, in the order of the model's outputs (a null entry: that output is
     * unweighted); a single Tensor weights every output, as Keras does.
     */
    public Builder sampleWeight(List<Tensor> perOutput) { this.sampleWeight = new ArrayList<>(perOutput); return this; }
    /** Per-sample weights keyed by output name; outputs left out are unweighted. */
    public Builder sampleWeight(Map<String, Tensor> perOutput) { this.sampleWeight = Map.copyOf(perOutput); return this; }
    /** The epoch to start at (to resume a run); epochs is the index of the last epoch + 1. */
    public Builder initialEpoch(int initialEpoch) { this.initialEpoch = initialEpoch; return this; }
    public Builder callbacks(Callback... callbacks) { this.callbacks.addAll(List.of(callbacks)); return this; }
    public Builder callbacks(List<? extends Callback> callbacks) { this.callbacks.addAll(callbacks); return this; }

    /**
     * With a streaming source: batches per epoch (Keras's steps_per_epoch); one pass then continues across
     * epochs. Required for an infinite source; a finite one that runs out first warns and ends the epoch.
     */
    public Builder stepsPerEpoch(int steps) { this.stepsPerEpoch = steps; return this; }
    /** With a streaming validation source: batches per validation (Keras's validation_steps). */
    public Builder validationSteps(int steps) { this.validationSteps = steps; return this; }
    /** Validation batches from a streaming source, evaluated at the end of each epoch. */
    public Builder validationData(dev.tapekit.data.BatchSource source) { this.validationSource = source; return this; }

    private Builder validation(Object x, Object y) {
      if ((x == null) != (y == null)) {
        throw new IllegalArgumentException("fit: validationData needs both x and y, got x=" + x + ", y=" + y);
      }
      this.validationX = x;
      this.validationY = y;
      return this;
    }

    public FitOptions build() {
      return new FitOptions(this);
    }
  }
}

package dev.tapekit.losses;

/** How per-sample losses are combined, named as Keras names them. */
public enum Reduction {
  /** Keep the per-sample losses ({@code "none"}). */
  NONE("none"),
  /** Sum of the weighted losses ({@code "sum"}). */
  SUM("sum"),
  /** Sum of the weighted losses divided by the number of loss elements ({@code "sum_over_batch_size"}). */
  SUM_OVER_BATCH_SIZE("sum_over_batch_size"),
  /** Keras 3's other name for sum_over_batch_size ({@code "mean"}). */
  MEAN("mean"),
  /**
   * Sum of the weighted losses divided by the sum of the sample weights ({@code "mean_with_sample_weight"},
   * Keras 3): a weighted mean. Without sample weights (and without a mask) it is sum_over_batch_size.
   */
  MEAN_WITH_SAMPLE_WEIGHT("mean_with_sample_weight");

  /** What {@link #fromName} accepts, as Keras's standardize_reduction lists it. */
  static final String VALID = "none, sum, sum_over_batch_size, mean, mean_with_sample_weight, auto";

  private final String kerasName;

  Reduction(String kerasName) {
    this.kerasName = kerasName;
  }

  /** Keras's name, e.g. {@code "sum_over_batch_size"}. */
  public String kerasName() {
    return kerasName;
  }

  /** Whether the weighted sum is divided by the number of loss elements (Keras's "mean" reductions). */
  boolean dividesBySize() {
    return this == SUM_OVER_BATCH_SIZE || this == MEAN;
  }

  /** Looks a reduction up by Keras's name (null means the default, sum_over_batch_size). */
  public static Reduction fromName(String name) {
    if (name == null || name.equals("auto")) {
      return SUM_OVER_BATCH_SIZE;
    }
    for (Reduction r : values()) {
      if (r.kerasName.equals(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("Invalid value for argument `reduction`. Expected one of " + VALID
        + ". Received: reduction='" + name + "'");
  }
}

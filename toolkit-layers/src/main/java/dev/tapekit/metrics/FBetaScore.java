package dev.tapekit.metrics;

/**
 * The F-beta score ({@code keras.metrics.FBetaScore}):
 * {@code FBetaScore.builder().beta(2.0).threshold(0.5).average("macro").build()}; see {@link FScoreBase}.
 */
public final class FBetaScore extends FScoreBase {
  /** Named "fbeta_score", beta 1, no averaging (result() is the macro mean), argmax thresholding. */
  public FBetaScore() {
    this(builder().args());
  }

  private FBetaScore(MetricArgs a) {
    super(a);
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link FBetaScore}. */
  public static final class Builder extends FScoreBase.Base<Builder, FBetaScore> {
    Builder() {
      super("FBetaScore", "fbeta_score", "average", null, "beta", 1.0, "threshold", null);
    }

    /** Keras's {@code beta} (> 0): recall counts beta times as much as precision. */
    public Builder beta(double beta) {
      return set("beta", beta);
    }

    @Override
    public FBetaScore build() {
      return new FBetaScore(args());
    }
  }
}

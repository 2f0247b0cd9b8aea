package dev.tapekit.metrics;

import java.util.Map;

/** The F1 score: {@link FBetaScore} with beta 1 ({@code keras.metrics.F1Score}); its config has no beta. */
public final class F1Score extends FScoreBase {
  /** Named "f1_score", no averaging (result() is the macro mean), argmax thresholding. */
  public F1Score() {
    this(withBeta(builder()));
  }

  /** With Keras's {@code average} (null, "micro", "macro", "weighted") and {@code threshold} (may be null). */
  public F1Score(String name, String average, Double threshold) {
    this(withBeta(builder().name(name).set("average", average).set("threshold", threshold)));
  }

  private F1Score(MetricArgs a) {
    super(a);
  }

  /** F1 is FBetaScore's beta 1, which F1Score's Keras arguments do not include. */
  private static MetricArgs withBeta(Builder b) {
    Map<String, Object> c = new java.util.LinkedHashMap<>(b.config);
    c.put("beta", 1.0);
    return new MetricArgs(b.className, c);
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = super.getConfig();
    c.remove("beta");
    return c;
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link F1Score}. */
  public static final class Builder extends FScoreBase.Base<Builder, F1Score> {
    Builder() {
      super("F1Score", "f1_score", "average", null, "threshold", null);
    }

    @Override
    public F1Score build() {
      return new F1Score(withBeta(this));
    }
  }
}

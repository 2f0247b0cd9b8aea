package dev.tapekit.metrics;

import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The coefficient of determination 1 - sum((y - y_pred)^2) / sum((y - mean(y))^2) per output column of
 * [batch, outputs] data ({@code keras.metrics.R2Score}). {@code classAggregation}: "uniform_average" (the
 * default), "variance_weighted_average" or null (per column: {@link #results()}; {@link #result()} is then
 * their mean). {@code numRegressors} > 0 gives the adjusted R2, 1 - (1 - R2)(n - 1) / (n - p - 1), with n
 * the samples of non-zero weight; as Keras, it falls back to plain R2 when p >= n - 1.
 */
public final class R2Score implements Metric {
  private final String name;
  private final String classAggregation;
  private final int numRegressors;
  private double[] sum;
  private double[] squaredSum;
  private double[] residual;
  private double[] count;
  private double numSamples;

  /** Named "r2_score", uniform average, plain R2. */
  public R2Score() {
    this(builder().args());
  }

  private R2Score(MetricArgs a) {
    this.name = a.name();
    this.classAggregation = a.oneOf("class_aggregation",
        Arrays.asList(null, "uniform_average", "variance_weighted_average"));
    this.numRegressors = a.integer("num_regressors", 0, false);
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred) {
    updateState(yTrue, yPred, null);
  }

  @Override
  public void updateState(Tensor yTrue, Tensor yPred, Tensor sampleWeight) {
    if (yTrue == null || yPred == null) {
      throw new IllegalArgumentException(name + ": y_true and y_pred must not be null");
    }
    INDArray t = yTrue.array().castTo(DataType.DOUBLE);
    INDArray p = yPred.array().castTo(DataType.DOUBLE);
    if (t.rank() == 1 && p.rank() == 2 && p.size(1) == 1) {
      t = t.reshape(t.length(), 1);
    } else if (p.rank() == 1 && t.rank() == 2 && t.size(1) == 1) {
      p = p.reshape(p.length(), 1);
    }
    if (t.rank() != 2 || p.rank() != 2 || !Arrays.equals(t.shape(), p.shape())) {
      throw new IllegalArgumentException(name + ": R2Score expects 2D inputs with shape (batch_size, output_dim). "
          + "Received input shapes: y_pred.shape=" + Shapes.str(yPred.shape()) + " and y_true.shape="
          + Shapes.str(yTrue.shape()));
    }
    int rows = (int) t.size(0);
    int cols = (int) t.size(1);
    if (sum == null) {
      sum = new double[cols];
      squaredSum = new double[cols];
      residual = new double[cols];
      count = new double[cols];
    } else if (sum.length != cols) {
      throw new IllegalArgumentException(name + ": got " + cols + " outputs, earlier batches had " + sum.length);
    }
    double[] w = weights(sampleWeight, rows, cols);
    double[] tv = t.dup('c').data().asDouble();
    double[] pv = p.dup('c').data().asDouble();
    for (int r = 0; r < rows; r++) {
      boolean nonZero = false;
      for (int c = 0; c < cols; c++) {
        int i = r * cols + c;
        double wi = w == null ? 1 : w[i];
        sum[c] += tv[i] * wi;
        squaredSum[c] += tv[i] * tv[i] * wi;
        residual[c] += (tv[i] - pv[i]) * (tv[i] - pv[i]) * wi;
        count[c] += wi;
        nonZero |= wi != 0;
      }
      numSamples += nonZero ? 1 : 0;
    }
  }

  /** Sample weights ([batch], [batch, 1], [batch, outputs] or a scalar) broadcast to [batch, outputs]. */
  private double[] weights(Tensor sampleWeight, int rows, int cols) {
    if (sampleWeight == null) {
      return null;
    }
    INDArray w = sampleWeight.array().castTo(DataType.DOUBLE);
    if (w.rank() == 1) {
      w = w.reshape(w.length(), 1);
    }
    try {
      return w.broadcast(rows, cols).dup('c').data().asDouble();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + ": sample_weight of shape " + Shapes.str(sampleWeight.shape())
          + " does not match y_true of shape (" + rows + ", " + cols + ")", e);
    }
  }

  /** Raw R2 per column; a column of zero variance gives 0 where Keras's division gives inf, NaN where it gives NaN. */
  private double[] rawScores() {
    if (sum == null) {
      return new double[0];
    }
    double[] r = new double[sum.length];
    for (int c = 0; c < r.length; c++) {
      double mean = sum[c] / count[c];
      double total = squaredSum[c] - sum[c] * mean;
      double s = 1 - residual[c] / total;
      r[c] = Double.isInfinite(s) ? 0 : s;
    }
    return r;
  }

  @Override
  public double[] results() {
    double[] raw = rawScores();
    if (classAggregation != null) {
      return new double[] {result()};
    }
    for (int c = 0; c < raw.length; c++) {
      raw[c] = adjusted(raw[c]);
    }
    return raw;
  }

  @Override
  public double result() {
    double[] raw = rawScores();
    if (raw.length == 0) {
      return 0;
    }
    double r2;
    if ("variance_weighted_average".equals(classAggregation)) {
      double weighted = 0;
      double weights = 0;
      for (int c = 0; c < raw.length; c++) {
        double total = squaredSum[c] - sum[c] * (sum[c] / count[c]);
        weighted += total * raw[c];
        weights += total;
      }
      r2 = weighted / weights;
    } else {
      r2 = Arrays.stream(raw).average().orElse(0);
    }
    return adjusted(r2);
  }

  private double adjusted(double r2) {
    if (numRegressors == 0 || numRegressors >= numSamples - 1) {
      return r2;
    }
    return 1 - (1 - r2) * (numSamples - 1) / (numSamples - numRegressors - 1);
  }

  @Override
  public void resetState() {
    sum = null;
    squaredSum = null;
    residual = null;
    count = null;
    numSamples = 0;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, Object> getConfig() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("name", name);
    c.put("class_aggregation", classAggregation);
    c.put("num_regressors", numRegressors);
    return c;
  }

  /** A builder with Keras's arguments. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link R2Score}. */
  public static final class Builder extends MetricBuilder<Builder, R2Score> {
    Builder() {
      super("R2Score", "r2_score", "class_aggregation", "uniform_average", "num_regressors", 0);
    }

    /** Keras's {@code class_aggregation}: "uniform_average", "variance_weighted_average" or null (none). */
    public Builder classAggregation(String classAggregation) {
      return set("class_aggregation", classAggregation);
    }

    /** Keras's {@code num_regressors} (>= 0): the p of the adjusted R2; 0 is plain R2. */
    public Builder numRegressors(int numRegressors) {
      return set("num_regressors", numRegressors);
    }

    @Override
    public R2Score build() {
      return new R2Score(args());
    }
  }
}

package dev.tapekit.callbacks;

import dev.tapekit.core.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's EarlyStopping: stops fit() when {@code monitor} ("val_loss") has not improved by more than
 * {@code minDelta} for {@code patience} epochs; with {@code restoreBestWeights} the best epoch's weights are
 * put back.
 */
public final class EarlyStopping extends Callback {
  private final Monitor monitor;
  private final double minDelta;
  private final int patience;
  private final Double baseline;
  private final boolean restoreBestWeights;
  private final int startFromEpoch;
  private int wait;
  private int stoppedEpoch;
  private int bestEpoch;
  private double best;
  private List<Tensor> bestWeights;

  private EarlyStopping(Builder b) {
    monitor = new Monitor(b.monitor, b.mode);
    minDelta = Math.abs(b.minDelta);
    patience = b.patience;
    baseline = b.baseline;
    restoreBestWeights = b.restoreBestWeights;
    startFromEpoch = b.startFromEpoch;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    wait = 0;
    stoppedEpoch = 0;
    bestEpoch = 0;
    best = baseline != null ? baseline : monitor.worst();
    bestWeights = null;
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Double current = monitor.value(logs, "Early stopping");
    if (current == null || epoch < startFromEpoch) {
      return;
    }
    if (restoreBestWeights && bestWeights == null) {
      bestWeights = model.getWeights();
    }
    wait++;
    if (monitor.improved(current, best, minDelta)) {
      best = current;
      bestEpoch = epoch;
      if (restoreBestWeights) {
        bestWeights = model.getWeights(); // copies
      }
      if (baseline == null || monitor.improved(current, baseline, minDelta)) {
        wait = 0;
      }
      return;
    }
    if (wait >= patience && epoch > 0) {
      stoppedEpoch = epoch;
      model.setStopTraining(true);
      if (restoreBestWeights && bestWeights != null) {
        model.setWeights(bestWeights);
      }
    }
  }

  /** The epoch training stopped at (0 if it did not stop early). */
  public int stoppedEpoch() {
    return stoppedEpoch;
  }

  /** The epoch with the best monitored value. */
  public int bestEpoch() {
    return bestEpoch;
  }

  /** Keras's arguments: monitor "val_loss", minDelta 0, patience 0, mode "auto", baseline, restoreBestWeights, startFromEpoch. */
  public static final class Builder {
    private String monitor = "val_loss";
    private double minDelta;
    private int patience;
    private String mode = "auto";
    private Double baseline;
    private boolean restoreBestWeights;
    private int startFromEpoch;

    public Builder monitor(String monitor) { this.monitor = monitor; return this; }
    public Builder minDelta(double minDelta) { this.minDelta = minDelta; return this; }
    public Builder patience(int patience) { this.patience = patience; return this; }
    public Builder mode(String mode) { this.mode = mode; return this; }
    public Builder baseline(Double baseline) { this.baseline = baseline; return this; }
    public Builder restoreBestWeights(boolean r) { this.restoreBestWeights = r; return this; }
    public Builder startFromEpoch(int e) { this.startFromEpoch = e; return this; }

    public EarlyStopping build() {
      return new EarlyStopping(this);
    }
  }
}

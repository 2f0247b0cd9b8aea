package dev.tapekit.callbacks;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Keras's TerminateOnNaN: stops fit() at the first batch whose loss is NaN or infinite. */
public final class TerminateOnNaN extends Callback {
  private static final Logger LOG = LoggerFactory.getLogger(TerminateOnNaN.class);
  private boolean terminated;

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    Double loss = logs.get("loss");
    if (loss != null && (loss.isNaN() || loss.isInfinite())) {
      LOG.warn("Batch {}: Invalid loss, terminating training", batch);
      terminated = true;
      model.setStopTraining(true);
    }
  }

  /** True if it stopped a run. */
  public boolean terminated() {
    return terminated;
  }
}

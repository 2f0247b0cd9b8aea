package dev.tapekit.callbacks;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The "monitor a logged quantity" logic shared by EarlyStopping, ModelCheckpoint and ReduceLROnPlateau. */
final class Monitor {
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
  final String key;
  final boolean maximize;

  /** mode "min", "max" or "auto" (max for names containing "acc" or "auc", as Keras). */
  Monitor(String key, String mode) {
    this.key = key;
    switch (mode) {
      case "min": maximize = false; break;
      case "max": maximize = true; break;
      case "auto": maximize = key.endsWith("acc") || key.contains("accuracy") || key.contains("auc"); break;
      default: throw new IllegalArgumentException("mode must be 'auto', 'min' or 'max', got '" + mode + "'");
    }
  }

  /** The monitored value, or null (with a warning, as Keras) when the logs lack it. */
  Double value(Map<String, Double> logs, String who) {
    Double v = logs.get(key);
    if (v == null) {
      LOG.warn("{} is conditioned on metric `{}` which is not available. Available metrics are: {}", who, key,
          String.join(",", logs.keySet()));
    }
    return v;
  }

  /** True if {@code current} beats {@code best} by more than {@code minDelta}. */
  boolean improved(double current, double best, double minDelta) {
    return maximize ? current - minDelta > best : current + minDelta < best;
  }

  double worst() {
    return maximize ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
  }
}

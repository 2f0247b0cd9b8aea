package dev.tapekit.callbacks;

import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Variable;
import dev.tapekit.layers.Layer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keras's TensorBoard callback: event files TensorBoard opens ({@code tensorboard --logdir logs}), laid out
 * as Keras lays them out: {@code logDir/train} and {@code logDir/validation}.
 *
 * <p>Written as Keras 3 writes them: each epoch {@code epoch_<name>} (step: the epoch) for the training logs
 * plus {@code epoch_learning_rate}, and the {@code val_} logs without their prefix in {@code validation};
 * {@code evaluation_<name>_vs_iterations} (step: optimizer iterations) there after each evaluation; with
 * {@link Builder#updateFreq} {@code "batch"} or N, {@code batch_<name>} every N training batches (step: the
 * batch count since training began, from 1); with {@link Builder#histogramFreq} N, a histogram of each
 * weight ({@code dense/kernel/histogram}) every N epochs; with {@link Builder#writeStepsPerSecond}, {@code
 * epoch_steps_per_second} and {@code batch_steps_per_second}. Scalars are TF2 summaries (a float tensor
 * under the "scalars" plugin), not the TF1 {@code simple_value} (see docs/layers-and-models.md).
 *
 * <p>Files are flushed at least every 10 s, at each epoch's end, and closed when training ends.
 */
public final class TensorBoard extends Callback {
  private final Path logDir;
  private final int histogramFreq;
  private final int updateFreq; // 0: per epoch only
  private final boolean writeStepsPerSecond;
  private final Map<String, EventFileWriter> writers = new LinkedHashMap<>();
  private boolean inFit;
  private long globalTrainBatch;
  private long epochStartIterations;
  private long epochStartNanos;
  private long batchStartNanos;

  private TensorBoard(Builder b) {
    logDir = b.logDir;
    histogramFreq = b.histogramFreq;
    updateFreq = b.updateFreq;
    writeStepsPerSecond = b.writeStepsPerSecond;
  }

  /** Keras's defaults: {@code log_dir="logs"}, per-epoch scalars, no histograms. */
  public static Builder builder() {
    return new Builder();
  }

  /** The "train" or "validation" run's writer, opened at its first event. */
  private EventFileWriter writer(String run) {
    return writers.computeIfAbsent(run, r -> new EventFileWriter(logDir.resolve(r)));
  }

  private void scalar(String run, String tag, double value, long step) {
    writer(run).write(TensorBoardEvents.scalar(EventFileWriter.wallTime(), step, tag, value));
  }

  @Override
  public void onTrainBegin(Map<String, Double> logs) {
    inFit = true;
    globalTrainBatch = 0;
  }

  @Override
  public void onEpochBegin(int epoch, Map<String, Double> logs) {
    epochStartIterations = iterations();
    epochStartNanos = System.nanoTime();
  }

  @Override
  public void onTrainBatchBegin(int batch, Map<String, Double> logs) {
    globalTrainBatch++;
    batchStartNanos = System.nanoTime();
  }

  @Override
  public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
    if (updateFreq == 0 || globalTrainBatch % updateFreq != 0) {
      return; // batch logs are computed only when read
    }
    if (writeStepsPerSecond) {
      scalar("train", "batch_steps_per_second", 1e9 / Math.max(1, System.nanoTime() - batchStartNanos),
          globalTrainBatch);
    }
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      scalar("train", "batch_" + e.getKey(), e.getValue(), globalTrainBatch);
    }
  }

  @Override
  public void onTestEnd(Map<String, Double> logs) {
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      scalar("validation", "evaluation_" + e.getKey() + "_vs_iterations", e.getValue(), iterations());
    }
    if (!inFit) {
      close(); // a standalone evaluate: nothing else will close the file
    }
  }

  @Override
  public void onEpochEnd(int epoch, Map<String, Double> logs) {
    Map<String, Double> train = new LinkedHashMap<>();
    Map<String, Double> val = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      if (e.getKey().startsWith("val_")) {
        val.put(e.getKey().substring(4), e.getValue());
      } else {
        train.put(e.getKey(), e.getValue());
      }
    }
    Optimizer opt = model == null ? null : model.optimizer();
    if (opt != null) {
      train.put("learning_rate", opt.learningRate());
    }
    if (writeStepsPerSecond) {
      double secs = Math.max(1, System.nanoTime() - epochStartNanos) / 1e9;
      train.put("steps_per_second", (iterations() - epochStartIterations) / secs);
    }
    train.forEach((name, v) -> scalar("train", "epoch_" + name, v, epoch));
    val.forEach((name, v) -> scalar("validation", "epoch_" + name, v, epoch));
    if (histogramFreq > 0 && epoch % histogramFreq == 0) {
      writeHistograms(epoch);
    }
    writers.values().forEach(EventFileWriter::flush);
  }

  private void writeHistograms(int epoch) {
    for (Layer layer : model.layers()) {
      for (Variable w : layer.weights()) {
        String tag = w.name().replace(':', '_') + "/histogram";
        writer("train").write(TensorBoardEvents.histogram(EventFileWriter.wallTime(), epoch, tag,
            w.peek().toDoubleArray()));
      }
    }
  }

  @Override
  public void onTrainEnd(Map<String, Double> logs) {
    inFit = false;
    close();
  }

  private void close() {
    writers.values().forEach(EventFileWriter::close);
    writers.clear();
  }

  private long iterations() {
    return model == null || model.optimizer() == null ? 0 : model.optimizer().iterations();
  }

  /** Keras's arguments; bad values fail naming the argument. */
  public static final class Builder {
    private Path logDir = Path.of("logs");
    private int histogramFreq;
    private int updateFreq;
    private boolean writeStepsPerSecond;

    private Builder() {}

    /** Where the "train" and "validation" directories go (Keras's {@code log_dir}, default "logs"). */
    public Builder logDir(Path logDir) {
      this.logDir = java.util.Objects.requireNonNull(logDir, "TensorBoard: log_dir must not be null");
      return this;
    }

    /** Weight histograms every {@code epochs} epochs; 0 (the default): none. */
    public Builder histogramFreq(int epochs) {
      if (epochs < 0) {
        throw new IllegalArgumentException("TensorBoard: histogram_freq must be >= 0, got " + epochs);
      }
      histogramFreq = epochs;
      return this;
    }

    /** {@code "epoch"} (the default): scalars per epoch only; {@code "batch"}: also every batch. */
    public Builder updateFreq(String freq) {
      switch (String.valueOf(freq)) {
        case "epoch":
          updateFreq = 0;
          return this;
        case "batch":
          updateFreq = 1;
          return this;
        default:
          throw new IllegalArgumentException("TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive "
              + "integer, got '" + freq + "'");
      }
    }

    /** Batch scalars every {@code batches} training batches (as well as per epoch). */
    public Builder updateFreq(int batches) {
      if (batches < 1) {
        throw new IllegalArgumentException("TensorBoard: update_freq must be \"epoch\", \"batch\" or a positive "
            + "integer, got " + batches);
      }
      updateFreq = batches;
      return this;
    }

    /** Also log training steps per second, per epoch and per written batch. */
    public Builder writeStepsPerSecond(boolean on) {
      writeStepsPerSecond = on;
      return this;
    }

    public TensorBoard build() {
      return new TensorBoard(this);
    }
  }
}

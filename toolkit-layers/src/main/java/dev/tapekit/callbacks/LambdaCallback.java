package dev.tapekit.callbacks;

import java.util.Map;

/**
 * Keras's LambdaCallback: a callback from functions, each hook optional.
 *
 * <pre>{@code
 * LambdaCallback.builder()
 *     .onEpochEnd((epoch, logs) -> System.out.println(epoch + ": " + logs.get("loss")))
 *     .onTrainEnd(logs -> done.countDown())
 *     .build();
 * }</pre>
 *
 * As Keras's: {@code onEpochBegin/onEpochEnd} get (epoch, logs), {@code onTrainBatchBegin/End} (batch,
 * logs), {@code onTrainBegin/End} (logs); {@code onBatchBegin/End} are Keras's other names for the train
 * batch hooks, and the test and predict hooks are there too (Keras takes them as keyword arguments).
 */
public final class LambdaCallback extends Callback {
  /** A hook given the epoch index and the logs. */
  @FunctionalInterface
  public interface EpochHook {
    void call(int epoch, Map<String, Double> logs);
  }

  /** A hook given the batch index and the logs. */
  @FunctionalInterface
  public interface BatchHook {
    void call(int batch, Map<String, Double> logs);
  }

  /** A hook given the logs. */
  @FunctionalInterface
  public interface LogsHook {
    void call(Map<String, Double> logs);
  }

  private static final EpochHook NO_EPOCH = (e, l) -> {};
  private static final BatchHook NO_BATCH = (b, l) -> {};
  private static final LogsHook NO_LOGS = l -> {};

  private final Builder b;

  private LambdaCallback(Builder b) {
    this.b = b.copy();
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override public void onTrainBegin(Map<String, Double> logs) { b.trainBegin.call(logs); }
  @Override public void onTrainEnd(Map<String, Double> logs) { b.trainEnd.call(logs); }
  @Override public void onEpochBegin(int epoch, Map<String, Double> logs) { b.epochBegin.call(epoch, logs); }
  @Override public void onEpochEnd(int epoch, Map<String, Double> logs) { b.epochEnd.call(epoch, logs); }
  @Override public void onTrainBatchBegin(int batch, Map<String, Double> logs) { b.trainBatchBegin.call(batch, logs); }
  @Override public void onTrainBatchEnd(int batch, Map<String, Double> logs) { b.trainBatchEnd.call(batch, logs); }
  @Override public void onTestBegin(Map<String, Double> logs) { b.testBegin.call(logs); }
  @Override public void onTestEnd(Map<String, Double> logs) { b.testEnd.call(logs); }
  @Override public void onTestBatchBegin(int batch, Map<String, Double> logs) { b.testBatchBegin.call(batch, logs); }
  @Override public void onTestBatchEnd(int batch, Map<String, Double> logs) { b.testBatchEnd.call(batch, logs); }
  @Override public void onPredictBegin(Map<String, Double> logs) { b.predictBegin.call(logs); }
  @Override public void onPredictEnd(Map<String, Double> logs) { b.predictEnd.call(logs); }
  @Override public void onPredictBatchBegin(int batch, Map<String, Double> logs) { b.predictBatchBegin.call(batch, logs); }
  @Override public void onPredictBatchEnd(int batch, Map<String, Double> logs) { b.predictBatchEnd.call(batch, logs); }

  /** Sets hooks; each may be set once (a second function for the same hook fails naming it). */
  public static final class Builder {
    private LogsHook trainBegin = NO_LOGS;
    private LogsHook trainEnd = NO_LOGS;
    private EpochHook epochBegin = NO_EPOCH;
    private EpochHook epochEnd = NO_EPOCH;
    private BatchHook trainBatchBegin = NO_BATCH;
    private BatchHook trainBatchEnd = NO_BATCH;
    private LogsHook testBegin = NO_LOGS;
    private LogsHook testEnd = NO_LOGS;
    private BatchHook testBatchBegin = NO_BATCH;
    private BatchHook testBatchEnd = NO_BATCH;
    private LogsHook predictBegin = NO_LOGS;
    private LogsHook predictEnd = NO_LOGS;
    private BatchHook predictBatchBegin = NO_BATCH;
    private BatchHook predictBatchEnd = NO_BATCH;

    private Builder() {}

    public Builder onTrainBegin(LogsHook f) { trainBegin = once("on_train_begin", trainBegin, f); return this; }
    public Builder onTrainEnd(LogsHook f) { trainEnd = once("on_train_end", trainEnd, f); return this; }
    public Builder onEpochBegin(EpochHook f) { epochBegin = once("on_epoch_begin", epochBegin, f); return this; }
    public Builder onEpochEnd(EpochHook f) { epochEnd = once("on_epoch_end", epochEnd, f); return this; }
    public Builder onTrainBatchBegin(BatchHook f) { trainBatchBegin = once("on_train_batch_begin", trainBatchBegin, f); return this; }
    public Builder onTrainBatchEnd(BatchHook f) { trainBatchEnd = once("on_train_batch_end", trainBatchEnd, f); return this; }
    /** Keras's {@code on_batch_begin}: the train batch hook. */
    public Builder onBatchBegin(BatchHook f) { return onTrainBatchBegin(f); }
    /** Keras's {@code on_batch_end}: the train batch hook. */
    public Builder onBatchEnd(BatchHook f) { return onTrainBatchEnd(f); }
    public Builder onTestBegin(LogsHook f) { testBegin = once("on_test_begin", testBegin, f); return this; }
    public Builder onTestEnd(LogsHook f) { testEnd = once("on_test_end", testEnd, f); return this; }
    public Builder onTestBatchBegin(BatchHook f) { testBatchBegin = once("on_test_batch_begin", testBatchBegin, f); return this; }
    public Builder onTestBatchEnd(BatchHook f) { testBatchEnd = once("on_test_batch_end", testBatchEnd, f); return this; }
    public Builder onPredictBegin(LogsHook f) { predictBegin = once("on_predict_begin", predictBegin, f); return this; }
    public Builder onPredictEnd(LogsHook f) { predictEnd = once("on_predict_end", predictEnd, f); return this; }
    public Builder onPredictBatchBegin(BatchHook f) { predictBatchBegin = once("on_predict_batch_begin", predictBatchBegin, f); return this; }
    public Builder onPredictBatchEnd(BatchHook f) { predictBatchEnd = once("on_predict_batch_end", predictBatchEnd, f); return this; }

    public LambdaCallback build() {
      return new LambdaCallback(this);
    }

    private static <T> T once(String hook, T current, T f) {
      if (f == null) {
        throw new IllegalArgumentException("LambdaCallback: " + hook + " must not be null");
      }
      if (current != NO_LOGS && current != NO_EPOCH && current != NO_BATCH) {
        throw new IllegalStateException("LambdaCallback: " + hook + " is already set");
      }
      return f;
    }

    private Builder copy() {
      Builder c = new Builder();
      c.trainBegin = trainBegin; c.trainEnd = trainEnd; c.epochBegin = epochBegin; c.epochEnd = epochEnd;
      c.trainBatchBegin = trainBatchBegin; c.trainBatchEnd = trainBatchEnd;
      c.testBegin = testBegin; c.testEnd = testEnd; c.testBatchBegin = testBatchBegin; c.testBatchEnd = testBatchEnd;
      c.predictBegin = predictBegin; c.predictEnd = predictEnd;
      c.predictBatchBegin = predictBatchBegin; c.predictBatchEnd = predictBatchEnd;
      return c;
    }
  }
}

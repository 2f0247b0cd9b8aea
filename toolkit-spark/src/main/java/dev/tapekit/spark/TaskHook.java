package dev.tapekit.spark;

import java.io.Serializable;

/**
 * Called at the start of every training task, before it computes anything; for fault-injection tests
 * and tracing. Throwing fails the task attempt (Spark retries it).
 */
@FunctionalInterface
public interface TaskHook extends Serializable {
  /**
   * @param round the job's round (sync and synchronousBarrier: global step; averaging: global round), 0-based
   * @param partition the partition the task trains on
   * @param attempt Spark's attempt number of this task, 0 for the first (synchronousBarrier: the stage's attempt
   *     number, as Spark retries a barrier stage as a whole; the hook is called before every step there)
   */
  void beforeTask(long round, int partition, int attempt);
}

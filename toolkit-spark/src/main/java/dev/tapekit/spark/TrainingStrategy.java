package dev.tapekit.spark;

import java.io.Serializable;
import java.time.Duration;

/** How {@link SparkTrainer} combines the partitions' work. */
public sealed interface TrainingStrategy extends Serializable
    permits TrainingStrategy.Averaging, TrainingStrategy.SyncGradients, TrainingStrategy.SyncBarrier {

  /**
   * Parameter averaging: every partition runs {@code everySteps} local steps from the same
   * parameters and optimizer state, then the driver averages parameters and optimizer state
   * (weighted by the samples each partition trained on). One Spark job per round of k steps.
   *
   * @param everySteps local steps between averages, k >= 1
   */
  record Averaging(int everySteps) implements TrainingStrategy {
    public Averaging {
      if (everySteps < 1) {
        throw new IllegalArgumentException("averaging: everySteps must be >= 1, got " + everySteps);
      }
    }
  }

  /**
   * Synchronous gradient all-reduce: one Spark job per step; each partition returns the gradient of its
   * share of the global-batch loss, the driver sums them and applies one update. P partitions with
   * batch b train exactly like one process with batch P*b (up to float rounding).
   */
  record SyncGradients() implements TrainingStrategy {}

  /**
   * Synchronous gradient all-reduce in Spark's barrier execution mode: one Spark stage per epoch with one
   * long-lived task per partition; after every step's backward pass the tasks all-reduce their gradients among
   * themselves over TCP and each applies the same update to its own replica. Trains exactly like
   * {@link SyncGradients} (the same sums in the same order) without a Spark job per step. Needs a task slot per
   * partition at once and no dynamic allocation; a failed task fails the stage, which Spark reruns from the
   * epoch's start (docs/distributed.md, "synchronousBarrier").
   *
   * @param peerTimeout how long a task waits for a peer (to connect, or for a step's data) before failing the
   *     stage with the peer's rank and address
   */
  record SyncBarrier(Duration peerTimeout) implements TrainingStrategy {
    public SyncBarrier {
      if (peerTimeout == null || peerTimeout.isNegative() || peerTimeout.isZero()
          || peerTimeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("synchronousBarrier: peerTimeout must be between 1 ms and "
            + Integer.MAX_VALUE + " ms, got " + peerTimeout);
      }
    }

    int timeoutMillis() {
      return (int) Math.max(1, peerTimeout.toMillis());
    }

    /** Refuses what Spark refuses for barrier stages, before any work: dynamic allocation. */
    static void requireSupported(org.apache.spark.SparkConf conf) {
      boolean local = conf.get("spark.master", "local").startsWith("local");
      if (!local && conf.getBoolean("spark.dynamicAllocation.enabled", false)) {
        throw new IllegalStateException("synchronousBarrier: Spark's barrier mode does not run with dynamic "
            + "allocation (spark.dynamicAllocation.enabled=true); set it to false, or use averaging(k) or "
            + "syncGradients()");
      }
    }
  }

  /** Parameter averaging every {@code k} local steps (the default, with k = 4). */
  static TrainingStrategy averaging(int k) {
    return new Averaging(k);
  }

  /** Synchronous gradient all-reduce, one job per step. */
  static TrainingStrategy syncGradients() {
    return new SyncGradients();
  }

  /** Synchronous gradient all-reduce in barrier mode, one stage per epoch; peers time out after 2 minutes. */
  static TrainingStrategy synchronousBarrier() {
    return new SyncBarrier(Duration.ofMinutes(2));
  }

  /** {@link #synchronousBarrier()} with another peer timeout. */
  static TrainingStrategy synchronousBarrier(Duration peerTimeout) {
    return new SyncBarrier(peerTimeout);
  }
}

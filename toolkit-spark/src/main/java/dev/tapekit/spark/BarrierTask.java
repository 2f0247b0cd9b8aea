package dev.tapekit.spark;

import dev.tapekit.models.Model;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * One long-lived barrier task of {@code synchronousBarrier}: trains the stage's epochs on its partition's block. Every
 * task starts from the broadcast weights and optimizer state; after each step's backward pass the tasks
 * all-reduce their results ({@link StarAllReduce}), and each applies the same combined update
 * ({@link SyncUpdate}) to its own replica, so the replicas stay identical. Rank 0 returns the final weights,
 * optimizer state and each epoch's loss; the others return nothing.
 *
 * <p>A task is a pure function of (plan, broadcast, partition): when Spark retries the stage, every task
 * starts again from the same broadcast and ends with the same bits.
 */
final class BarrierTask extends AbstractFunction1<scala.collection.Iterator<Block>,
    scala.collection.Iterator<BarrierResult>> implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BarrierTask.class);

  private final Plan plan;
  private final Broadcast<BarrierInput> input;

  BarrierTask(Plan plan, Broadcast<BarrierInput> input) {
    this.plan = plan;
    this.input = input;
  }

  @Override
  public scala.collection.Iterator<BarrierResult> apply(scala.collection.Iterator<Block> blocks) {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    Block block = onlyBlock(CollectionConverters.asJava(blocks), ctx.partitionId());
    BarrierInput in = input.value();
    // the executor's address as Spark advertises it (SPARK_LOCAL_IP / the worker's --host; the driver's in local mode)
    String host = org.apache.spark.SparkEnv.get().blockManager().blockManagerId().host();
    int partitions = ctx.getTaskInfos().length;
    try (StarAllReduce peers = StarAllReduce.connect(ctx.partitionId(), partitions, host, in.timeoutMillis(),
        ctx::allGather)) {
      BarrierResult r = epochs(plan, in, block, peers, ctx.stageAttemptNumber(), ctx);
      return CollectionConverters.asScala(r == null ? List.<BarrierResult>of().iterator() : List.of(r).iterator());
    }
  }

  /**
   * The stage's epochs on this task's replica. {@code attempt} goes to the task hook (Spark retries a barrier
   * stage as a whole, so it is the stage's attempt); {@code ctx} is checked for a kill between steps (may be null).
   * All ranks stop after an epoch whose loss is not finite (rank 0 sends every rank the epoch's running loss).
   */
  static BarrierResult epochs(Plan plan, BarrierInput in, Block block, StarAllReduce peers, int attempt,
      org.apache.spark.TaskContext ctx) {
    int partition = peers.rank();
    Model model = Worker.newModel(plan.factory(), Seeds.mix(plan.seed(), -2, in.firstEpoch(), partition));
    Flat.unpack(in.weights(), model.weights());
    in.opt().restoreInto(model.optimizer(), model.trainableVariables());
    boolean hasNonTrainable = !model.nonTrainableWeights().isEmpty();
    double[] lossSums = new double[in.epochs()];
    long[] rowsPerEpoch = new long[in.epochs()];
    int done = 0;
    long t0 = System.nanoTime();
    while (done < in.epochs()) {
      int epoch = in.firstEpoch() + done;
      double[] loss = {0}; // rank 0's running sum; every rank gets it back with each step's update
      for (int step = 0; step < in.stepsPerEpoch(); step++) {
        if (ctx != null) {
          ctx.killTaskIfInterrupted(); // the stage failed elsewhere: stop between steps
        }
        Worker.announce(plan, (long) epoch * in.stepsPerEpoch() + step, partition, attempt);
        StepShape shape = StepShape.of(in.sizes(), plan.batchSize(), step);
        int[] rows = Worker.batchRows(plan, block, partition, epoch, step);
        PartitionResult mine = rows.length == 0 ? new PartitionResult(partition, 0, 0, null, null, null)
            : Worker.gradients(plan, model, partition, block, rows, shape);
        double[][] update = peers.allReduce(mine, all -> {
          for (PartitionResult r : all) {
            loss[0] += r.lossSum(); // partition order, as the driver of syncGradients adds them
          }
          SyncUpdate u = SyncUpdate.combine(all, hasNonTrainable);
          return new double[][] {u.gradients(), u.nonTrainable(), {loss[0]}};
        });
        new SyncUpdate(update[0], update[1]).applyTo(model);
        lossSums[done] = update[2][0];
        rowsPerEpoch[done] += shape.rows();
      }
      done++;
      if (!Double.isFinite(lossSums[done - 1] / rowsPerEpoch[done - 1])) {
        break; // the driver stops here, as fit() with TerminateOnNaN does
      }
    }
    LOG.debug("barrier task {} of {}: epochs {}-{}, {} steps each, in {} ms", partition, peers.size(),
        in.firstEpoch() + 1, in.firstEpoch() + done, in.stepsPerEpoch(), (System.nanoTime() - t0) / 1_000_000);
    if (partition != 0) {
      return null;
    }
    return new BarrierResult(Flat.pack(model.weights()), OptState.of(model.optimizer(), model.trainableVariables()),
        java.util.Arrays.copyOf(lossSums, done), java.util.Arrays.copyOf(rowsPerEpoch, done));
  }

  /** The partition's one cached block, its iterator read to the end (Spark then releases the block's lock). */
  private static Block onlyBlock(Iterator<Block> it, int partition) {
    List<Block> all = new ArrayList<>(1);
    it.forEachRemaining(all::add);
    if (all.size() != 1) {
      throw new IllegalStateException("partition " + partition + " holds " + all.size() + " blocks, expected 1");
    }
    return all.get(0);
  }
}

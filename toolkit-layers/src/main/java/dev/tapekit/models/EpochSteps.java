package dev.tapekit.models;

import dev.tapekit.data.Batch;
import dev.tapekit.data.BatchSource;
import dev.tapekit.data.SourceIterator;
import java.util.Iterator;

/**
 * Keras's EpochIterator over a {@link BatchSource}: without {@code steps} each epoch is a new pass to
 * the source's end; with {@code steps} an epoch is that many batches and one pass continues across
 * epochs, a new pass starting only when the source ran out. Running out before {@code steps} warns as
 * Keras does and ends the epoch early.
 */
final class EpochSteps implements AutoCloseable {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EpochSteps.class);

  /** One step of a loop; false stops the epoch (stop_training). */
  interface Step {
    boolean run(int index, Batch batch);
  }

  private final BatchSource source;
  private final Integer steps;
  private final boolean freshBatches;
  /** The batches of one pass: the source's cardinality, or found when a pass ran out; null while unknown. */
  private Long numBatches;
  private Iterator<Batch> current;
  private long seen;
  private Batch peeked;

  EpochSteps(BatchSource source, Integer steps, String what) {
    if (source == null) {
      throw new IllegalArgumentException(what + ": the data source is null");
    }
    if (steps != null && steps < 1) {
      throw new IllegalArgumentException(what + ": steps must be >= 1, got " + steps);
    }
    long c = source.cardinality();
    if (c == BatchSource.INFINITE && steps == null) {
      // tf.keras's message (Keras 3 would run its first epoch forever)
      throw new IllegalArgumentException(what + ": When passing an infinitely repeating dataset, please specify a `"
          + (what.equals("fit") ? "steps_per_epoch" : what.equals("validation") ? "validation_steps" : "steps")
          + "` value so that epoch level callbacks continue to work.");
    }
    this.source = source;
    this.steps = steps;
    this.freshBatches = source.freshBatches();
    this.numBatches = c >= 0 ? c : null;
  }

  /** Batches per epoch for the progress bar: steps, or the known cardinality, or 0 (unknown). */
  int knownSteps() {
    return steps != null ? steps : numBatches != null ? (int) Math.min(Integer.MAX_VALUE, numBatches) : 0;
  }

  /** The first batch of the next epoch, without consuming it (to build the model); null if there is none. */
  Batch peek() {
    if (peeked == null) {
      if (current == null) {
        open();
      }
      peeked = current.hasNext() ? current.next() : null;
    }
    return peeked;
  }

  /** Runs one epoch; returns the number of steps run. */
  int epoch(Step step) {
    long limit = steps != null ? steps : numBatches != null ? numBatches : -1;
    if (current == null) {
      open();
    }
    int done = 0;
    boolean keepGoing = true;
    while (keepGoing && (limit < 0 || done < limit)) {
      if (numBatches != null && seen >= numBatches) {
        if (steps != null) {
          ranOut();
        }
        break;
      }
      Batch b = peeked != null ? peeked : current.hasNext() ? current.next() : null;
      peeked = null;
      if (b == null) {
        if (numBatches == null) {
          numBatches = seen; // running out is how an unknown size is found
        }
        if (steps != null) {
          ranOut();
        }
        seen = numBatches; // the pass is over: the next epoch starts a new one
        break;
      }
      seen++;
      try {
        keepGoing = step.run(done, b);
      } finally {
        if (freshBatches) {
          BatchSource.free(b);
        }
      }
      done++;
    }
    if (steps == null || (numBatches != null && seen >= numBatches)) {
      closeCurrent();
    }
    return done;
  }

  private void ranOut() {
    LOG.warn("Your input ran out of data; interrupting training. Make sure that your dataset or generator can "
        + "generate at least `steps_per_epoch * epochs` batches. You may need to use the `.repeat()` function "
        + "when building your dataset.");
  }

  private void open() {
    current = source.iterator();
    seen = 0;
  }

  private void closeCurrent() {
    if (current != null) {
      SourceIterator.closeIfNeeded(current);
      current = null;
    }
  }

  @Override
  public void close() {
    if (peeked != null && freshBatches) {
      BatchSource.free(peeked);
    }
    peeked = null;
    closeCurrent();
  }
}

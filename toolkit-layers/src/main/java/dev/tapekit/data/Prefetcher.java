package dev.tapekit.data;

import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@link Pipeline#prefetch}: a background thread opens the upstream pass and reads up to {@code size}
 * elements ahead into a bounded queue. The thread ends at the pass's end, at the first error (which the
 * consumer's {@code next()} throws) or when the pass is closed.
 */
final class Prefetcher implements SourceIterator {
  private static final Object END = new Object();

  private record Failure(Throwable error) {}

  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private volatile boolean closed;
  private Object head;
  private boolean done;

  Prefetcher(Supplier<SourceIterator> open, int size) {
    queue = new ArrayBlockingQueue<>(size);
    thread = new Thread(() -> produce(open), "tapekit-prefetch");
    thread.setDaemon(true);
    thread.start();
  }

  private void produce(Supplier<SourceIterator> open) {
    SourceIterator up = null;
    try {
      up = open.get();
      while (!closed && up.hasNext()) {
        queue.put(up.next());
      }
      put(END);
    } catch (InterruptedException e) {
      // closed by the consumer
    } catch (Throwable e) {
      put(new Failure(e));
    } finally {
      if (up != null) {
        up.close();
      }
    }
  }

  /** Puts a last item unless the consumer closed the pass (then nobody reads it). */
  private void put(Object last) {
    try {
      while (!closed && !queue.offer(last, 100, TimeUnit.MILLISECONDS)) {
        // the consumer is busy with a step; wait for room
      }
    } catch (InterruptedException e) {
      // closed by the consumer
    }
  }

  @Override
  public boolean hasNext() {
    if (done) {
      return false;
    }
    if (head == null) {
      try {
        head = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("Pipeline.prefetch: interrupted while waiting for the next element", e);
      }
    }
    if (head == END) {
      done = true;
      return false;
    }
    if (head instanceof Failure f) {
      done = true;
      head = null;
      rethrow(f.error());
    }
    return true;
  }

  @Override
  public Batch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Batch b = (Batch) head;
    head = null;
    return b;
  }

  private static void rethrow(Throwable e) {
    // the reading thread's own error, in the training thread
    if (e instanceof RuntimeException r) {
      throw r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException("Pipeline.prefetch: reading the next element failed: " + e, e);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    done = true;
    thread.interrupt();
    queue.clear();
  }

  /** The reading thread, for tests that check it ended. */
  Thread thread() {
    return thread;
  }
}

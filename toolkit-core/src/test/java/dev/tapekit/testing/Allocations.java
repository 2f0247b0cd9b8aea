package dev.tapekit.testing;

import java.lang.management.ManagementFactory;

/** Heap bytes a piece of code allocates on the calling thread (HotSpot's per-thread allocation counter). */
public final class Allocations {
  private Allocations() {}

  /** Code that may throw anything. */
  public interface Body {
    void run() throws Throwable;
  }

  /** What {@link #measure} saw: the bytes allocated and what the body threw (null if nothing). */
  public record Result(long bytes, Throwable thrown) {}

  /** Runs {@code body} and returns the bytes it allocated on this thread and what it threw. */
  public static Result measure(Body body) {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(id);
    Throwable thrown = null;
    try {
      body.run();
    } catch (Throwable t) {
      thrown = t;
    }
    return new Result(mx.getThreadAllocatedBytes(id) - before, thrown);
  }
}

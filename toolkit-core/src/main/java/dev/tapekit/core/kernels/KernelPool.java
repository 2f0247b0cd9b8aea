package dev.tapekit.core.kernels;

import dev.tapekit.core.backend.Backend;
import dev.tapekit.core.backend.Denormals;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The one thread pool tapekit's own kernels split large work over ({@link Backend#threads()} threads,
 * the calling thread included; docs/core.md "Threads").
 *
 * <p>{@link #parallelFor} cuts {@code [0, n)} into at most 4 x {@code threads} consecutive ranges of
 * at least {@code grain} units, claimed by whichever thread is free, and runs them on the caller and the pool's workers; below two grains it
 * runs the body inline, with no hand-off. Kernels only split over independent outputs (or reductions
 * in a fixed order), so results are bit-identical for every thread count.
 *
 * <p>Rules for a body: it may only touch memory whose owner the caller keeps reachable (the caller
 * returns only after every range has finished, so a {@link NativeView} opened around the call, or one
 * opened inside the body, is enough); it must not share a {@link NativeView}'s bulk copies with other
 * ranges (their pointer position is per view: open one per range); it must not call BLAS (BLAS has its
 * own threads, see {@link Gemm}). Workers flush subnormals exactly when the caller does.
 *
 * <p>One job at a time: a second caller (another training thread, or a body calling a kernel) runs
 * inline rather than waiting or oversubscribing the cores. Workers are daemon threads named
 * {@code tapekit-kernel-N}, started on first need; idle ones spin for tens of microseconds (a few thousand pauses), then park.
 */
public final class KernelPool {
  /** A range of work units [from, to). */
  public interface Range {
    void run(int from, int to);
  }

  /** Spins of an idle worker before it parks: back-to-back kernels of one step find it awake. */
  private static final int SPINS = 2_000;

  private static volatile int threads = Backend.threads();
  private static final AtomicBoolean BUSY = new AtomicBoolean();
  private static final java.util.concurrent.atomic.AtomicLong JOBS = new java.util.concurrent.atomic.AtomicLong();
  private static volatile Worker[] workers = new Worker[0];
  /** The job workers take; replaced (never reused) for each parallel call. */
  private static volatile Job current;

  private KernelPool() {}

  /** Threads a kernel may use now, the caller included. */
  public static int threads() {
    return threads;
  }

  /** Parallel calls that handed ranges to workers so far (tests check that large work is split). */
  public static long jobsRun() {
    return JOBS.get();
  }

  /**
   * Ranges per thread: on a shared machine a worker may get no core for a while; with several ranges
   * each, whoever runs takes the next one, and the caller waits at most for one range in flight.
   */
  private static final int RANGES_PER_THREAD = 4;

  /** How many ranges {@link #parallelFor} would cut {@code n} units into (1: inline). */
  public static int parts(int n, int grain) {
    int t = threads;
    if (t <= 1 || n < 2L * Math.max(1, grain)) {
      return 1;
    }
    return (int) Math.min((long) t * RANGES_PER_THREAD, n / Math.max(1, grain));
  }

  /**
   * Runs {@code body} over {@code [0, n)}, split into ranges of at least {@code grain} units across the
   * pool when there are at least two grains of work, else inline; returns when every range is done and
   * rethrows the first failure.
   */
  public static void parallelFor(int n, int grain, Range body) {
    int parts = parts(n, grain);
    if (parts <= 1 || Thread.currentThread() instanceof Worker || !BUSY.compareAndSet(false, true)) {
      if (n > 0) {
        body.run(0, n);
      }
      return;
    }
    try {
      JOBS.incrementAndGet();
      int helpers = Math.min(parts, threads) - 1;
      Job job = new Job(n, parts, helpers, body, Thread.currentThread(), Denormals.flushing());
      Worker[] w = workers(helpers);
      current = job;
      for (int i = 0; i < helpers; i++) {
        LockSupport.unpark(w[i]);
      }
      job.work();
      job.await();
      current = null;
      Throwable error = job.error;
      if (error instanceof RuntimeException r) {
        throw r;
      } else if (error instanceof Error e) {
        throw e;
      } else if (error != null) {
        throw new IllegalStateException(error);
      }
    } finally {
      BUSY.set(false);
    }
  }

  /**
   * Runs {@code body} with kernels limited to {@code count} threads (more than the configured count
   * starts more workers): for comparing thread counts, as the tests of bit-identical results do. Not
   * for concurrent use with other callers of this method.
   */
  public static <T> T withThreads(int count, Supplier<T> body) {
    if (count < 1) {
      throw new IllegalArgumentException("KernelPool.withThreads: count must be >= 1, got " + count);
    }
    int before = threads;
    threads = count;
    try {
      return body.get();
    } finally {
      threads = before;
    }
  }

  private static Worker[] workers(int needed) {
    Worker[] w = workers;
    if (w.length >= needed) {
      return w;
    }
    synchronized (KernelPool.class) {
      w = workers;
      if (w.length < needed) {
        Worker[] grown = java.util.Arrays.copyOf(w, needed);
        for (int i = w.length; i < needed; i++) {
          grown[i] = new Worker(i + 1);
          grown[i].start();
        }
        workers = w = grown;
      }
      return w;
    }
  }

  /** One parallel call: ranges are claimed by whoever comes first, the caller included. */
  private static final class Job {
    final int n;
    final int parts;
    /** Workers that may take ranges (those started for a larger count earlier stay out). */
    final int helpers;
    final Range body;
    final Thread caller;
    final boolean flush;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable error;

    Job(int n, int parts, int helpers, Range body, Thread caller, boolean flush) {
      this.n = n;
      this.parts = parts;
      this.helpers = helpers;
      this.body = body;
      this.caller = caller;
      this.flush = flush;
    }

    void work() {
      for (int i; (i = next.getAndIncrement()) < parts; ) {
        int from = (int) ((long) n * i / parts);
        int to = (int) ((long) n * (i + 1) / parts);
        try {
          body.run(from, to);
        } catch (Throwable t) {
          if (error == null) {
            error = t;
          }
        }
        if (done.incrementAndGet() == parts) {
          LockSupport.unpark(caller);
        }
      }
    }

    void await() {
      for (int spin = 0; done.get() < parts; spin++) {
        if (spin < SPINS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
        }
      }
    }
  }

  private static final class Worker extends Thread {
    private final int index;

    Worker(int index) {
      super("tapekit-kernel-" + index);
      this.index = index;
      setDaemon(true);
    }

    @Override
    public void run() {
      Job seen = null;
      while (true) {
        Job job = current;
        if (job == null || job == seen) {
          idle(seen);
          continue;
        }
        seen = job;
        if (index > job.helpers) {
          continue;
        }
        if (job.flush) {
          try (Denormals.Scope s = Denormals.flush()) {
            job.work();
          }
        } else {
          job.work();
        }
      }
    }

    /** Waits until a job other than {@code seen} is published. */
    private static void idle(Job seen) {
      for (int spin = 0; spin < SPINS; spin++) {
        Job j = current;
        if (j != null && j != seen) {
          return;
        }
        Thread.onSpinWait();
      }
      LockSupport.park();
    }
  }
}

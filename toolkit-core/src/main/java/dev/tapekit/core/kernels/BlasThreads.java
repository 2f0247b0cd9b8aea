package dev.tapekit.core.kernels;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BLAS's thread count as a mode shared by everything that calls BLAS at the same time: convolution
 * blocks on the kernel pool want BLAS on one thread (each block's product on the thread that runs the
 * block), a large dense product wants the configured count. Holders of one mode run together; the
 * other mode waits until they are done, so every product runs with the count its caller asked for.
 *
 * <p>NOTE: OpenBLAS's bits depend on its thread count (measured on 0.3.19: 12,626 of the 43,264
 * elements of a 1352x9 x 9x32 product differ in the last place between 1 and 2 threads), and its
 * count is one global ({@code openblas_set_num_threads}; JavaCPP does not bind it, JNA finds it in the
 * loaded library, ~0.7 us a call). Without the modes, a conv section on one training thread would
 * silently change the thread count of another thread's dense product, and its bits with it.
 * With another BLAS (MKL) or where the function is missing, {@link #adjustable()} is false and the conv
 * kernels run their blocks on the calling thread, as before. ND4J's own products (outside tapekit's
 * kernels) take whatever count is set when they run: the configured one outside conv sections.
 */
public final class BlasThreads {
  private static final Logger log = LoggerFactory.getLogger(BlasThreads.class);
  /** OpenBLAS runs products below m*n*k = 4 * 65,536 on one thread whatever its count (GEMM_MULTITHREAD_THRESHOLD). */
  private static final long ONE_THREAD_BELOW = 4L * 65_536;

  private static final Object LOCK = new Object();
  private static final Function SET = lookup("openblas_set_num_threads");
  private static final Function GET = lookup("openblas_get_num_threads");
  /** The count large products run with: BLAS's own when tapekit first asked (Backend set it). */
  private static volatile int configured = GET == null ? 1 : Math.max(1, GET.invokeInt(new Object[0]));
  /** The count set in the library now, the holders of that mode, and this thread's holds. */
  private static int current = configured;
  private static int holders;
  private static final ThreadLocal<int[]> HOLDS = ThreadLocal.withInitial(() -> new int[1]);

  private BlasThreads() {}

  /** True when tapekit can set BLAS's thread count (OpenBLAS, whose count it found). */
  static boolean adjustable() {
    return SET != null && GET != null;
  }

  /** The count large products run with outside single-threaded sections. */
  static int configured() {
    return configured;
  }

  /**
   * Runs {@code body} with BLAS on one thread: the conv kernels' blocks call BLAS from the kernel
   * pool's threads inside it. Waits while large products run with the configured count.
   */
  static <T> T single(Supplier<T> body) {
    boolean held = enter(1);
    try {
      return body.get();
    } finally {
      release(held);
    }
  }

  /**
   * Before a product of {@code m x k} by {@code k x n}: waits for any single-threaded section to finish
   * when the product is large enough for BLAS's threads, so it runs with the configured count. Returns
   * whether the caller must {@link #release} after the product (no allocation: a dense op's hot path).
   */
  static boolean enterProduct(long m, long n, long k) {
    return m * n * k >= ONE_THREAD_BELOW && enter(configured);
  }

  /** Ends a hold that {@link #single} or {@link #enterProduct} took ({@code held}: what it returned). */
  static void release(boolean held) {
    if (held) {
      HOLDS.get()[0]--;
      exit();
    }
  }

  /** The library's current count (tests). */
  static int libraryThreads() {
    return GET == null ? 1 : GET.invokeInt(new Object[0]);
  }

  /**
   * Runs {@code body} as if BLAS had been configured with {@code count} threads (tests: the mode
   * switch is invisible on a machine where tapekit runs BLAS on one thread). Not for concurrent use.
   */
  static <T> T withConfigured(int count, Supplier<T> body) {
    if (!adjustable()) {
      return body.get();
    }
    int before = configured;
    synchronized (LOCK) {
      configured = count;
      set(count);
    }
    try {
      return body.get();
    } finally {
      synchronized (LOCK) {
        configured = before;
        set(before);
      }
    }
  }

  /** Takes the mode {@code mode}; false when there is nothing to switch or this thread already holds one. */
  private static boolean enter(int mode) {
    if (configured <= 1 || !adjustable()) {
      return false;
    }
    int[] mine = HOLDS.get();
    if (mine[0] > 0) {
      return false; // this thread keeps the mode it holds rather than waiting on itself
    }
    mine[0]++;
    synchronized (LOCK) {
      boolean interrupted = false;
      while (holders > 0 && current != mode) {
        try {
          LOCK.wait();
        } catch (InterruptedException e) {
          interrupted = true; // a kernel finishes its work; the flag is kept for the caller
        }
      }
      if (current != mode) {
        set(mode);
      }
      holders++;
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return true;
  }

  private static void exit() {
    synchronized (LOCK) {
      if (--holders == 0) {
        if (current != configured) {
          set(configured); // ND4J's own products outside tapekit's kernels see the configured count
        }
        LOCK.notifyAll();
      }
    }
  }

  /** Sets the library's count; under LOCK. */
  private static void set(int count) {
    SET.invoke(new Object[] {count});
    current = count;
  }

  private static Function lookup(String name) {
    try {
      String jni = Loader.load(openblas_nolapack.class);
      return NativeLibrary.getInstance(jni).getFunction(name);
    } catch (Throwable t) { // MKL in OpenBLAS's place, another OS's loader, no JNA
      log.debug("BLAS thread count not adjustable ({}): conv blocks run on the calling thread", t.toString());
      return null;
    }
  }
}

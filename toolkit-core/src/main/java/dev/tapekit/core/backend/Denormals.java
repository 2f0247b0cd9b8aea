package dev.tapekit.core.backend;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flushes subnormal floats to zero while tapekit computes, as TensorFlow does on its CPU op threads.
 *
 * <p>Why: once a model fits its batches well, softmax tails, squared gradients and Adam's moments
 * underflow into the subnormal range, and every arithmetic instruction that reads or writes a
 * subnormal takes a microcode assist (~100 cycles on Intel). Measured on the development VM: the same
 * Adam update ran 5x slower on subnormal moments, and a long run on memorised data slowed from 3.5 to
 * 14 ms per step. TensorFlow sets the CPU's flush-to-zero (FTZ) and denormals-are-zero (DAZ) modes
 * around every op (its {@code ScopedFlushDenormal}); tapekit does the same around its training step,
 * the tape's backward pass and the optimizer's update, and restores the caller's mode after.
 *
 * <p>How: the modes are bits of the SSE control register MXCSR, per thread. Java cannot set them;
 * glibc's {@code fegetenv}/{@code fesetenv} can (fenv_t holds MXCSR at byte 28 on x86-64), called
 * through JNA, which ND4J already brings in. Elsewhere (other OS or CPU) this is a no-op. Off with
 * {@code -Dtapekit.flushDenormals=false}.
 *
 * <p>Use: {@code try (Denormals.Scope s = Denormals.flush()) { ... }}. Scopes nest; only the outer
 * one touches the register. A scope belongs to the thread that opened it.
 */
public final class Denormals {
  /** System property: {@code false} keeps IEEE subnormals (and their cost). */
  public static final String PROPERTY = "tapekit.flushDenormals";

  private static final Logger log = LoggerFactory.getLogger(Denormals.class);
  private static final int FENV_BYTES = 32;
  private static final int MXCSR_OFFSET = 28;
  /** MXCSR bit 15 = flush to zero, bit 6 = denormals are zero. */
  private static final int FTZ_DAZ = 0x8040;
  private static final boolean ENABLED = enable();

  private static final ThreadLocal<Scope> SCOPES = ThreadLocal.withInitial(Scope::new);

  private Denormals() {}

  /** True when this platform supports flushing and it is switched on. */
  public static boolean enabled() {
    return ENABLED;
  }

  /**
   * True when this thread is inside a {@link #flush} scope (its subnormals are flushed): the kernel pool
   * gives its worker threads the same mode as the thread that hands them work, so that results do not
   * depend on which thread computed them.
   */
  public static boolean flushing() {
    return ENABLED && SCOPES.get().depth > 0;
  }

  /** Enters a flush-to-zero region on this thread; close it to restore the previous mode. */
  public static Scope flush() {
    Scope s = SCOPES.get();
    if (ENABLED && s.depth++ == 0) {
      s.enter();
    }
    return s;
  }

  /** One per thread, reused: opening a scope allocates nothing. */
  public static final class Scope implements AutoCloseable {
    private final Memory saved;
    private final Memory flushing;
    private int depth;
    private boolean changed;

    private Scope() {
      saved = ENABLED ? new Memory(FENV_BYTES) : null;
      flushing = ENABLED ? new Memory(FENV_BYTES) : null;
    }

    private void enter() {
      LibC.fegetenv(saved);
      int mxcsr = saved.getInt(MXCSR_OFFSET);
      changed = (mxcsr & FTZ_DAZ) != FTZ_DAZ; // else someone else set the modes: leave them alone
      if (changed) {
        flushing.write(0, saved.getByteArray(0, FENV_BYTES), 0, FENV_BYTES);
        flushing.setInt(MXCSR_OFFSET, mxcsr | FTZ_DAZ);
        LibC.fesetenv(flushing);
      }
    }

    @Override
    public void close() {
      if (ENABLED && depth > 0 && --depth == 0 && changed) {
        LibC.fesetenv(saved);
      }
    }
  }

  private static boolean enable() {
    if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
      return false;
    }
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return false;
    }
    try {
      LibC.load();
      return true;
    } catch (Throwable t) { // no JNA, or a libc without fesetenv (musl has it; be safe anyway)
      log.debug("subnormal flushing unavailable: {}", t.toString());
      return false;
    }
  }

  /** glibc's floating-point environment calls, bound directly (JNA direct mapping: ~100 ns a call). */
  private static final class LibC {
    static native int fegetenv(Pointer env);

    static native int fesetenv(Pointer env);

    static void load() {
      Native.register(LibC.class, NativeLibrary.getInstance("c"));
    }
  }
}

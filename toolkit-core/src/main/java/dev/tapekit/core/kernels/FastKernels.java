package dev.tapekit.core.kernels;

import dev.tapekit.core.backend.Backend;
import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one switch in front of tapekit's own kernels (this package's Java loops, the direct CBLAS calls
 * and every {@link NativeView}). Every op asks {@link #enabled()} before it takes a kernel, and uses
 * ND4J's own ops otherwise.
 *
 * <p>NOTE: the kernels read and write an array's host memory through its address. On a non-CPU ND4J
 * backend (CUDA) that memory is a host mirror that ND4J does not synchronise with the device for us,
 * so a kernel would compute on stale data or leave the device copy stale. There every op therefore
 * runs ND4J's (device) kernels. {@link NativeView#of} refuses to make a view while the switch is off,
 * so an op that forgot to ask fails loudly instead of computing a wrong result.
 *
 * <p>System property {@value #PROPERTY}: {@code auto} (default: on exactly when ND4J runs on its CPU
 * backend, nd4j-native), {@code off} (always ND4J's ops; for comparisons and for tests), {@code on}
 * (force the kernels; only correct on the CPU backend).
 */
public final class FastKernels {
  /** System property: auto, on or off. */
  public static final String PROPERTY = "tapekit.kernels";

  private static final Logger log = LoggerFactory.getLogger(FastKernels.class);
  /** Null until first asked; then the property's or the backend's answer, or an override. */
  private static volatile Boolean enabled;

  private FastKernels() {}

  /** True when tapekit's own kernels may run: ND4J's CPU backend, and not switched off. */
  public static boolean enabled() {
    Boolean e = enabled;
    if (e == null) {
      e = decide();
      enabled = e;
    }
    return e;
  }

  /**
   * Turns the kernels off until the returned handle closes (then the previous state returns). For
   * tests and A/B comparisons in one process; not meant to be flipped while other threads run ops.
   */
  public static Restore disable() {
    boolean before = enabled();
    enabled = false;
    return () -> enabled = before;
  }

  /** Gives the previous state back; closing twice is harmless. */
  @FunctionalInterface
  public interface Restore extends AutoCloseable {
    @Override
    void close();
  }

  private static boolean decide() {
    Backend.ensureInitialized(); // asking ND4J loads it: tapekit's set-up must come first
    String v = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    boolean cpu = Nd4j.getEnvironment().isCPU();
    boolean on = switch (v) {
      case "on", "true" -> true;
      case "off", "false" -> false;
      case "auto", "" -> cpu;
      default -> {
        log.warn("{}={} is not one of auto, on, off; using auto", PROPERTY, v);
        yield cpu;
      }
    };
    if (on && !cpu) {
      log.warn("{}=on on a non-CPU ND4J backend ({}): kernels read host memory; results may be wrong",
          PROPERTY, Nd4j.getBackend().getClass().getSimpleName());
    }
    log.debug("tapekit kernels {} (ND4J backend {}, {}={})", on ? "on" : "off",
        Nd4j.getBackend().getClass().getSimpleName(), PROPERTY, v);
    return on;
  }
}

package dev.tapekit.core.backend;

import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.ProfilerConfig;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures ND4J once, before the first tensor is made: profiling, BLAS and threads.
 *
 * <p>Every entry point of tapekit that touches ND4J calls {@link #ensureInitialized()} first, so a
 * user who only adds the dependency gets tapekit's measured defaults (docs/benchmarks.md has the
 * numbers behind each choice). Everything here must happen before ND4J loads its native libraries:
 * they read their settings once, when loaded.
 *
 * <p>Defaults, measured on a 2-core x86-64 machine (docs/benchmarks.md):
 *
 * <ul>
 *   <li>ND4J's workspace checks (SCOPE_PANIC) off, except when {@code tapekit.profiling=tests}.
 *   <li>tapekit's kernels use {@link #threads()} threads (the cores available to the JVM) through
 *       {@code kernels.KernelPool}; BLAS gets as many, and splits only products large enough to gain.
 *       ND4J's own ops run on one OpenMP thread: on 2 cores a DL4J training step ran 1.7-2.8x faster
 *       than with ND4J's 2 threads, and idle OpenMP threads would spin on the cores the kernel pool
 *       uses (see {@link #chooseThreads}).
 *   <li>BLAS: MKL if its native jar is on the class path, else ND4J's OpenBLAS. MKL's jar is not a
 *       dependency of tapekit (about 210 MB; it sped up GEMMs, not the training steps measured).
 * </ul>
 *
 * <p>Overrides (system properties, set before the first tapekit call); an environment variable or
 * JavaCPP property the user set always wins:
 *
 * <ul>
 *   <li>{@code tapekit.blas=auto|openblas|mkl} (default auto). {@code org.bytedeco.openblas.load}, if
 *       set, is left alone.
 *   <li>{@code tapekit.threads=N}: the threads tapekit computes with (its kernel pool, and BLAS for
 *       large products). {@code OMP_NUM_THREADS}, {@code OPENBLAS_NUM_THREADS} and
 *       {@code OPENBLAS_THREAD_TIMEOUT}, if set in the environment, are left alone.
 * </ul>
 */
public final class Backend {
  /** System property choosing the BLAS: auto, openblas or mkl. */
  public static final String BLAS_PROPERTY = "tapekit.blas";
  /** System property setting the number of threads tapekit's kernels and large BLAS products use. */
  public static final String THREADS_PROPERTY = "tapekit.threads";
  /** JavaCPP's switch: the library its OpenBLAS preset loads in place of OpenBLAS. */
  static final String JAVACPP_BLAS_PROPERTY = "org.bytedeco.openblas.load";

  private static final Logger log = LoggerFactory.getLogger(Backend.class);
  private static volatile boolean initialized;

  private Backend() {}

  /** Applies tapekit's defaults; cheap after the first call. */
  public static void ensureInitialized() {
    if (initialized) {
      return;
    }
    synchronized (Backend.class) {
      if (initialized) {
        return;
      }
      // NOTE: these two must run before the first ND4J call, which loads libnd4j, libgomp and BLAS.
      String blas = chooseBlas();
      int blasThreads = chooseThreads();
      // NOTE: ND4J starts in SCOPE_PANIC (workspace checks on every op); tests keep it, users don't.
      if (!"tests".equals(System.getProperty("tapekit.profiling"))) {
        Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkWorkspaces(false).build());
      }
      var nd4jBlas = Nd4j.factory().blas();
      // ND4J's start-up set OpenMP and BLAS threads from Java's view of the environment, which
      // does not see setenv(): set them again (once: setMaxThreads costs milliseconds).
      if (System.getenv("OMP_NUM_THREADS") == null) {
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(1);
      }
      nd4jBlas.setMaxThreads(blasThreads);
      String vendor = String.valueOf(nd4jBlas.getBlasVendor());
      if (blas.equals("mkl") != vendor.equals("MKL")) {
        log.warn("tapekit chose {} but ND4J runs on {}: was ND4J used before tapekit?", blas, vendor);
      }
      log.debug("ND4J: BLAS {} with {} threads; ND4J ops with {} threads, OpenMP {}", vendor,
          nd4jBlas.getMaxThreads(), Nd4j.getEnvironment().maxThreads(),
          NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
      initialized = true;
    }
  }

  /**
   * Picks the BLAS and tells JavaCPP; returns "mkl" or "openblas". Only MKL needs a property: the
   * OpenBLAS that ND4J bundles (0.3.19) picked its AVX-512 (SkylakeX) kernels by itself on the
   * machine measured.
   */
  static String chooseBlas() {
    String user = System.getProperty(JAVACPP_BLAS_PROPERTY);
    if (user != null) {
      log.debug("{}={} set by the user; tapekit leaves the BLAS alone", JAVACPP_BLAS_PROPERTY, user);
      return user.toLowerCase(Locale.ROOT).startsWith("mkl") ? "mkl" : "openblas";
    }
    String wanted = System.getProperty(BLAS_PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    boolean mkl = !wanted.equals("openblas") && mklOnClassPath();
    if (wanted.equals("mkl") && !mkl) {
      log.warn("{}=mkl but MKL's native jar (org.bytedeco:mkl:2022.0-1.5.7:{}-redist) is not on the "
          + "class path; using OpenBLAS", BLAS_PROPERTY, platform());
    }
    if (mkl) {
      System.setProperty(JAVACPP_BLAS_PROPERTY, "mkl");
      return "mkl";
    }
    return "openblas";
  }

  /**
   * The threads tapekit's kernels compute with: {@code tapekit.threads} when it is a positive number,
   * else the processors available to the JVM ({@code Runtime.availableProcessors()}, which on JDK 17
   * already honours cgroup CPU quotas and cpusets). BLAS gets {@link #blasThreads}.
   */
  public static int threads() {
    int n = requestedThreads();
    return n > 0 ? n : defaultThreads(Runtime.getRuntime().availableProcessors());
  }

  /** The default thread count for {@code cores} available processors: every core. */
  static int defaultThreads(int cores) {
    return Math.max(1, cores);
  }

  /**
   * BLAS's thread count for {@code threads} kernel threads: the same, except that 2 give BLAS 1.
   * NOTE: on 2 cores BLAS's second thread lost in every fit measured (docs/benchmarks.md, seventh
   * session: with the pool and BLAS on 2, W1 0.86x and W2 0.41x of one thread; with the pool on 2 and
   * BLAS on 1, W1 1.02-1.12x, W2 1.15-1.24x, W3 0.94-1.31x, W4 1.47-1.61x): that core also carries the
   * JIT, the GC, the kernel pool's worker and the OS. Results are the same as on one thread (kernels
   * and conv blocks give the same bits for every pool size; BLAS stays on one thread).
   */
  public static int blasThreads(int threads) {
    return threads == 2 ? 1 : threads;
  }

  /** {@code tapekit.threads} when it is a positive number, else 0 (a bad value warns). */
  private static int requestedThreads() {
    String prop = System.getProperty(THREADS_PROPERTY);
    if (prop == null) {
      return 0;
    }
    try {
      int n = Integer.parseInt(prop.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException e) {
      // warned below
    }
    log.warn("{}={} is not a positive number; ignored", THREADS_PROPERTY, prop);
    return 0;
  }

  /**
   * Thread counts applied through the C environment before libnd4j, libgomp and OpenBLAS load (ND4J
   * M2.1 ignores {@code Environment.setMaxThreads} and the libraries read their variables only at
   * start-up; ND4J loads two OpenBLAS copies, and only the environment reaches both):
   *
   * <ul>
   *   <li>OMP_NUM_THREADS=1, ND4J's own ops: tapekit's parallel work runs on its kernel pool, and
   *       ND4J's OpenMP threads would spin-wait between ops on the same cores (with 2 cores, ND4J's
   *       default of 2 OpenMP threads plus 2 BLAS threads made every small op wait on hand-offs).
   *   <li>OPENBLAS_NUM_THREADS={@link #blasThreads} of {@link #threads()}: OpenBLAS runs products below m*n*k = 262,144 on one
   *       thread by itself (its GEMM_MULTITHREAD_THRESHOLD) and splits larger ones. The count is set
   *       once: ND4J's {@code setMaxThreads} costs 1-3 ms a call (measured), too much per product.
   *   <li>OPENBLAS_THREAD_TIMEOUT=20: idle OpenBLAS threads sleep after about 2^20 cycles (its default
   *       is 2^28, a tenth of a second of yielding spin) so they do not compete with the kernel pool.
   * </ul>
   *
   * <p>A variable the user set in the environment stays.
   *
   * @return the BLAS thread count to set again through ND4J: the user's OPENBLAS_NUM_THREADS when
   *     it is a positive number, else {@link #blasThreads} of {@link #threads()}
   */
  static int chooseThreads() {
    int threads = blasThreads(threads());
    setUnlessUserSet("OPENBLAS_THREAD_TIMEOUT", "20");
    setUnlessUserSet("OMP_NUM_THREADS", "1");
    if (!setUnlessUserSet("OPENBLAS_NUM_THREADS", Integer.toString(threads))) {
      try {
        int user = Integer.parseInt(System.getenv("OPENBLAS_NUM_THREADS").trim());
        return user >= 1 ? user : threads;
      } catch (NumberFormatException e) {
        return threads;
      }
    }
    return threads;
  }

  private static boolean setUnlessUserSet(String name, String value) {
    if (System.getenv(name) != null) {
      return false;
    }
    setNativeEnv(name, value);
    return true;
  }

  /**
   * Sets a variable in the process's C environment, which native libraries read when they load.
   * Java's own view (System.getenv) does not change. Uses JNA, which ND4J already brings in.
   */
  static void setNativeEnv(String name, String value) {
    try {
      int rc = com.sun.jna.NativeLibrary.getInstance("c").getFunction("setenv")
          .invokeInt(new Object[] {name, value, 1});
      log.debug("setenv {}={} (rc {})", name, value, rc);
    } catch (Throwable t) { // LinkageError without JNA, UnsatisfiedLinkError without a libc
      log.debug("could not set {}={} natively: {}", name, value, t.toString());
    }
  }

  /** True when the MKL runtime library itself (not only JavaCPP's bindings) can be loaded. */
  static boolean mklOnClassPath() {
    String platform = platform();
    String lib = platform.startsWith("windows") ? "mkl_rt.2.dll"
        : platform.startsWith("macosx") ? "libmkl_rt.2.dylib" : "libmkl_rt.so.2";
    return Backend.class.getClassLoader().getResource("org/bytedeco/mkl/" + platform + "/" + lib) != null;
  }

  private static String platform() {
    return org.bytedeco.javacpp.Loader.getPlatform();
  }
}

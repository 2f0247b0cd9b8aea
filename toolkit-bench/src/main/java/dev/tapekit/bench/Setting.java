package dev.tapekit.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One thread setting an engine's child JVM runs under: a label for the tables, JVM arguments and
 * environment. tapekit's engines (and the floors) take {@code --threads} through {@code tapekit.threads};
 * the peers run at their own default, at 1 thread and at every {@code --threads} value, so each is shown
 * at its best.
 *
 * @param threads the thread count asked for, or 0 for the engine's own default
 */
record Setting(String label, int threads, List<String> jvm, Map<String, String> env) {
  static final String DEFAULT = "default";

  static boolean isPeer(String engine) {
    return engine.equals("djl") || engine.equals("dl4j");
  }

  /** The settings of one engine, in run order. */
  static List<Setting> of(String engine, Options o) {
    List<String> counts = new ArrayList<>();
    if (isPeer(engine)) {
      counts.addAll(o.list("peer-threads", "default,1"));
    }
    for (String n : o.list("threads", "")) {
      if (!counts.contains(n)) {
        counts.add(n);
      }
    }
    if (counts.isEmpty()) {
      counts.add(DEFAULT);
    }
    List<Setting> res = new ArrayList<>();
    for (String c : counts) {
      res.add(c.equals(DEFAULT) ? byDefault(engine) : withThreads(engine, parse(c)));
    }
    return res;
  }

  private static int parse(String c) {
    try {
      int n = Integer.parseInt(c.trim());
      if (n >= 1) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the error
    }
    throw new IllegalArgumentException("--threads/--peer-threads: '" + c + "' is not a positive number or 'default'");
  }

  /**
   * The engine's own default: PyTorch's intra-op threads (one per core) for DJL; ND4J's (one per core)
   * for DL4J; tapekit's Backend default for tapekit and the floors.
   */
  private static Setting byDefault(String engine) {
    if (engine.equals("dl4j")) {
      int cores = Runtime.getRuntime().availableProcessors();
      return new Setting(DEFAULT + " (" + cores + ")", 0, List.of("-Dtapekit.threads=" + cores), Map.of());
    }
    return new Setting(DEFAULT, 0, List.of(), Map.of());
  }

  private static Setting withThreads(String engine, int n) {
    Map<String, String> env = new LinkedHashMap<>();
    List<String> jvm = new ArrayList<>();
    if (engine.equals("djl")) {
      jvm.add("-Dai.djl.pytorch.num_threads=" + n); // PyTorch's intra-op threads (at_set_num_threads)
      env.put("OMP_NUM_THREADS", Integer.toString(n));
    } else {
      jvm.add("-Dtapekit.threads=" + n); // ND4J ops, OpenMP and BLAS through tapekit's Backend
    }
    return new Setting(n + " thr", n, jvm, env);
  }
}

package dev.tapekit.bench;

import dev.tapekit.core.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.ProfilerConfig;

/**
 * The measuring process. BenchMain starts one per engine (and per configuration), because BLAS
 * choice, OpenMP environment variables and native libraries are fixed once a process has loaded
 * them. Results go to stdout as {@code @tag key=value ...} lines.
 */
final class Child {
  private Child() {}

  static void run(Options o) throws Exception {
    // a child outliving a killed driver would skew every later measurement: leave with it
    ProcessHandle.current().parent()
        .ifPresent(p -> p.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    List<String> engines = o.list("engines", "dl4j");
    boolean usesNd4j = !(engines.size() == 1 && engines.get(0).equals("djl"));
    if (usesNd4j) {
      configureNd4j(o);
      say("@info " + Probes.blasInfo());
    }
    if (o.has("probe-blas")) {
      say(String.format(Locale.ROOT, "@gemmcheck relerr=%.4g", Probes.gemmError()));
      for (String n : o.list("gemm-sizes", "256,512,1024")) {
        say(String.format(Locale.ROOT, "@gflops n=%s value=%.1f", n,
            Probes.gflops(Integer.parseInt(n), o.getInt("repeats", 7))));
      }
    }
    long seed = Long.parseLong(o.get("seed", "42"));
    for (String e : engines) {
      if (e.equals(FitMemory.ENGINE)) {
        FitMemory.run(o, seed);
        continue;
      }
      Engine engine = Engines.create(e);
      for (String id : o.list("workloads", "W1,W2,W3")) {
        Workload w = Workload.byId(id);
        try (Engine.StepRunner runner = engine.prepare(w, w.batch(seed))) {
          if (o.has("memory-steps")) {
            memory(o, engine, w, runner);
          } else {
            throughput(o, engine, w, runner);
          }
        }
      }
    }
    double cpu = ((com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    say(String.format(Locale.ROOT, "@memory-end cpu=%.2f %s", cpu, Probes.memory()));
  }

  /** BLAS and threads must be chosen before ND4J loads, so this runs before any other ND4J call. */
  private static void configureNd4j(Options o) {
    // Native environment (C setenv, visible to libgomp/OpenBLAS/libnd4j when they load), unlike
    // ProcessBuilder env this is what a library could do from inside an already running JVM.
    for (String kv : o.list("setenv", "")) {
      int eq = kv.indexOf('=');
      int rc = com.sun.jna.NativeLibrary.getInstance("c").getFunction("setenv")
          .invokeInt(new Object[] {kv.substring(0, eq), kv.substring(eq + 1), 1});
      say("@setenv " + kv + " rc=" + rc);
    }
    String backend = o.get("backend", "tapekit");
    if (backend.equals("tapekit")) {
      // this module has MKL's jar for the study; a tapekit user has not, unless --blas=auto|mkl
      if (System.getProperty("tapekit.blas") == null) {
        System.setProperty("tapekit.blas", o.get("blas", "openblas"));
      }
      Backend.ensureInitialized();
    } else {
      // raw ND4J; optionally pick the BLAS the way JavaCPP documents it
      if (o.has("blas")) {
        System.setProperty("org.bytedeco.openblas.load", o.get("blas", ""));
      }
      if (!o.get("profiling", "off").equals("nd4j-default")) {
        Nd4j.getExecutioner()
            .setProfilingConfig(ProfilerConfig.builder().checkWorkspaces(false).build());
      }
    }
    int nd4jThreads = o.getInt("nd4j-threads", 0);
    if (nd4jThreads > 0) {
      Nd4j.getEnvironment().setMaxThreads(nd4jThreads);
      Nd4j.getEnvironment().setMaxMasterThreads(nd4jThreads);
    }
    int ompThreads = o.getInt("omp-threads", 0);
    if (ompThreads > 0) { // omp_set_num_threads; ND4J calls it at start-up with Java's OMP_NUM_THREADS
      org.nd4j.nativeblas.NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(ompThreads);
    }
    int blasThreads = o.getInt("blas-threads", 0);
    if (blasThreads > 0) {
      Nd4j.factory().blas().setMaxThreads(blasThreads);
    }
  }

  private static void throughput(Options o, Engine e, Workload w, Engine.StepRunner r)
      throws Exception {
    // warm-up: at least --warmup steps and at least --warmup-ms of stepping (PyTorch's and the JIT's
    // speed settles only after seconds); the step time for --steps=auto comes from the last half
    int warmup = o.getInt("warmup", 30);
    long warmupNanos = o.getInt("warmup-ms", 3000) * 1_000_000L;
    long t0 = System.nanoTime();
    int done = 0;
    long halfStart = t0;
    int halfDone = 0;
    while (done < warmup || System.nanoTime() - t0 < warmupNanos) {
      r.step();
      done++;
      long now = System.nanoTime();
      if (done <= warmup / 2 || now - t0 <= warmupNanos / 2) {
        halfStart = now;
        halfDone = done;
      }
    }
    long warmEnd = System.nanoTime();
    double perStep = (warmEnd - halfStart) / (double) Math.max(1, done - halfDone);
    int steps = o.getInt("steps", 0);
    if (steps <= 0) { // auto: about --repeat-ms per repeat
      steps = (int) Math.max(3, Math.round(o.getInt("repeat-ms", 400) * 1e6 / perStep));
    }
    List<Double> rates = new ArrayList<>();
    for (int rep = 0; rep < o.getInt("repeats", 7); rep++) {
      long s = System.nanoTime();
      for (int i = 0; i < steps; i++) {
        r.step();
      }
      rates.add(w.batch() * (double) steps / ((System.nanoTime() - s) / 1e9));
    }
    double min = rates.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    double max = rates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    StringBuilder reps = new StringBuilder();
    for (double v : rates) {
      reps.append(reps.length() == 0 ? "" : ";").append(String.format(Locale.ROOT, "%.1f", v));
    }
    say(String.format(Locale.ROOT,
        "@result engine=%s workload=%s median=%.1f min=%.1f max=%.1f steps=%d repeats=%d warmup_steps=%d"
            + " warmup_s=%.2f reps=%s",
        e.name(), w.id(), Stats.median(rates), min, max, steps, rates.size(), done, (warmEnd - t0) / 1e9, reps));
  }

  private static void memory(Options o, Engine e, Workload w, Engine.StepRunner r)
      throws Exception {
    int done = 0;
    long t0 = System.nanoTime();
    for (String s : o.list("memory-steps", "1000,10000")) {
      int target = Integer.parseInt(s);
      for (; done < target; done++) {
        r.step();
      }
      say(String.format(Locale.ROOT, "@mem engine=%s workload=%s steps=%d seconds=%.1f %s",
          e.name(), w.id(), done, (System.nanoTime() - t0) / 1e9, Probes.memory()));
    }
  }

  private static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}

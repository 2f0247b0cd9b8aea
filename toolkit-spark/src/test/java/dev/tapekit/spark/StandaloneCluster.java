package dev.tapekit.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone master and one worker, started as processes ({@code java -cp} on Spark's jars from Maven's
 * class path), bound to 127.0.0.1 on free ports, with a temporary SPARK_HOME. The worker launches executors from
 * SPARK_HOME's empty {@code jars/} plus {@code SPARK_DIST_CLASSPATH} (Spark's jars only: tapekit reaches the
 * executors only if the application ships it). {@link #close} stops every process it started, executors
 * included.
 */
final class StandaloneCluster implements AutoCloseable {
  private static final Pattern ONE_WORKER = Pattern.compile("\"aliveworkers\"\\s*:\\s*1\\b");

  private final Path dir;
  private final List<Path> sparkJars;
  private final List<String> jvmFlags;
  private final List<Process> started = new ArrayList<>();
  private final int masterPort;
  private final int masterUiPort;

  private StandaloneCluster(Path dir, List<Path> sparkJars, List<String> jvmFlags) throws IOException {
    this.dir = dir;
    this.sparkJars = sparkJars;
    this.jvmFlags = jvmFlags;
    masterPort = freePort();
    masterUiPort = freePort();
    Files.createDirectories(home().resolve("jars"));
    Files.createDirectories(home().resolve("conf"));
    Files.createDirectories(dir.resolve("work"));
    Files.createDirectories(dir.resolve("local"));
    // master, worker and executors log at WARN; the executor's own logger at INFO, where Spark reports
    // "N block locks were not released by task ..."
    Files.writeString(home().resolve("conf/log4j2.properties"), String.join("\n",
        "rootLogger.level = warn", "rootLogger.appenderRef.stderr.ref = stderr",
        "appender.console.type = Console", "appender.console.name = stderr", "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout", "appender.console.layout.pattern = %p %c{1}: %m%n",
        "logger.executor.name = org.apache.spark.executor.Executor", "logger.executor.level = info", ""));
  }

  /** Starts a master and a worker with 2 cores and 2 GB; returns once the worker has registered. */
  static StandaloneCluster start(Path dir, List<Path> sparkJars, List<String> jvmFlags) throws Exception {
    StandaloneCluster c = new StandaloneCluster(dir, sparkJars, jvmFlags);
    try {
      List<String> daemon = List.of("-Xmx512m", "-cp", c.classpath());
      Process master = c.java("master", daemon, "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", String.valueOf(c.masterPort), "--webui-port", String.valueOf(c.masterUiPort));
      Process worker = c.java("worker", daemon, "org.apache.spark.deploy.worker.Worker",
          "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "2", "--memory", "2g",
          "--work-dir", dir.resolve("work").toString(), c.masterUrl());
      c.awaitWorker(master, worker, 90);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  Path home() {
    return dir.resolve("spark-home");
  }

  /** Spark's class path: its configuration directory and its jars. */
  String classpath() {
    return home().resolve("conf") + java.io.File.pathSeparator + sparkJars.stream().map(Path::toString)
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  /**
   * Runs {@code java -Xmx1g <Spark's JVM flags> <jvm> main args} to its end (at most {@code seconds}): a driver
   * or spark-submit. Returns its output (stdout and stderr) and exit code.
   */
  Run run(String name, List<String> jvm, String main, List<String> args, int seconds) throws Exception {
    List<String> all = new ArrayList<>(List.of("-Xmx1g"));
    all.addAll(jvm);
    long t0 = System.nanoTime();
    Process p = java(name, all, main, args.toArray(String[]::new));
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      stop(p);
      throw new AssertionError(name + " did not finish within " + seconds + " s; its output:\n" + log(name)
          + "\nworker:\n" + log("worker"));
    }
    return new Run(p.exitValue(), log(name), (System.nanoTime() - t0) / 1e9);
  }

  /** What a driver printed (stdout and stderr), its exit code and run time. */
  record Run(int exit, String output, double seconds) {}

  /** The stderr of every executor the worker launched. */
  String executorLogs() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("work"))) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).sorted().toList()) {
        sb.append("== ").append(dir.relativize(f)).append('\n').append(Files.readString(f));
      }
      return sb.toString();
    }
  }

  String log(String name) throws IOException {
    Path f = dir.resolve(name + ".log");
    return Files.exists(f) ? Files.readString(f) : "(no " + f.getFileName() + ")";
  }

  private Process java(String name, List<String> jvm, String main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmFlags);
    cmd.addAll(jvm);
    cmd.add(main);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    // nothing of a Spark installation of this machine may leak in
    env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HADOOP_") || k.startsWith("YARN_")
        || k.equals("PYSPARK_PYTHON"));
    env.put("SPARK_HOME", home().toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
    env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
    env.put("SPARK_DIST_CLASSPATH", sparkJars.stream().map(Path::toString)
        .collect(Collectors.joining(java.io.File.pathSeparator)));
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private void awaitWorker(Process master, Process worker, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    URI json = URI.create("http://127.0.0.1:" + masterUiPort + "/json/");
    while (System.nanoTime() < end) {
      if (!master.isAlive() || !worker.isAlive()) {
        throw new AssertionError("the " + (master.isAlive() ? "worker" : "master") + " exited: master log:\n"
            + log("master") + "\nworker log:\n" + log("worker"));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) json.toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        try (InputStream in = c.getInputStream()) {
          if (ONE_WORKER.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8)).find()) {
            return;
          }
        }
      } catch (IOException notYet) {
        // the master's UI is not up yet
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no worker registered within " + seconds + " s: master log:\n" + log("master")
        + "\nworker log:\n" + log("worker"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Stops a process and everything it started (the worker's executors): SIGTERM, then SIGKILL after 10 s. */
  private static void stop(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
    }
  }

  /** Stops the drivers, the worker (and its executors) and the master, in reverse order of start. */
  @Override
  public void close() {
    for (int i = started.size() - 1; i >= 0; i--) {
      stop(started.get(i));
    }
  }
}

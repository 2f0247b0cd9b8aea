package dev.tapekit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.spark.samples.SparkBarrierOverhead;
import dev.tapekit.spark.samples.SparkQuickStart;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on loopback (master and worker processes started here, see
 * {@link StandaloneCluster}), trained on through spark-submit with the application jar, as docs/distributed.md
 * ("Running on a cluster") tells users to. Runs in Maven's integration-test phase, after the package phase has
 * built the application jar; Maven passes the jar and Spark's class path as system properties.
 */
class StandaloneClusterIT {
  @TempDir
  Path tmp;

  private static Path property(String name) {
    String v = System.getProperty(name);
    assertTrue(v != null && !v.isBlank(), "system property " + name + " is not set (run through Maven: mvn verify)");
    return Path.of(v);
  }

  /** Spark's jars: its own dependencies (provided scope) and the ones tapekit shares with it (Jackson, SLF4J). */
  private static List<Path> sparkJars() throws Exception {
    List<Path> jars = new ArrayList<>();
    for (String list : new String[] {"tapekit.it.sparkClasspath", "tapekit.it.sharedClasspath"}) {
      for (String e : Files.readString(property(list)).trim().split(File.pathSeparator)) {
        jars.add(Path.of(e));
      }
    }
    assertTrue(jars.stream().anyMatch(j -> j.getFileName().toString().startsWith("spark-core_")), jars.toString());
    assertFalse(jars.stream().map(j -> j.getFileName().toString())
        .anyMatch(n -> n.startsWith("nd4j-") || n.startsWith("toolkit-")),
        "tapekit and ND4J must reach the executors only through the application jar: " + jars);
    return jars;
  }

  private static List<String> jvmFlags() {
    return Arrays.asList(System.getProperty("tapekit.it.sparkJvmFlags", "").trim().split("\\s+"));
  }

  @Test
  void sparkSubmitWithTheApplicationJarTrainsLikeOneProcessAndMissingClassesAreNamed() throws Exception {
    // -Dtest=StandaloneClusterIT selects it in the test phase too, before the application jar exists
    assumeTrue(System.getProperty("tapekit.it.appJar") != null, "runs in the integration-test phase (mvn verify)");
    Path appJar = property("tapekit.it.appJar");
    assertTrue(Files.isRegularFile(appJar), appJar + " is missing: the package phase builds it");
    Path model = tmp.resolve("quickstart.tapekit");
    try (StandaloneCluster cluster = StandaloneCluster.start(tmp, sparkJars(), jvmFlags())) {
      // the documented command: spark-submit --master spark://... --class ... app.jar; the driver keeps Spark's
      // default log profile (no conf dir on its class path), so the sample's own default level shows
      String sparkJarsOnly = cluster.classpath().substring(cluster.classpath().indexOf(File.pathSeparator) + 1);
      StandaloneCluster.Run submit = cluster.run("submit", List.of("-cp", sparkJarsOnly),
          "org.apache.spark.deploy.SparkSubmit", List.of("--master", cluster.masterUrl(),
              "--conf", "spark.cores.max=2", "--executor-memory", "1g",
              "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
              "--conf", "spark.ui.enabled=false", "--conf", "spark.task.maxFailures=1",
              "--conf", "spark.storage.exceptionOnPinLeak=true",
              "--class", SparkQuickStart.class.getName(), appJar.toString(), model.toString()), 240);
      String out = submit.output();
      assertEquals(0, submit.exit(), "spark-submit failed:\n" + out + "\nexecutors:\n" + cluster.executorLogs());
      assertTrue(out.contains("master " + cluster.masterUrl() + ", 2 partitions, 3 epochs"), out);
      assertTrue(out.contains("epoch 3: loss "), out);
      long lines = out.lines().count();
      assertTrue(lines < 40, "spark.log.level WARN by default: the driver printed " + lines + " lines:\n" + out);
      String executors = cluster.executorLogs();
      assertTrue(executors.contains("Executor: "), "the executor logged at INFO:\n" + executors);
      assertFalse(executors.contains("were not released"), executors);

      // the same program in this JVM (local mode): the same parameters
      Model onCluster = Models.load(model);
      TrainingResult local = SparkQuickStart.train(LocalSpark.get(), 2, 3);
      double[] expected = Data.weights(local.model());
      double[] actual = Data.weights(onCluster);
      assertEquals(expected.length, actual.length);
      double diff = Data.maxDiff(expected, actual);
      assertTrue(diff < 1e-5, "the cluster's parameters differ from one process's by " + diff);
      System.out.printf(java.util.Locale.ROOT, "standalone cluster: spark-submit ran %.1f s, its driver printed %d "
          + "lines; max |cluster - one process| = %.3g over %d parameters%n", submit.seconds(), lines, diff,
          expected.length);
      assertEquals(local.model().optimizer().iterations(), onCluster.optimizer().iterations());
      assertNotEquals(0, local.model().optimizer().iterations());

      // synchronousBarrier on the cluster: one barrier stage, tasks in the executor all-reducing over 127.0.0.1;
      // the sample compares with one process on its driver and prints the per-step figures of docs/benchmarks.md
      StandaloneCluster.Run barrier = cluster.run("barrier", List.of("-cp", sparkJarsOnly),
          "org.apache.spark.deploy.SparkSubmit", List.of("--master", cluster.masterUrl(),
              "--conf", "spark.cores.max=2", "--executor-memory", "1g",
              "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
              "--conf", "spark.ui.enabled=false", "--conf", "spark.task.maxFailures=1",
              "--class", SparkBarrierOverhead.class.getName(), appJar.toString(), "-", "2", "512", "3", "10"), 240);
      String bout = barrier.output();
      assertEquals(0, barrier.exit(), "barrier run failed:\n" + bout + "\nexecutors:\n" + cluster.executorLogs());
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("max \\|barrier - one process\\| = (\\S+)")
          .matcher(bout);
      assertTrue(m.find(), bout);
      assertTrue(Double.parseDouble(m.group(1)) < 1e-5, bout);
      bout.lines().filter(l -> l.contains("ms/step")).forEach(l -> System.out.println("standalone cluster: " + l));

      // a user's driver whose own classes are not shipped: one line that says so
      Path userClasses = tmp.resolve("user-classes");
      copyClassFiles(UnshippedUserApp.class, userClasses);
      StandaloneCluster.Run user = cluster.run("unshipped", List.of("-cp", sparkJarsOnly + File.pathSeparator + appJar
          + File.pathSeparator + userClasses, "-Dspark.master=" + cluster.masterUrl(), "-Dspark.jars=" + appJar,
          "-Dspark.cores.max=2", "-Dspark.executor.memory=1g", "-Dspark.task.maxFailures=1",
          "-Dspark.driver.host=127.0.0.1", "-Dspark.driver.bindAddress=127.0.0.1", "-Dspark.ui.enabled=false",
          "-Dspark.log.level=ERROR"), UnshippedUserApp.class.getName(), List.of(), 240);
      assertNotEquals(0, user.exit(), user.output());
      assertTrue(user.output().contains("Exception in thread \"main\" java.lang.IllegalStateException: SparkTrainer: "
          + "the executors could not load the model factory lambda (written in class "
          + UnshippedUserApp.class.getName() + "): ship tapekit and your classes"), user.output());
    }
  }

  /** Copies {@code c}'s class files (nested ones included) into a class directory of their own. */
  private static void copyClassFiles(Class<?> c, Path to) throws Exception {
    Path from = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path pkg = Path.of(c.getPackageName().replace('.', File.separatorChar));
    Files.createDirectories(to.resolve(pkg));
    try (Stream<Path> files = Files.list(from.resolve(pkg))) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith(c.getSimpleName() + ".")
          || f.getFileName().toString().startsWith(c.getSimpleName() + "$")).toList()) {
        Files.copy(f, to.resolve(pkg).resolve(f.getFileName()));
      }
    }
  }
}

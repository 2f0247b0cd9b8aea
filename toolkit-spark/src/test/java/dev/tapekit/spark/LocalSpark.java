package dev.tapekit.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Spark context in local mode for all tests of the JVM: 2 task threads (2 barrier slots), up to 3 attempts per
 * task, loopback only, no UI, and a task that does not release a cached block fails. Spark stops it in its own
 * shutdown hook.
 */
final class LocalSpark {
  private static JavaSparkContext sc;

  private LocalSpark() {}

  static synchronized JavaSparkContext get() {
    if (sc == null) {
      SparkConf conf = new SparkConf()
          .setMaster("local[2,3]")
          .setAppName("tapekit-spark-tests")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1")
          .set("spark.ui.enabled", "false")
          .set("spark.ui.showConsoleProgress", "false")
          // a task that keeps a cached block's read lock fails instead of logging "block locks were not released"
          .set("spark.storage.exceptionOnPinLeak", "true")
          .set("spark.sql.shuffle.partitions", "2")
          // a barrier stage wanting more slots than local[2] has fails after one 1 s re-check, not 40 x 15 s
          .set("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "1s")
          .set("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", "1")
          // the adapter test only reads a tiny table: skip code generation and adaptive planning
          .set("spark.sql.codegen.wholeStage", "false")
          .set("spark.sql.adaptive.enabled", "false");
      sc = new JavaSparkContext(conf);
      sc.setLogLevel("ERROR");
    }
    return sc;
  }
}

package dev.tapekit.spark;

import dev.tapekit.spark.samples.SparkQuickStart;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A user's driver program whose class the executors do not get (StandaloneClusterIT starts it with
 * {@code java -cp} and ships only tapekit's application jar): its model factory lambda cannot be deserialized
 * there, and fit must say so in one line.
 */
final class UnshippedUserApp {
  private UnshippedUserApp() {}

  public static void main(String[] args) {
    try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setAppName("tapekit-unshipped-user-app"))) {
      SparkTrainer.builder(sc).modelFactory(() -> SparkQuickStart.model()).build()
          .fit(sc.parallelize(SparkQuickStart.data(64, 1), 2), 1);
    }
  }
}

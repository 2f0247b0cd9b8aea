package dev.tapekit.spark.samples;

import org.apache.spark.SparkConf;

/** The Spark configuration of the samples: the master from spark-submit when there is one. */
final class SampleConf {
  private SampleConf() {}

  /**
   * A configuration for {@code appName}. The master is {@code master} when given, else {@code spark.master} (what
   * {@code spark-submit --master} sets), else {@code local[2]} bound to 127.0.0.1. Spark logs at WARN unless
   * {@code spark.log.level} says otherwise ({@code --conf spark.log.level=INFO}); the UI is off in local mode.
   */
  static SparkConf of(String appName, String master) {
    SparkConf conf = new SparkConf().setAppName(appName);
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[2]");
    }
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1").setIfMissing("spark.driver.bindAddress", "127.0.0.1")
          .setIfMissing("spark.ui.enabled", "false");
    }
    return conf.setIfMissing("spark.log.level", "WARN").setIfMissing("spark.ui.showConsoleProgress", "false");
  }
}

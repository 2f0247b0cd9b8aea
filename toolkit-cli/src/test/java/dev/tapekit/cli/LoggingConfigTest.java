package dev.tapekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.net.URL;
import org.junit.jupiter.api.Test;

/**
 * The CLI's logging defaults (its logback.xml, which the samples use too): chatter of ND4J and Spark at WARN,
 * tapekit at INFO. Read into a context of its own: the tests' class path also holds a logback-test.xml.
 */
class LoggingConfigTest {
  @Test
  void nd4jAndSparkLogAtWarnAndTapekitAtInfo() throws Exception {
    URL config = Tapekit.class.getClassLoader().getResource("logback.xml");
    assertNotNull(config, "the CLI's logback.xml");
    LoggerContext ctx = new LoggerContext();
    JoranConfigurator joran = new JoranConfigurator();
    joran.setContext(ctx);
    joran.doConfigure(config);
    try {
      for (String name : new String[] {"org.apache.spark.SparkContext", "org.apache.spark.executor.Executor",
          "org.sparkproject.jetty.server.Server", "org.nd4j.linalg.factory.Nd4jBackend", "org.bytedeco.javacpp.Loader"}) {
        assertEquals(Level.WARN, ctx.getLogger(name).getEffectiveLevel(), name);
      }
      assertEquals(Level.INFO, ctx.getLogger("dev.tapekit.cli.Tapekit").getEffectiveLevel());
    } finally {
      ctx.stop();
    }
  }
}

package dev.tapekit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/**
 * The driver's one line for executors that cannot load a class, on the texts Spark 4.1 gives (the standalone
 * cluster test, StandaloneClusterIT, shows the real thing).
 */
class ExecutorErrorsTest {
  private static final Plan PLAN = new Plan(Data::adamMlp, null, 8, true, 0, null);

  private static SparkException stageFailure(String executorError) {
    return new SparkException("Job aborted due to stage failure: Task 1 in stage 1.0 failed 1 times, most recent "
        + "failure: Lost task 1.0 in stage 1.0 (TID 3) (127.0.0.1 executor 0): " + executorError
        + "\n\tat java.base/java.io.ObjectInputStream.readObject(ObjectInputStream.java:1)\n\nDriver stacktrace:");
  }

  @Test
  void theModelFactoryLambdaIsNamedWithTheClassItWasWrittenIn() {
    // a record field (Plan is one) and a plain field give these two texts
    for (String text : new String[] {
        "java.io.InvalidObjectException: Cannot cast java.lang.invoke.SerializedLambda to dev.tapekit.spark.ModelFactory",
        "java.lang.ClassCastException: cannot assign instance of java.lang.invoke.SerializedLambda to field "
            + "dev.tapekit.spark.Plan.factory of type dev.tapekit.spark.ModelFactory in instance of dev.tapekit.spark.Plan"}) {
      String m = ExecutorErrors.describe(stageFailure(text), PLAN);
      assertTrue(m.startsWith("SparkTrainer: the executors could not load the model factory lambda (written in class "
          + "dev.tapekit.spark.ExecutorErrorsTest"), m);
      assertTrue(m.contains("app.jar") && m.contains("--jars") && !m.contains("\n"), m);
    }
  }

  @Test
  void aMissingClassIsNamed() {
    assertEquals("SparkTrainer: the executors could not load class dev.tapekit.spark.Sample: " + ExecutorErrors.ADVICE,
        ExecutorErrors.describe(stageFailure(
            "java.io.IOException: java.lang.ClassNotFoundException: dev.tapekit.spark.Sample"), PLAN));
    assertEquals("SparkTrainer: the executors could not load class com.example.Features$Row: " + ExecutorErrors.ADVICE,
        ExecutorErrors.describe(stageFailure("java.lang.NoClassDefFoundError: com/example/Features$Row"), PLAN));
    assertNull(ExecutorErrors.describe(stageFailure(
        "java.lang.NoClassDefFoundError: Could not initialize class com.example.Broken"), PLAN));
    assertNull(ExecutorErrors.describe(stageFailure("java.lang.IllegalStateException: injected failure"), PLAN));
  }

  @Test
  void otherFailuresPassThroughUnchanged() {
    IllegalArgumentException other = new IllegalArgumentException("bad");
    assertSame(other, assertThrows(IllegalArgumentException.class, () -> ExecutorErrors.translate(() -> {
      throw other;
    }, PLAN)));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> ExecutorErrors.translate(() -> {
      throw new RuntimeException(stageFailure("java.lang.ClassNotFoundException: com.example.Main$1"));
    }, PLAN));
    assertTrue(e.getMessage().startsWith("SparkTrainer: the executors could not load class com.example.Main$1: "),
        e.getMessage());
  }
}

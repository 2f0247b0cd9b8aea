package dev.tapekit.spark;

import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Spark job that failed because the executors could not load a class into one line saying so. On a
 * cluster the executors see only Spark's jars and what the application ships; without tapekit or the user's
 * classes a task fails with {@code ClassNotFoundException: dev.tapekit.spark.Sample}, or, when only the class
 * holding the model factory lambda is missing, with a {@code ClassCastException} about a
 * {@code java.lang.invoke.SerializedLambda} (Java could not turn the lambda back into a {@code ModelFactory}).
 */
final class ExecutorErrors {
  static final String ADVICE = "ship tapekit and your classes to the executors: spark-submit with the application "
      + "jar toolkit-spark-<version>-app.jar (or its path in --jars) and your own jar as the application or in "
      + "--jars (docs/distributed.md, \"Running on a cluster\")";

  private static final Pattern MISSING =
      Pattern.compile("(?:ClassNotFoundException|NoClassDefFoundError): (?!Could not initialize)([\\w$./]+)");
  private static final Pattern LAMBDA =
      Pattern.compile("SerializedLambda to (?:field \\S+ of type )?([\\w$.]+)");

  private ExecutorErrors() {}

  /** Runs one Spark action; a failure to load classes on the executors is rethrown as one clear line. */
  static <T> T translate(Supplier<T> job, Plan plan) {
    try {
      return job.get();
    } catch (Exception e) { // SparkException is checked: javac does not know that collect() throws it
      String message = describe(e, plan);
      if (message != null) {
        throw new IllegalStateException(message, e);
      }
      throw e; // any other failure as it was (precise rethrow: still unchecked to javac)
    }
  }

  /** The one-line explanation of {@code e}, or null if it is not an executor failing to load a class. */
  static String describe(Throwable e, Plan plan) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String text = String.valueOf(t.getMessage());
      Matcher lambda = LAMBDA.matcher(text);
      if (text.contains("java.lang.invoke.SerializedLambda") && lambda.find()) {
        return "SparkTrainer: the executors could not load " + lambdaOf(lambda.group(1), plan) + ": " + ADVICE;
      }
      Matcher missing = MISSING.matcher(text);
      if (missing.find()) {
        return "SparkTrainer: the executors could not load class " + missing.group(1).replace('/', '.') + ": " + ADVICE;
      }
      if (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError) {
        return "SparkTrainer: the executors could not load class " + text.replace('/', '.') + ": " + ADVICE;
      }
    }
    return null;
  }

  /**
   * The one-line explanation of Spark refusing a barrier stage of {@code partitions} tasks for want of task
   * slots, or null if {@code e} is something else.
   */
  static String describeBarrierSlots(Throwable e, int partitions) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String text = String.valueOf(t.getMessage());
      if (t.getClass().getSimpleName().equals("BarrierJobSlotsNumberCheckFailed") || text.contains("SPARK-24819")
          || text.contains("more slots than the total number of slots")) {
        return "SparkTrainer: synchronousBarrier runs all " + partitions + " partitions' tasks at once, but the "
            + "cluster has fewer task slots (executor cores / spark.task.cpus): repartition the data to at most "
            + "that many partitions, give the application more cores, or use averaging(k) or syncGradients() "
            + "(Spark re-checks spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures times, every "
            + "spark.scheduler.barrier.maxConcurrentTasksCheck.interval)";
      }
    }
    return null;
  }

  /** "the model factory lambda (written in class com.example.Train)" and the like. */
  private static String lambdaOf(String type, Plan plan) {
    Object lambda = null;
    String what = "a lambda of type " + type;
    if (type.endsWith("ModelFactory")) {
      lambda = plan == null ? null : plan.factory();
      what = "the model factory lambda";
    } else if (type.endsWith("TaskHook")) {
      lambda = plan == null ? null : plan.hook();
      what = "the task hook lambda";
    }
    String name = lambda == null ? "" : lambda.getClass().getName();
    int cut = name.indexOf("$$Lambda");
    return cut > 0 ? what + " (written in class " + name.substring(0, cut) + ")" : what;
  }
}

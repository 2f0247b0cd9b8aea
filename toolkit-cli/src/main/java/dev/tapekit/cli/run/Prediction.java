package dev.tapekit.cli.run;

import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.report.AtomicFiles;
import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs {@code tapekit predict}: model outputs for every example of an input file, as CSV. */
public final class Prediction {
  private Prediction() {}

  /** Predicts and writes {@code output}; {@code scale} null takes the run config's data.scale. */
  public static void run(Path modelFile, Path input, Path output, Double scale, int batchSize, PrintWriter out)
      throws IOException {
    if (batchSize < 1) {
      throw new ConfigException("--batch-size", "must be a positive integer, got " + batchSize);
    }
    if (scale != null && !(scale > 0)) {
      throw new ConfigException("--scale", "must be a positive number, got " + scale);
    }
    Saved saved = Saved.load(modelFile);
    Path parent = output.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) { // a file name, not a place to build: a typo must not create a tree
      throw new ConfigException("--output", "directory " + parent + " does not exist");
    }
    OutputDir.prepare(parent, "--output");
    Tensor x = DataLoader.read(input, "--input");
    if (x.rank() == 0 || x.shape()[0] == 0) {
      throw new ConfigException("--input", input + (x.rank() == 0 ? " holds a scalar (shape ()), not examples"
          : " holds no examples (shape " + dev.tapekit.core.Shapes.str(x.shape()) + ")"));
    }
    double s = scale != null ? scale : saved.runConfig() == null ? 1.0 : saved.runConfig().data().scale();
    x = Ops.cast(x, DType.FLOAT32);
    if (s != 1.0) {
      x = Ops.divide(x, s);
    }
    Tensor y;
    try {
      y = saved.model().predict(x, batchSize);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--input", "does not fit the model: " + e.getMessage(), e);
    }
    AtomicFiles.writeString(output, csv(y));
    out.println("Wrote " + y.shape()[0] + " predictions to " + output);
    out.flush();
  }

  /** One row per example: output_0..output_k, plus the arg max as {@code class} when k > 0. */
  static String csv(Tensor y) {
    long n = y.shape()[0];
    int k = (int) (y.size() / Math.max(1, n));
    double[] v = y.toDoubleArray();
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j < k; j++) {
      sb.append(j == 0 ? "" : ",").append("output_").append(j);
    }
    if (k > 1) {
      sb.append(",class");
    }
    sb.append('\n');
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int j = 0; j < k; j++) {
        double val = v[i * k + j];
        sb.append(j == 0 ? "" : ",").append((float) val);
        if (val > v[i * k + best]) {
          best = j;
        }
      }
      if (k > 1) {
        sb.append(',').append(best);
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}

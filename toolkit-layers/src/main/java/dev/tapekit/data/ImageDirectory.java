package dev.tapekit.data;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.RandomSeeds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Keras's {@code image_dataset_from_directory}: one class per sub-folder of {@code directory}, in
 * alphanumeric order, its PNG/JPEG/BMP/GIF files (searched recursively) labelled with the class index.
 * Only the file list is held; each batch's images are decoded when the batch is read (wrap it in
 * {@link Pipeline#from}{@code (...).prefetch(n)} to decode while the step runs).
 *
 * <p>Batches: images float32 {@code [batch, height, width, channels]} with values 0..255 (bilinearly
 * resized to {@code imageSize}); labels int32 {@code [batch]} ("int"), float32 one-hot
 * {@code [batch, classes]} ("categorical"), float32 {@code [batch, 1]} ("binary", two classes) or none
 * (labelMode null). With {@code shuffle} the file list is shuffled once by the seed (which also chooses
 * the validation split) and each pass reads it in a new order.
 */
public final class ImageDirectory implements BatchSource {
  /** The extensions Keras accepts. */
  static final List<String> FORMATS = List.of(".bmp", ".gif", ".jpeg", ".jpg", ".png");

  private final List<Path> files;
  private final int[] labels;
  private final List<String> classNames;
  private final Options o;
  private final int channels;
  private final SplittableRandom passes;

  private ImageDirectory(List<Path> files, int[] labels, List<String> classNames, Options o, long seed) {
    this.files = files;
    this.labels = labels;
    this.classNames = classNames;
    this.o = o;
    this.channels = switch (o.colorMode) {
      case "grayscale" -> 1;
      case "rgb" -> 3;
      case "rgba" -> 4;
      default -> throw new IllegalArgumentException("imageDatasetFromDirectory: `color_mode` must be one of "
          + "{\"rgb\", \"rgba\", \"grayscale\"}. Received: color_mode=" + o.colorMode);
    };
    this.passes = new SplittableRandom(seed);
  }

  /** Keras's defaults: int labels, rgb, 256x256, batches of 32, shuffled. */
  public static Options options() {
    return new Options();
  }

  /** The images under {@code directory} with Keras's defaults. */
  public static ImageDirectory imageDatasetFromDirectory(Path directory) throws IOException {
    return imageDatasetFromDirectory(directory, options());
  }

  /** The images under {@code directory}, one class per sub-folder. */
  public static ImageDirectory imageDatasetFromDirectory(Path directory, Options o) throws IOException {
    if (!Files.isDirectory(directory)) {
      throw new IOException("imageDatasetFromDirectory: " + directory + " is not a directory");
    }
    if (o.labelMode != null && !List.of("int", "categorical", "binary").contains(o.labelMode)) {
      throw new IllegalArgumentException("imageDatasetFromDirectory: `label_mode` argument must be one of \"int\", "
          + "\"categorical\", \"binary\", or None. Received: label_mode=" + o.labelMode);
    }
    if (o.validationSplit != null && o.subset == null || o.validationSplit == null && o.subset != null) {
      throw new IllegalArgumentException("imageDatasetFromDirectory: validationSplit and subset go together, got "
          + "validation_split=" + o.validationSplit + ", subset=" + o.subset);
    }
    if (o.subset != null && !o.subset.equals("training") && !o.subset.equals("validation")) {
      throw new IllegalArgumentException("imageDatasetFromDirectory: `subset` must be either \"training\" or "
          + "\"validation\", received: " + o.subset);
    }
    if (o.validationSplit != null && o.shuffle && o.seed == null) {
      throw new IllegalArgumentException("imageDatasetFromDirectory: If using `validation_split` and shuffling the "
          + "data, you must provide a `seed` argument, to make sure that there is no overlap between the training "
          + "and validation subset.");
    }
    List<String> classes = new ArrayList<>();
    try (Stream<Path> s = Files.list(directory)) {
      s.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().forEach(classes::add);
    }
    if (o.labelMode != null && o.labelMode.equals("binary") && classes.size() != 2) {
      throw new IllegalArgumentException("imageDatasetFromDirectory: When passing `label_mode=\"binary\"`, there must "
          + "be exactly 2 class_names. Received: class_names=" + classes);
    }
    List<Path> files = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < classes.size(); c++) {
      try (Stream<Path> s = Files.walk(directory.resolve(classes.get(c)))) {
        for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile).filter(ImageDirectory::isImage).sorted()::iterator) {
          files.add(f);
          labels.add(c);
        }
      }
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("imageDatasetFromDirectory: No images found in directory " + directory
          + ". Allowed formats: " + FORMATS);
    }
    System.out.println("Found " + files.size() + " files belonging to " + classes.size() + " classes.");
    long seed = o.seed != null ? o.seed : RandomSeeds.next();
    int[] order = identity(files.size());
    if (o.shuffle) {
      shuffle(order, new Random(seed)); // files and labels together, as Keras shuffles both with one seed
    }
    if (o.validationSplit != null) {
      int numVal = (int) (o.validationSplit * files.size());
      order = o.subset.equals("training") ? java.util.Arrays.copyOfRange(order, 0, order.length - numVal)
          : java.util.Arrays.copyOfRange(order, order.length - numVal, order.length);
      System.out.println("Using " + order.length + " files for " + o.subset + ".");
    }
    List<Path> chosen = new ArrayList<>(order.length);
    int[] chosenLabels = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      chosen.add(files.get(order[i]));
      chosenLabels[i] = labels.get(order[i]);
    }
    return new ImageDirectory(List.copyOf(chosen), chosenLabels, List.copyOf(classes), o, seed);
  }

  private static boolean isImage(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return FORMATS.stream().anyMatch(name::endsWith);
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static void shuffle(int[] a, Random r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The class names, index = label (Keras's {@code class_names}). */
  public List<String> classNames() {
    return classNames;
  }

  /** The image files of this subset, in their (once shuffled) order. */
  public List<Path> filePaths() {
    return files;
  }

  @Override
  public long cardinality() {
    return (files.size() + o.batchSize - 1) / o.batchSize;
  }

  @Override
  public boolean freshBatches() {
    return true;
  }

  @Override
  public Iterator<Batch> iterator() {
    int[] order = identity(files.size());
    if (o.shuffle) {
      long passSeed;
      synchronized (passes) {
        passSeed = passes.nextLong();
      }
      shuffle(order, new Random(passSeed));
    }
    return new Iterator<>() {
      int next;

      @Override
      public boolean hasNext() {
        return next < order.length;
      }

      @Override
      public Batch next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int n = Math.min(o.batchSize, order.length - next);
        Batch b = read(order, next, n);
        next += n;
        return b;
      }
    };
  }

  private Batch read(int[] order, int start, int n) {
    int h = o.height;
    int w = o.width;
    float[] pixels = new float[n * h * w * channels];
    for (int i = 0; i < n; i++) {
      try {
        ImageFiles.read(files.get(order[start + i]), channels, h, w, pixels, i * h * w * channels);
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
    Tensor x = Tensor.of(pixels, n, h, w, channels);
    return new Batch(x, o.labelMode == null ? null : labels(order, start, n));
  }

  private Tensor labels(int[] order, int start, int n) {
    switch (o.labelMode) {
      case "int": {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
          y[i] = labels[order[start + i]];
        }
        return Tensor.of(y);
      }
      case "binary": {
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
          y[i] = labels[order[start + i]];
        }
        return Tensor.of(y, n, 1);
      }
      default: {
        int k = classNames.size();
        float[] y = new float[n * k];
        for (int i = 0; i < n; i++) {
          y[i * k + labels[order[start + i]]] = 1;
        }
        return Tensor.of(y, n, k);
      }
    }
  }

  @Override
  public String toString() {
    return "ImageDirectory(" + files.size() + " files, " + classNames.size() + " classes)";
  }

  /** Keras's arguments of image_dataset_from_directory. */
  public static final class Options {
    private String labelMode = "int";
    private String colorMode = "rgb";
    private int height = 256;
    private int width = 256;
    private int batchSize = 32;
    private boolean shuffle = true;
    private Long seed;
    private Double validationSplit;
    private String subset;

    /** "int" (default), "categorical", "binary" or null for no labels. */
    public Options labelMode(String labelMode) { this.labelMode = labelMode; return this; }
    /** "grayscale", "rgb" (default) or "rgba". */
    public Options colorMode(String colorMode) { this.colorMode = colorMode; return this; }
    /** The size images are resized to (default 256 x 256). */
    public Options imageSize(int height, int width) {
      if (height < 1 || width < 1) {
        throw new IllegalArgumentException("imageDatasetFromDirectory: image_size must be positive, got ("
            + height + ", " + width + ")");
      }
      this.height = height;
      this.width = width;
      return this;
    }
    public Options batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("imageDatasetFromDirectory: batch_size must be >= 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }
    public Options shuffle(boolean shuffle) { this.shuffle = shuffle; return this; }
    public Options seed(long seed) { this.seed = seed; return this; }
    /** The fraction held out (with {@link #subset}); the last files of the shuffled list. */
    public Options validationSplit(double validationSplit) {
      if (!(validationSplit > 0 && validationSplit < 1)) {
        throw new IllegalArgumentException("imageDatasetFromDirectory: `validation_split` must be between 0 and 1, "
            + "received: " + validationSplit);
      }
      this.validationSplit = validationSplit;
      return this;
    }
    /** "training" or "validation". */
    public Options subset(String subset) { this.subset = subset; return this; }
  }
}

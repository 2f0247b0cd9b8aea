package dev.tapekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Sequential;
import java.awt.image.BufferedImage;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras's image_dataset_from_directory on small images the test writes. */
class ImageDirectoryTest {
  @TempDir
  Path tmp;

  /** A w x h image whose every pixel is (r, g, b). */
  static void write(Path file, int w, int h, int r, int g, int b, String format) throws Exception {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
  }

  /** Two classes "cats" (red images) and "dogs" (blue), in PNG, BMP, GIF and JPEG, plus a text file. */
  private Path twoClasses() throws Exception {
    Path root = tmp.resolve("pets");
    for (int i = 0; i < 3; i++) {
      write(root.resolve("dogs/d" + i + ".png"), 6, 4, 0, 0, 200, "png");
      write(root.resolve("cats/c" + i + ".bmp"), 5, 5, 200, 0, 0, "bmp");
    }
    write(root.resolve("cats/nested/c9.gif"), 3, 3, 200, 0, 0, "gif");
    write(root.resolve("dogs/d9.jpg"), 8, 8, 0, 0, 200, "jpg");
    Files.writeString(root.resolve("dogs/notes.txt"), "not an image");
    return root;
  }

  @Test
  void classesAreSubFoldersInAlphanumericOrderAndLabelsTheirIndex() throws Exception {
    ImageDirectory d = ImageDirectory.imageDatasetFromDirectory(twoClasses(),
        ImageDirectory.options().imageSize(4, 4).batchSize(3).shuffle(false));
    assertEquals(List.of("cats", "dogs"), d.classNames());
    assertEquals(8, d.filePaths().size(), "png, bmp, gif and jpg count, nested folders too, the .txt does not");
    assertEquals(3, d.cardinality());
    List<Batch> batches = new ArrayList<>();
    d.forEach(batches::add);
    assertArrayEquals(new long[] {3, 4, 4, 3}, batches.get(0).x().shape());
    long[] all = new long[8];
    int k = 0;
    for (Batch b : batches) {
      float[] px = b.x().toFloatArray();
      long[] y = b.y().toLongArray();
      for (int i = 0; i < y.length; i++, k++) {
        all[k] = y[i];
        // red for cats (label 0), blue for dogs (label 1); JPEG is lossy, so within a few levels
        float red = px[i * 48];
        float blue = px[i * 48 + 2];
        assertEquals(y[i] == 0 ? 200 : 0, red, 6, "red of image " + k);
        assertEquals(y[i] == 0 ? 0 : 200, blue, 6, "blue of image " + k);
      }
    }
    assertArrayEquals(new long[] {0, 0, 0, 0, 1, 1, 1, 1}, all);
  }

  @Test
  void labelModesAndColorModesHaveKerasShapes() throws Exception {
    Path root = twoClasses();
    Batch cat = ImageDirectory.imageDatasetFromDirectory(root, ImageDirectory.options().imageSize(2, 2)
        .batchSize(9).shuffle(false).labelMode("categorical").colorMode("grayscale")).iterator().next();
    assertArrayEquals(new long[] {8, 2, 2, 1}, cat.x().shape());
    assertArrayEquals(new long[] {8, 2}, cat.y().shape());
    assertArrayEquals(new float[] {1, 0}, java.util.Arrays.copyOf(cat.y().toFloatArray(), 2));
    // grey of pure red 200: 0.299 * 200
    assertEquals(Math.round(0.299f * 200), cat.x().toFloatArray()[0], 0);
    Batch bin = ImageDirectory.imageDatasetFromDirectory(root, ImageDirectory.options().imageSize(2, 2)
        .batchSize(9).shuffle(false).labelMode("binary").colorMode("rgba")).iterator().next();
    assertArrayEquals(new long[] {8, 2, 2, 4}, bin.x().shape());
    assertArrayEquals(new long[] {8, 1}, bin.y().shape());
    assertEquals(255, bin.x().toFloatArray()[3], 0, "opaque images have alpha 255");
    Batch none = ImageDirectory.imageDatasetFromDirectory(root, ImageDirectory.options().imageSize(2, 2)
        .labelMode(null)).iterator().next();
    assertEquals(null, none.y());
    Files.createDirectories(root.resolve("birds"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ImageDirectory.imageDatasetFromDirectory(root, ImageDirectory.options().labelMode("binary")));
    assertTrue(e.getMessage().contains("there must be exactly 2 class_names. Received: class_names=[birds, cats, dogs]"),
        e.getMessage());
  }

  @Test
  void bilinearResizeUsesHalfPixelCentresAsTfImageResize() throws Exception {
    // tf.image.resize([[0, 100]], (1, 4)): samples x = (i + 0.5) / 2 - 0.5 = -0.25, 0.25, 0.75, 1.25,
    // clamped to the image: 0, 25, 75, 100
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setSample(0, 0, 0, 0);
    img.getRaster().setSample(1, 0, 0, 100);
    Path f = tmp.resolve("g/only/a.png");
    Files.createDirectories(f.getParent());
    ImageIO.write(img, "png", f.toFile());
    Batch b = ImageDirectory.imageDatasetFromDirectory(tmp.resolve("g"), ImageDirectory.options().imageSize(1, 4)
        .colorMode("grayscale").shuffle(false)).iterator().next();
    assertArrayEquals(new float[] {0, 25, 75, 100}, b.x().toFloatArray(), 1e-4f);
  }

  @Test
  void validationSplitTakesTheLastFilesOfTheSeededOrderWithoutOverlap() throws Exception {
    Path root = twoClasses();
    ImageDirectory.Options common = ImageDirectory.options().imageSize(2, 2).validationSplit(0.34).seed(5);
    ImageDirectory train = ImageDirectory.imageDatasetFromDirectory(root, common.subset("training"));
    ImageDirectory val = ImageDirectory.imageDatasetFromDirectory(root, common.subset("validation"));
    // Keras: num_val = int(0.34 * 8) = 2
    assertEquals(6, train.filePaths().size());
    assertEquals(2, val.filePaths().size());
    Set<Path> both = new HashSet<>(train.filePaths());
    both.addAll(val.filePaths());
    assertEquals(8, both.size(), "training and validation overlap");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ImageDirectory
        .imageDatasetFromDirectory(root, ImageDirectory.options().validationSplit(0.2).subset("training")));
    assertTrue(e.getMessage().contains("you must provide a `seed` argument"), e.getMessage());
  }

  @Test
  void eachPassIsShuffledAnewAndASeedRepeatsThePasses() throws Exception {
    Path root = tmp.resolve("many");
    for (int i = 0; i < 20; i++) {
      write(root.resolve("c" + (i % 2) + "/" + i + ".png"), 2, 2, i * 10, 0, 0, "png");
    }
    ImageDirectory.Options o = ImageDirectory.options().imageSize(1, 1).batchSize(20).seed(3);
    ImageDirectory a = ImageDirectory.imageDatasetFromDirectory(root, o);
    ImageDirectory b = ImageDirectory.imageDatasetFromDirectory(root, o);
    float[] a1 = a.iterator().next().x().toFloatArray();
    float[] a2 = a.iterator().next().x().toFloatArray();
    assertArrayEquals(a1, b.iterator().next().x().toFloatArray());
    assertTrue(!java.util.Arrays.equals(a1, a2), "the second pass has the first one's order");
  }

  @Test
  void anImageWhoseHeaderClaimsHugeDimensionsIsRefusedBeforeDecoding() throws Exception {
    Path f = tmp.resolve("huge/x/big.png");
    write(f, 2, 2, 1, 2, 3, "png");
    byte[] png = Files.readAllBytes(f);
    // IHDR: width at byte 16, height at 20 (big-endian), its CRC-32 over bytes 12..28 at 29
    ByteBuffer bytes = ByteBuffer.wrap(png).order(ByteOrder.BIG_ENDIAN).putInt(16, 100_000).putInt(20, 100_000);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(png, 12, 17);
    bytes.putInt(29, (int) crc.getValue());
    Files.write(f, png);
    ImageDirectory d = ImageDirectory.imageDatasetFromDirectory(tmp.resolve("huge"), ImageDirectory.options());
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> d.iterator().next());
    assertTrue(e.getMessage().contains("big.png") && e.getMessage().contains("100000x100000"), e.getMessage());
  }

  @Test
  void fitTrainsOnAnImageFolderThroughAPrefetchingPipeline() throws Exception {
    // Keras: model.fit(image_dataset_from_directory(...)) learns red cats from blue dogs
    ImageDirectory d = ImageDirectory.imageDatasetFromDirectory(twoClasses(),
        ImageDirectory.options().imageSize(4, 4).batchSize(4).seed(1));
    dev.tapekit.layers.RandomSeeds.setRandomSeed(2);
    Sequential m = new Sequential(new Input(4, 4, 3), new Flatten(), new Dense(2));
    m.compile(dev.tapekit.optimizers.Adam.builder().learningRate(0.01).build(),
        dev.tapekit.losses.SparseCategoricalCrossentropy.builder().fromLogits(true).build(), List.of("accuracy"));
    // Keras's Rescaling(1/255) as a map over the batches
    Pipeline scaled = Pipeline.from(d).map(b -> new Batch(dev.tapekit.core.Ops.divide(b.x(), Tensor.scalar(255f)), b.y()));
    var h = m.fit(scaled.prefetch(2), FitOptions.builder().epochs(30).verbose(0).build());
    List<Double> acc = h.history().get("accuracy");
    assertEquals(30, acc.size());
    assertEquals(1.0, m.evaluate(scaled).get("accuracy"), 1e-9);
    Tensor p = m.predict(scaled);
    assertArrayEquals(new long[] {8, 2}, p.shape());
  }
}

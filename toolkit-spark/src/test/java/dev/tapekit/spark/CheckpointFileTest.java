package dev.tapekit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapekit.callbacks.History;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoint files are data: a file that is not a tapekit checkpoint is refused, and nothing in it runs. */
class CheckpointFileTest {
  @TempDir
  Path tmp;

  private final JavaSparkContext sc = LocalSpark.get();

  private SparkTrainer.Builder trainer(Path dir) {
    return SparkTrainer.builder(sc).modelFactory(Data::adamMlp).strategy(TrainingStrategy.averaging(2)).batchSize(8)
        .seed(11).checkpointDir(dir);
  }

  /** The one-line message of resuming from {@code dir}, which must fail. */
  private String refused(Path dir) {
    JavaRDD<Sample> rdd = sc.parallelize(Data.quadrants(16, 1), 2);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer(dir).build().fit(rdd, 1));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    return e.getMessage();
  }

  private Path dirWith(String name, byte[] content) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "ckpt");
    Files.write(dir.resolve(name), content);
    return dir;
  }

  @Test
  void anOldJavaSerializedCheckpointIsRefusedWithoutRunningItsCode() throws IOException {
    Gadgets.READ.set(false);
    Path dir = dirWith("tapekit-spark-checkpoint.bin", Gadgets.mapWithOne());
    String msg = refused(dir);
    assertFalse(Gadgets.READ.get(), "the file made a class's readObject run");
    assertTrue(msg.contains(dir.resolve("tapekit-spark-checkpoint.bin").toString()), msg);
    assertTrue(msg.contains("Java serialization"), msg);
  }

  @Test
  void javaSerializedBytesUnderTheCheckpointNameLoadNoClass() throws IOException {
    Gadgets.READ.set(false);
    Path dir = dirWith("tapekit-spark-checkpoint.zip", Gadgets.namingTwo());
    String msg = refused(dir);
    assertNull(System.getProperty(Gadgets.INITIALIZED), "a class the file names was initialized");
    assertFalse(Gadgets.READ.get(), "the file made a class's readObject run");
    assertTrue(msg.startsWith("checkpoint: " + dir.resolve("tapekit-spark-checkpoint.zip")
        + " is not a tapekit Spark checkpoint: "), msg);
    assertTrue(msg.contains("Java serialization"), msg);
  }

  @Test
  void otherBytesUnderTheCheckpointNameAreRefused() throws IOException {
    for (byte[] content : new byte[][] {new byte[0], "epochs_done: 3\n".getBytes(StandardCharsets.UTF_8),
        {'P', 'K', 3, 4, 0, 0}}) {
      Path dir = dirWith("tapekit-spark-checkpoint.zip", content);
      String msg = refused(dir);
      assertTrue(msg.startsWith("checkpoint: " + dir.resolve("tapekit-spark-checkpoint.zip")
          + " is not a tapekit Spark checkpoint: "), msg);
    }
  }

  // ---------------------------------------------------------------- the format itself

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Adam's model after two batches, so it has slots, and a history with a NaN. */
  private static Model trained() {
    Model m = Data.adamMlp();
    List<Sample> batch = Data.quadrants(8, 3);
    m.trainOnBatch(Data.features(batch), Data.labels(batch));
    m.trainOnBatch(Data.features(batch), Data.labels(batch));
    return m;
  }

  private static History history() {
    History h = new History();
    h.onEpochEnd(0, new TreeMap<>(Map.of("loss", 1.25, "val_loss", Double.NaN)));
    h.onEpochEnd(1, new TreeMap<>(Map.of("loss", 0.1 + 0.2, "val_loss", Double.POSITIVE_INFINITY)));
    return h;
  }

  private static Map<String, byte[]> entries(Path zip) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(zip.toFile())) {
      for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
        ZipEntry en = e.nextElement();
        try (InputStream in = z.getInputStream(en)) {
          out.put(en.getName(), in.readAllBytes());
        }
      }
    }
    return out;
  }

  private static void rewrite(Path zip, Map<String, byte[]> entries) throws IOException {
    try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }
  }

  @Test
  void aCheckpointIsAZipOfJsonAndNumPyArraysAndRestoresBitForBit() throws IOException {
    Model m = trained();
    Path dir = tmp.resolve("format");
    Checkpoint.write(dir, m, history(), 2, "fp");
    Path file = dir.resolve("tapekit-spark-checkpoint.zip");
    Map<String, byte[]> entries = entries(file);
    List<String> names = new ArrayList<>(entries.keySet());
    assertEquals(List.of("checkpoint.json", "weights/0000.npy", "weights/0001.npy", "weights/0002.npy",
        "weights/0003.npy"), names.subList(0, 5));
    assertEquals(8, names.stream().filter(n -> n.startsWith("optimizer/")).count(), "Adam: m and v of 4 variables");
    ObjectNode json = (ObjectNode) JSON.readTree(entries.get("checkpoint.json"));
    assertEquals("tapekit-spark-checkpoint", json.get("format").asText());
    assertEquals(2, json.get("epochs_done").asInt());
    assertEquals("Adam", json.get("optimizer").get("class_name").asText());
    assertEquals(2, json.get("optimizer").get("steps").asLong());
    assertEquals("[2,16]", json.get("weights").get(0).get("shape").toString());
    assertEquals("\"NaN\"", json.get("history").get("val_loss").get(0).toString());
    String header = new String(entries.get("weights/0000.npy"), 0, 128, StandardCharsets.ISO_8859_1);
    assertTrue(header.startsWith("\u0093NUMPY\u0001\u0000") && header.contains("{'descr': '<f8', 'fortran_order': False, "
        + "'shape': (2, 16), }"), header);

    Model fresh = Data.adamMlp();
    Checkpoint c = Checkpoint.read(dir, fresh, "fp");
    assertEquals(2, c.restoreInto(fresh));
    assertArrayEquals(Data.weights(m), Data.weights(fresh));
    assertEquals(m.optimizer().iterations(), fresh.optimizer().iterations());
    OptState before = OptState.of(m.optimizer(), m.trainableVariables());
    OptState after = OptState.of(fresh.optimizer(), fresh.trainableVariables());
    assertEquals(before.slots().size(), after.slots().size());
    for (int i = 0; i < before.slots().size(); i++) {
      assertEquals(before.slots().get(i).name(), after.slots().get(i).name());
      assertArrayEquals(before.slots().get(i).values(), after.slots().get(i).values());
    }
    assertEquals(List.of(1.25, 0.1 + 0.2), c.history().get("loss"));
    assertEquals(Arrays.asList(Double.NaN, Double.POSITIVE_INFINITY), c.history().get("val_loss"));
    assertEquals(List.of(0, 1), c.epochs());
  }

  /** The message of reading a checkpoint changed by {@code change}. */
  private String tampered(Consumer<Map<String, byte[]>> change) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "tampered");
    Checkpoint.write(dir, trained(), history(), 2, "fp");
    Path file = dir.resolve("tapekit-spark-checkpoint.zip");
    Map<String, byte[]> entries = entries(file);
    change.accept(entries);
    rewrite(file, entries);
    Model fresh = Data.adamMlp();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Checkpoint.read(dir, fresh, "fp").restoreInto(fresh));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    String prefix = "checkpoint: " + file + ": ";
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    return e.getMessage().substring(prefix.length());
  }

  private static Consumer<Map<String, byte[]>> json(Consumer<ObjectNode> edit) {
    return entries -> {
      try {
        ObjectNode root = (ObjectNode) JSON.readTree(entries.get("checkpoint.json"));
        edit.accept(root);
        entries.put("checkpoint.json", JSON.writeValueAsBytes(root));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static ObjectNode slot(ObjectNode root, int j) {
    return (ObjectNode) root.get("optimizer").get("slots").get(j);
  }

  @Test
  void everyFieldIsCheckedAndNamedInOneLine() throws IOException {
    assertEquals("epochs_done: must be an integer in [0, 2147483647], got 4294967298",
        tampered(json(r -> r.put("epochs_done", 4294967298L))));
    assertEquals("epoch: lists 2 epochs, but epochs_done is 3", tampered(json(r -> r.put("epochs_done", 3))));
    assertEquals("epoch[1]: must be an integer in [0, 1], got 7",
        tampered(json(r -> ((ArrayNode) r.get("epoch")).set(1, 7))));
    assertEquals("format_version: is 3; this tapekit reads versions 1 to 2",
        tampered(json(r -> r.put("format_version", 3))));
    assertEquals("history.loss[0]: must be a number, got \"abc\"",
        tampered(json(r -> ((ArrayNode) r.get("history").get("loss")).set(0, "abc"))));
    assertEquals("history.loss: has 1 values for 2 epochs",
        tampered(json(r -> ((ArrayNode) r.get("history").get("loss")).remove(0))));
    assertTrue(tampered(json(r -> ((ArrayNode) r.get("weights").get(0).get("shape")).set(0, 3)))
        .matches("weights\\[0\\]: '.*' has shape \\(3, 16\\), but the model's weight 0 \\('.*'\\) has shape "
            + "\\(2, 16\\); the model factory builds a different model than the one trained"));
    assertEquals("weights: the file holds 3 weights, but the model has 4; the model factory builds a different "
        + "model than the one trained", tampered(json(r -> ((ArrayNode) r.get("weights")).remove(3))));
    assertEquals("weights[2].file: must be 'weights/0002.npy', got '../../x.npy'",
        tampered(json(r -> ((ObjectNode) r.get("weights").get(2)).put("file", "../../x.npy"))));
    assertEquals("optimizer.class_name: the run was trained with SGD, but the model factory compiles Adam",
        tampered(json(r -> ((ObjectNode) r.get("optimizer")).put("class_name", "SGD"))));
    assertEquals("optimizer.steps: must be an integer in [0, 9223372036854775807], got -1",
        tampered(json(r -> ((ObjectNode) r.get("optimizer")).put("steps", -1))));
    assertEquals("optimizer.slots[0].variable: must be an integer in [0, 3], got 99",
        tampered(json(r -> slot(r, 0).put("variable", 99))));
    assertTrue(tampered(json(r -> slot(r, 1).put("name", slot(r, 0).get("name").asText())))
        .matches("optimizer\\.slots\\[1\\]: repeats slot '.*' of variable 0"));
    String renamed = tampered(json(r -> slot(r, 0).put("name", "nesterov_m")));
    assertTrue(renamed.startsWith("optimizer.slots: variable '"), renamed);
    assertEquals("checkpoint.json: must hold a JSON object",
        tampered(e -> e.put("checkpoint.json", "[1, 2]".getBytes(StandardCharsets.UTF_8))));
    assertTrue(tampered(e -> e.put("checkpoint.json", "{\"format\": ".getBytes(StandardCharsets.UTF_8)))
        .startsWith("checkpoint.json: is not valid JSON: "));
  }

  @Test
  void everyArrayIsCheckedAgainstItsIndex() throws IOException {
    assertEquals("weights/0001.npy is truncated: it holds 120 bytes of data, shape (16,) needs 128",
        tampered(e -> e.put("weights/0001.npy", Arrays.copyOf(e.get("weights/0001.npy"), 128 + 120))));
    assertEquals("weights/0001.npy holds more data than shape (16,) needs (128 bytes)",
        tampered(e -> e.put("weights/0001.npy", Arrays.copyOf(e.get("weights/0001.npy"), 128 + 136))));
    assertEquals("weights/0001.npy has shape (2000000000,), but the index says (16,)", tampered(e -> e.put(
        "weights/0001.npy", new String(e.get("weights/0001.npy"), StandardCharsets.ISO_8859_1)
            .replace("(16,), }        ", "(2000000000,), }").getBytes(StandardCharsets.ISO_8859_1))));
    assertTrue(tampered(e -> e.put("weights/0001.npy", new String(e.get("weights/0001.npy"),
        StandardCharsets.ISO_8859_1).replace("<f8", "<f4").getBytes(StandardCharsets.ISO_8859_1)))
        .startsWith("weights/0001.npy is not a float64 C-order .npy array: header {'descr': '<f4'"));
    assertEquals("weights/0001.npy is not a .npy array", tampered(e -> e.put("weights/0001.npy", new byte[3])));
    assertEquals("optimizer/0003.npy: is missing (truncated or corrupt file)",
        tampered(e -> e.remove("optimizer/0003.npy")));
    assertEquals("Gadget.class: is not an entry of a tapekit Spark checkpoint",
        tampered(e -> e.put("Gadget.class", new byte[] {(byte) 0xca, (byte) 0xfe})));
  }

  @Test
  void aCheckpointOfAnotherRunOrModelIsRefused() throws IOException {
    Path dir = tmp.resolve("other");
    Checkpoint.write(dir, trained(), history(), 2, "fp");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Checkpoint.read(dir, Data.adamMlp(), "other fp"));
    assertEquals("checkpoint in " + dir + " was written by a run with fp, but this run has other fp", e.getMessage());
    Sequential wider = new Sequential(new Input(2), new Dense(16, "relu"), new Dense(5));
    wider.compile(Adam.builder().build(), new SparseCategoricalCrossentropy(), List.of());
    e = assertThrows(IllegalStateException.class, () -> Checkpoint.read(dir, wider, "fp"));
    assertTrue(e.getMessage().startsWith("checkpoint: " + dir.resolve("tapekit-spark-checkpoint.zip")
        + ": weights[2]: "), e.getMessage());
    assertTrue(e.getMessage().contains("has shape (16, 4), but the model's weight 2"), e.getMessage());
  }
}

package dev.tapekit.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tapekit.callbacks.History;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.io.ModelFiles;
import dev.tapekit.layers.BatchNormalization;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.MeanSquaredError;
import dev.tapekit.models.Model;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints list the weights in {@code model.weights()} order (Keras 3's layer order, format 2); a format-1
 * checkpoint, which listed the trainable weights first, still restores each value into its own variable.
 */
class CheckpointWeightOrderTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private static Model bnModel() {
    RandomSeeds.setRandomSeed(21);
    Sequential m = new Sequential(new Input(3), new Dense(4), new BatchNormalization(), new Dense(2));
    m.compile(new Adam(), new MeanSquaredError());
    return m;
  }

  @Test
  void aFormatOneCheckpointWithTrainableWeightsFirstRestoresIntoTheRightVariables() throws Exception {
    Model m = bnModel();
    Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0, 2, 4, 1, -2, 0, 1, 1}, 4, 3);
    m.trainOnBatch(x, Tensor.of(new float[] {1, 0, 0, 1, 1, 1, 0, 0}, 4, 2));
    History h = new History();
    h.onEpochEnd(0, Map.of("loss", 0.5));
    Path dir = tmp.resolve("ckpt");
    Checkpoint.write(dir, m, h, 1, "fp");

    List<Variable> legacy = ModelFiles.legacyWeightOrder(m);
    assertNotEquals(m.weights(), legacy, "the test needs a model whose two orders differ");
    Path file = dir.resolve(Checkpoint.FILE);
    Map<String, byte[]> entries = new LinkedHashMap<>();
    try (ZipFile z = new ZipFile(file.toFile())) {
      for (Enumeration<? extends ZipEntry> e = z.entries(); e.hasMoreElements(); ) {
        ZipEntry en = e.nextElement();
        try (InputStream in = z.getInputStream(en)) {
          entries.put(en.getName(), in.readAllBytes());
        }
      }
    }
    // what tapekit 0.1 wrote: entry i holds legacy.get(i)
    ObjectNode root = (ObjectNode) JSON.readTree(entries.get("checkpoint.json"));
    root.put("format_version", 1);
    ArrayNode index = (ArrayNode) root.get("weights");
    List<ObjectNode> byPosition = new ArrayList<>();
    index.forEach(n -> byPosition.add((ObjectNode) n.deepCopy()));
    Map<String, byte[]> arrays = new LinkedHashMap<>();
    for (int i = 0; i < legacy.size(); i++) {
      int was = m.weights().indexOf(legacy.get(i));
      ObjectNode w = byPosition.get(was).deepCopy();
      String entry = String.format("weights/%04d.npy", i);
      w.put("file", entry);
      index.set(i, w);
      arrays.put(entry, entries.get(String.format("weights/%04d.npy", was)));
    }
    entries.putAll(arrays);
    entries.put("checkpoint.json", JSON.writeValueAsBytes(root));
    try (OutputStream os = Files.newOutputStream(file); ZipOutputStream out = new ZipOutputStream(os)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        out.putNextEntry(new ZipEntry(e.getKey()));
        out.write(e.getValue());
        out.closeEntry();
      }
    }

    Model fresh = bnModel();
    assertEquals(1, Checkpoint.read(dir, fresh, "fp").restoreInto(fresh));
    for (int i = 0; i < m.weights().size(); i++) {
      assertArrayEquals(m.weights().get(i).peek().toDoubleArray(), fresh.weights().get(i).peek().toDoubleArray(),
          m.weights().get(i).name());
    }
  }
}

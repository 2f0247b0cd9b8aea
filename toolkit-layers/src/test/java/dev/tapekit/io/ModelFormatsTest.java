package dev.tapekit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.models.Sequential;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without toolkit-keras on the class path (as in this module's tests) a Keras name or a Keras file is
 * refused with a message that names the module, never silently written or read as tapekit's zip.
 */
class ModelFormatsTest {
  @TempDir Path dir;

  private static Sequential model() {
    return new Sequential(new Input(3), new Dense(2));
  }

  @Test
  void noFormatsBesidesTapekitsHere() {
    assertTrue(ModelFormats.available().isEmpty());
  }

  @Test
  void savingUnderAKerasNameNeedsTheKerasModule() {
    for (String name : new String[] {"m.keras", "m.h5", "M.HDF5", "w.weights.h5"}) {
      Path p = dir.resolve(name);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model().save(p));
      assertTrue(e.getMessage().contains("dev.tapekit:toolkit-keras"), e.getMessage());
      assertFalse(Files.exists(p), name);
    }
    assertThrows(IllegalArgumentException.class, () -> model().saveWeights(dir.resolve("w.h5")));
  }

  @Test
  void otherNamesGetTapekitsFormat() {
    Path p = dir.resolve("m.tapekit");
    Sequential m = model();
    m.save(p);
    Model back = Models.load(p);
    assertEquals(m.weights().size(), back.weights().size());
  }

  @Test
  void anHdf5FileIsRecognisedByContent() throws Exception {
    Path p = dir.resolve("model.bin");
    byte[] b = new byte[600];
    byte[] sig = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(sig, 0, b, 512, sig.length); // behind a 512-byte user block
    Files.write(p, b);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains("HDF5") && e.getMessage().contains("toolkit-keras"), e.getMessage());
  }

  @Test
  void aTfjsModelJsonIsRecognisedByContent() throws Exception {
    Path p = dir.resolve("model.json");
    Files.writeString(p, "\uFEFF  {\"format\": \"layers-model\", \"modelTopology\": {}}");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.load(p));
    assertTrue(e.getMessage().contains("TensorFlow.js"), e.getMessage());
  }

  @Test
  void fileHeadKinds() throws Exception {
    Path p = dir.resolve("x");
    Files.write(p, new byte[] {'P', 'K', 3, 4, 0});
    assertTrue(FileHead.of(p).isZip());
    assertFalse(FileHead.of(p).isHdf5());
    Files.write(p, new byte[0]);
    assertFalse(FileHead.of(p).isZip());
    assertFalse(FileHead.of(p).isJsonObject());
  }
}

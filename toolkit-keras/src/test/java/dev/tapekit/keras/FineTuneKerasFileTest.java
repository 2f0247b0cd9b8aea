package dev.tapekit.keras;

import static dev.tapekit.keras.KerasFixturesTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Model;
import dev.tapekit.models.Models;
import dev.tapekit.optimizers.Adam;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user path from Java: a model a Python user trained in Keras (a real Keras 2.x file) is loaded
 * compiled, fine-tuned with fit(), saved as Keras 3's .keras and loaded back with the same predictions.
 */
class FineTuneKerasFileTest {
  @TempDir Path dir;

  @Test
  void aKerasTrainedModelIsFineTunedSavedAsKerasAndReloaded() {
    Model m = Models.load(KerasFixtures.file("simple_sparse_xent/simple_sparse_xent_mlp_keras_2_model.h5"));
    assertTrue(m.compiled(), "compiled from the file's training_config");
    Tensor x;
    try (H5File io = H5File.open(KerasFixtures.file(
        "simple_sparse_xent/simple_sparse_xent_mlp_keras_2_inputs_and_outputs.h5"))) {
      x = KerasFixtures.dataset(io, "inputs/" + io.children("inputs").get(0));
    }
    int n = (int) x.shape()[0];
    int classes = (int) m.predict(x).shape()[1];
    // new labels for the fine-tuning task: each sample's class shifted by one
    int[] labels = new int[n];
    float[] p = m.predict(x).toFloatArray();
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        best = p[i * classes + c] > p[i * classes + best] ? c : best;
      }
      labels[i] = (best + 1) % classes;
    }
    Tensor y = Tensor.of(labels, n);
    m.compile(Adam.builder().learningRate(0.05).build(), m.loss(), List.of("accuracy"));
    double before = m.evaluate(x, y).get("loss");
    m.fit(x, y, FitOptions.builder().epochs(40).batchSize(n).verbose(0).shuffle(false).build());
    double after = m.evaluate(x, y).get("loss");
    assertTrue(after < before / 2, "fine-tuning lowers the loss: " + before + " -> " + after);

    Path saved = dir.resolve("fine-tuned.keras");
    m.save(saved);
    Model back = Models.load(saved);
    assertClose(m.predict(x), back.predict(x), "the fine-tuned model after .keras");
    assertEquals(after, back.evaluate(x, y).get("loss"), 1e-6);
  }
}

package dev.tapekit.samples;

import dev.tapekit.cli.TinyData;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.samples.gradients.DenseLayerGradients;
import dev.tapekit.samples.keras.MnistClassifier;
import dev.tapekit.samples.keras.RegressionFit;
import dev.tapekit.samples.keras.SubclassedModel;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the samples that use layers and models, and checks what they print. */
class KerasSamplesTest {
  @TempDir
  Path dir;

  @Test
  void denseLayerGradientsHaveTheVariablesShapes() throws Exception {
    String out = Capture.stdout(DenseLayerGradients::main);
    assertTrue(out.matches("(?s).*kernel, shape: \\(2, 32\\).*"), out);
    assertTrue(out.matches("(?s).*bias, shape: \\(32,\\).*"), out);
  }

  @Test
  void regressionFitLowersTheLossTowardsTheTargetsVariance() throws Exception {
    String out = Capture.stdout(RegressionFit::main, "100", "7");
    double first = Capture.number(out, "Epoch 1/100 - loss: ");
    double last = Capture.number(out, "Epoch 100/100 - loss: ");
    double variance = Capture.number(out, "variance of the targets: ");
    assertTrue(last < first, out);
    // random targets: the best a model can do on unseen data is their variance; on the training set a
    // little less, and 100 epochs of Adam(0.01) get within 50% of it
    assertTrue(last < 1.5 * variance, out);
    assertEquals(last, Capture.number(out, "evaluate loss: "), 0.05);
    assertTrue(out.contains("Total params: 71"), "5*10+10 + 10*1+1 parameters:\n" + out);
  }

  @Test
  void aSubclassedModelWithItsOwnTrainStepLearns() throws Exception {
    String out = Capture.stdout(SubclassedModel::main, "10", "3");
    assertTrue(Capture.number(out, "Epoch 10/10 - accuracy: ") > 0.9, out);
    assertTrue(Capture.number(out, "evaluate accuracy: ") > 0.9, out);
    // the summary counts the layers held in its fields: 2*32+32 + 32*16+16 + 16*4+4
    assertTrue(out.contains("Total params: 692"), out);
  }

  @Test
  void mnistStyleClassifierLearnsWithBothLoops() throws Exception {
    Path data = TinyData.write(dir, 600, 120, 5);
    String out = Capture.stdout(MnistClassifier::main, "dir=" + data, "epochs=3", "seed=1");
    Pattern epoch = Pattern.compile("Epoch (\\d)/3, Loss: (\\d\\.\\d{4}), Accuracy: (\\d\\.\\d{4})");
    Matcher m = epoch.matcher(out);
    double[] loss = new double[4];
    double[] acc = new double[4];
    int seen = 0;
    while (m.find()) {
      int e = Integer.parseInt(m.group(1));
      loss[e] = Double.parseDouble(m.group(2));
      acc[e] = Double.parseDouble(m.group(3));
      seen++;
    }
    assertEquals(3, seen, out);
    assertTrue(loss[3] < loss[1], out);
    assertTrue(acc[3] >= acc[1], out);
    // the tiny images are separable by which quadrant is bright
    assertTrue(Capture.number(out, "Test accuracy (custom loop): ") > 0.9, out);
    assertTrue(Capture.numbers(out, "Test loss (fit): ")[1] > 0.9, out);
    assertTrue(out.contains("Epoch 3/3"), out);
  }
}

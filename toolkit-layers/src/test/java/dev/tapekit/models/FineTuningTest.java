package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import dev.tapekit.io.ModelFiles;
import dev.tapekit.layers.BatchNormalization;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.Names;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.layers.regularizers.L2;
import dev.tapekit.losses.MeanSquaredError;
import dev.tapekit.optimizers.Adam;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fine-tuning as in Keras 3: freezing, frozen BatchNormalization, weight order, frozen nested models in files. */
class FineTuningTest {
  @TempDir
  Path tmp;

  private static Tensor data(long seed, long... shape) {
    return Ops.randomUniform(shape, -1, 1, DType.FLOAT32, seed);
  }

  private static List<String> names(List<Variable> vs) {
    return vs.stream().map(Variable::name).toList();
  }

  @Test
  void frozenBatchNormalizationRunsInInferenceModeWhenCalledWithTrainingTrue() {
    // Keras 3 BatchNormalization.call: `if training and self.trainable:` batch statistics and moving updates;
    // otherwise the moving statistics normalize, even with training=True
    BatchNormalization bn = BatchNormalization.builder().trainable(false).build();
    Tensor x = Ops.add(data(1, 8, 3), Tensor.scalar(5.0, DType.FLOAT32));
    Tensor inference = bn.apply(x, false);
    Tensor training = bn.apply(x, true);
    assertArrayEquals(inference.toFloatArray(), training.toFloatArray());
    assertArrayEquals(new float[] {0, 0, 0}, bn.movingMean().peek().toFloatArray());
    assertArrayEquals(new float[] {1, 1, 1}, bn.movingVariance().peek().toFloatArray());

    // unfrozen it trains again: batch statistics, moving mean moved by (1 - momentum) of the batch mean
    bn.setTrainable(true);
    assertFalse(java.util.Arrays.equals(inference.toFloatArray(), bn.apply(x, true).toFloatArray()));
    float[] mean = Ops.reduceMean(x, new int[] {0}, false).toFloatArray();
    float[] moved = bn.movingMean().peek().toFloatArray();
    for (int i = 0; i < 3; i++) {
      assertEquals(0.01 * mean[i], moved[i], 1e-6);
    }
  }

  @Test
  void fitNeverMovesTheStatisticsOfABatchNormalizationInAFrozenModel() {
    // the transfer-learning recipe: base.trainable = False; the base's BatchNormalization stays in inference mode
    RandomSeeds.setRandomSeed(3);
    BatchNormalization bn = new BatchNormalization();
    Sequential base = new Sequential(new Input(4), new Dense(6), bn);
    base.setTrainable(false);
    Sequential model = new Sequential(base, new Dense(1));
    model.compile(new Adam(), new MeanSquaredError());
    List<Tensor> baseBefore = base.getWeights();
    model.fit(data(2, 64, 4), data(3, 64, 1), FitOptions.builder().epochs(2).batchSize(16).verbose(0).seed(1).build());
    List<Tensor> baseAfter = base.getWeights();
    for (int i = 0; i < baseBefore.size(); i++) {
      assertArrayEquals(baseBefore.get(i).toFloatArray(), baseAfter.get(i).toFloatArray(), base.weights().get(i).name());
    }
  }

  @Test
  void setTrainableReachesEveryNestedLayer() {
    // Keras 3's trainable setter: `for layer in self._layers: layer.trainable = value`
    Sequential inner = new Sequential(new Input(4), new Dense(3), new BatchNormalization());
    KerasTensor in = Input.of(4);
    Model outer = new Model(in, new Dense(2).apply(inner.apply(in)));
    outer.setTrainable(false);
    for (Layer l : outer.layers()) {
      assertFalse(l.trainable(), l.name());
    }
    for (Layer l : inner.layers()) {
      assertFalse(l.trainable(), l.name());
    }
    assertEquals(List.of(), outer.trainableWeights());
    assertEquals(outer.weights(), outer.nonTrainableWeights());
    outer.setTrainable(true);
    for (Layer l : inner.layers()) {
      assertTrue(l.trainable(), l.name());
    }
    inner.setTrainable(false);
    assertTrue(outer.trainable());
    assertEquals(2, outer.trainableWeights().size());
  }

  @Test
  void weightsAreInLayerOrderWhateverIsFrozen() {
    // Keras 3 Layer.weights: own trainable variables, own non-trainable ones, then each sublayer's weights;
    // trainable_weights / non_trainable_weights filter that list
    Names.reset();
    Sequential m = new Sequential(new Input(4), new Dense(3), new BatchNormalization(), new Dense(2));
    List<String> layerOrder = List.of("dense/kernel", "dense/bias", "batch_normalization/gamma",
        "batch_normalization/beta", "batch_normalization/moving_mean", "batch_normalization/moving_variance",
        "dense_1/kernel", "dense_1/bias");
    assertEquals(layerOrder, names(m.weights()));
    assertEquals(List.of("dense/kernel", "dense/bias", "batch_normalization/gamma", "batch_normalization/beta",
        "dense_1/kernel", "dense_1/bias"), names(m.trainableWeights()));
    assertEquals(List.of("batch_normalization/moving_mean", "batch_normalization/moving_variance"),
        names(m.nonTrainableWeights()));

    m.layers().get(0).setTrainable(false);
    assertEquals(layerOrder, names(m.weights()));
    assertEquals(List.of("batch_normalization/gamma", "batch_normalization/beta", "dense_1/kernel", "dense_1/bias"),
        names(m.trainableWeights()));
    assertEquals(List.of("dense/kernel", "dense/bias", "batch_normalization/moving_mean",
        "batch_normalization/moving_variance"), names(m.nonTrainableWeights()));
  }

  @Test
  void theWeightsOfAFrozenModelSetIntoAnUnfrozenCopy() {
    Sequential frozen = new Sequential(new Input(4), new Dense(3), new Dense(5));
    frozen.layers().get(0).setTrainable(false);
    Sequential copy = new Sequential(new Input(4), new Dense(3), new Dense(5));
    copy.setWeights(frozen.getWeights()); // today: kernel (3, 5) into (4, 3)
    Tensor x = data(4, 5, 4);
    assertArrayEquals(frozen.predict(x).toFloatArray(), copy.predict(x).toFloatArray());
  }

  @Test
  void aModelHoldingAFrozenNestedModelSavesAFileThatLoads() {
    // today: "weight 0 (dense_2/kernel) has shape (8, 2) but the model's dense/kernel has shape (4, 8)"
    RandomSeeds.setRandomSeed(5);
    Sequential base = new Sequential(new Input(4), new Dense(8, "relu"), new BatchNormalization());
    base.setTrainable(false);
    KerasTensor in = Input.of(4);
    Model model = new Model(in, new Dense(2).apply(base.apply(in)));
    model.compile(new Adam(), new MeanSquaredError());
    Tensor x = data(6, 32, 4);
    Tensor y = data(7, 32, 2);
    model.fit(x, y, FitOptions.builder().epochs(1).batchSize(8).verbose(0).seed(1).build());
    Path f = tmp.resolve("frozen-base.tapekit");
    model.save(f);
    Model loaded = Models.load(f);
    assertEquals(names(model.weights()), names(loaded.weights()));
    assertArrayEquals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray());
    Layer loadedBase = loaded.layers().get(1);
    assertFalse(loadedBase.trainable(), "the nested model was saved frozen");
    assertEquals(2, loaded.trainableWeights().size());
    assertEquals(names(model.trainableWeights()), names(loaded.trainableWeights()));

    // and both continue identically: the optimizer's slots follow their variables by name
    model.fit(x, y, FitOptions.builder().epochs(2).batchSize(8).verbose(0).seed(2).build());
    loaded.fit(x, y, FitOptions.builder().epochs(2).batchSize(8).verbose(0).seed(2).build());
    for (int i = 0; i < model.weights().size(); i++) {
      assertArrayEquals(model.weights().get(i).peek().toFloatArray(), loaded.weights().get(i).peek().toFloatArray(),
          model.weights().get(i).name());
    }
  }

  @Test
  void unfreezingAfterTrainingTheHeadKeepsTheHeadsOptimizerState() {
    // the fine-tuning recipe: train the head with the base frozen, then unfreeze and recompile... or not:
    // without recompiling, the optimizer's slots stay with their variables (matched by variable, not position)
    RandomSeeds.setRandomSeed(9);
    Sequential base = new Sequential(new Input(4), new Dense(8, "relu"), new BatchNormalization());
    base.setTrainable(false);
    Sequential model = new Sequential(base, new Dense(2));
    model.compile(new Adam(), new MeanSquaredError());
    Tensor x = data(8, 32, 4);
    Tensor y = data(9, 32, 2);
    model.fit(x, y, FitOptions.builder().epochs(1).batchSize(8).verbose(0).seed(1).build());
    base.setTrainable(true);
    assertEquals(6, model.trainableWeights().size());
    model.fit(x, y, FitOptions.builder().epochs(1).batchSize(8).verbose(0).seed(2).build());
    Path f = tmp.resolve("unfrozen.tapekit");
    model.save(f);
    Model loaded = Models.load(f);
    Tensor more = data(10, 16, 4);
    model.trainOnBatch(more, data(11, 16, 2));
    loaded.trainOnBatch(more, data(11, 16, 2));
    assertArrayEquals(model.predict(x).toFloatArray(), loaded.predict(x).toFloatArray());
  }

  @Test
  void aFrozenLayersRegularizerAddsNoLoss() {
    // Keras 3 Layer._get_regularization_losses: `for variable in self.trainable_weights`
    Dense d = Dense.builder().units(3).kernelRegularizer(new L2(0.1)).build();
    Sequential m = new Sequential(new Input(4), d, new Dense(1));
    assertEquals(1, m.losses().size());
    d.setTrainable(false);
    assertEquals(0, m.losses().size());
    m.setTrainable(true);
    assertEquals(1, m.losses().size());
  }

  @Test
  void formatOneFilesWithTrainableWeightsFirstStillLoad() throws Exception {
    // tapekit 0.1 wrote weights trainable first; such a file (format_version 1) loads into the right variables
    RandomSeeds.setRandomSeed(11);
    Sequential m = new Sequential(new Input(4), new Dense(3), new BatchNormalization(), new Dense(2));
    m.compile(new Adam(), new MeanSquaredError());
    Tensor x = data(12, 16, 4);
    m.fit(x, data(13, 16, 2), FitOptions.builder().epochs(1).batchSize(4).verbose(0).seed(1).build());
    Path now = tmp.resolve("v2.tapekit");
    m.save(now);
    Path old = tmp.resolve("v1.tapekit");
    rewriteAsFormatOne(now, old, m);
    Model loaded = Models.load(old);
    assertArrayEquals(m.predict(x).toFloatArray(), loaded.predict(x).toFloatArray());
    Sequential fresh = new Sequential(new Input(4), new Dense(3), new BatchNormalization(), new Dense(2));
    fresh.loadWeights(old);
    assertArrayEquals(m.predict(x).toFloatArray(), fresh.predict(x).toFloatArray());
  }

  /** The file tapekit 0.1 would have written: format_version 1, weights listed trainable first. */
  @SuppressWarnings("unchecked")
  private static void rewriteAsFormatOne(Path from, Path to, Model m) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> legacy = names(ModelFiles.legacyWeightOrder(m));
    assertFalse(legacy.equals(names(m.weights())), "the test needs a model whose two orders differ");
    try (ZipFile zip = new ZipFile(from.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(to))) {
      Map<String, Object> meta = json.readValue(zip.getInputStream(zip.getEntry("metadata.json")), LinkedHashMap.class);
      meta.put("format_version", 1);
      List<Map<String, Object>> index = (List<Map<String, Object>>) meta.get("weights");
      Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
      for (Map<String, Object> e : index) {
        byName.put((String) e.get("name"), e);
      }
      List<Map<String, Object>> reordered = new ArrayList<>();
      for (String n : legacy) {
        reordered.add(byName.get(n));
      }
      meta.put("weights", reordered);
      for (var e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry z = e.nextElement();
        out.putNextEntry(new ZipEntry(z.getName()));
        if (z.getName().equals("metadata.json")) {
          out.write(json.writeValueAsBytes(meta));
        } else {
          ByteArrayOutputStream b = new ByteArrayOutputStream();
          zip.getInputStream(z).transferTo(b);
          out.write(b.toByteArray());
        }
        out.closeEntry();
      }
    }
  }
}

package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Concatenate;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.MeanSquaredError;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.optimizers.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keras 3's functional models with several inputs and outputs in training: lists and dicts of arrays, one
 * loss per output with loss weights, per-output metrics and Keras's log names ({@code loss},
 * {@code <output>_loss}, {@code <output>_<metric>}, {@code val_...}).
 */
class MultiIoFitTest {
  @TempDir
  Path tmp;

  static final int N = 40;

  /** Inputs "a" (3 features) and "b" (2); outputs "cls" (softmax over 3 classes) and "reg" (one value). */
  static Model twoByTwo() {
    RandomSeeds.setRandomSeed(11);
    KerasTensor a = new Input(new long[] {3}, DType.FLOAT32, "a").output();
    KerasTensor b = new Input(new long[] {2}, DType.FLOAT32, "b").output();
    KerasTensor ha = Dense.builder().units(4).activation("relu").name("branch_a").build().apply(a);
    KerasTensor hb = Dense.builder().units(4).activation("relu").name("branch_b").build().apply(b);
    KerasTensor h = new Concatenate().apply(ha, hb);
    KerasTensor cls = Dense.builder().units(3).activation("softmax").name("cls").build().apply(h);
    KerasTensor reg = Dense.builder().units(1).name("reg").build().apply(h);
    return new Model(List.of(a, b), List.of(cls, reg), "two_by_two");
  }

  /** x = [a, b], y = [class ids, a regression target]. */
  static Tensor[] data(int n, long seed) {
    Tensor a = Ops.randomUniform(new long[] {n, 3}, -1, 1, DType.FLOAT32, seed);
    Tensor b = Ops.randomUniform(new long[] {n, 2}, -1, 1, DType.FLOAT32, seed + 1);
    float[] av = a.toFloatArray();
    float[] bv = b.toFloatArray();
    int[] cls = new int[n];
    float[] reg = new float[n];
    for (int i = 0; i < n; i++) {
      cls[i] = av[3 * i] > 0.3 ? 2 : av[3 * i] > -0.3 ? 1 : 0;
      reg[i] = av[3 * i + 1] - 0.5f * bv[2 * i];
    }
    return new Tensor[] {a, b, Tensor.of(cls), Ops.reshape(Tensor.of(reg), n, 1)};
  }

  static void compile(Model m) {
    m.compile(SGD.builder().learningRate(0.1).build(), List.of("sparse_categorical_crossentropy", "mse"),
        List.of(1.0, 0.5), List.of(List.of("accuracy"), List.of("mae")));
  }

  static FitOptions opts(int epochs) {
    return FitOptions.builder().epochs(epochs).batchSize(8).seed(3).verbose(0).build();
  }

  @Test
  void twoInputTwoOutputModelFitsAndLogsKerasNames() {
    // fails on main: the Model constructor refused more than one output
    Tensor[] d = data(N, 1);
    Model m = twoByTwo();
    compile(m);
    History h = m.fit(List.of(d[0], d[1]), List.of(d[2], d[3]),
        FitOptions.builder().epochs(3).batchSize(8).seed(3).verbose(0).validationSplit(0.25).build());
    // Keras 3: model.fit(...).history.keys() for outputs named cls and reg
    assertEquals(Set.of("loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_mae", "val_loss", "val_cls_loss",
        "val_reg_loss", "val_cls_accuracy", "val_reg_mae"), h.history().keySet());
    List<Double> loss = h.history().get("loss");
    assertTrue(loss.get(2) < loss.get(0), "training lowers the total loss: " + loss);
  }

  @Test
  void listsAndMapsTrainIdentically() {
    Tensor[] d = data(N, 2);
    Model byList = twoByTwo();
    compile(byList);
    History hl = byList.fit(List.of(d[0], d[1]), List.of(d[2], d[3]), opts(2));
    Model byMap = twoByTwo();
    // the maps' own order does not matter: keys are the input and output layer names
    byMap.compile(SGD.builder().learningRate(0.1).build(), Map.of("reg", "mse", "cls", "sparse_categorical_crossentropy"),
        Map.of("reg", 0.5, "cls", 1.0), Map.of("cls", List.of("accuracy"), "reg", "mae"));
    History hm = byMap.fit(Map.of("b", d[1], "a", d[0]), Map.of("reg", d[3], "cls", d[2]), opts(2));
    assertEquals(hl.history(), hm.history());
    for (int i = 0; i < byList.getWeights().size(); i++) {
      assertArrayEquals(byList.getWeights().get(i).toFloatArray(), byMap.getWeights().get(i).toFloatArray());
    }
  }

  @Test
  void totalLossIsTheWeightedSumOfTheOutputLosses() {
    Tensor[] d = data(16, 3);
    Model m = twoByTwo();
    compile(m);
    Map<String, Double> logs = m.testOnBatch(List.of(d[0], d[1]), List.of(d[2], d[3]));
    List<Tensor> out = m.callAll(List.of(d[0], d[1]), false);
    double ce = SparseCategoricalCrossentropy.builder().build().call(d[2], out.get(0)).doubleValue();
    double mse = MeanSquaredError.builder().build().call(d[3], out.get(1)).doubleValue();
    assertEquals(ce, logs.get("cls_loss"), 1e-6);
    assertEquals(mse, logs.get("reg_loss"), 1e-6);
    assertEquals(1.0 * ce + 0.5 * mse, logs.get("loss"), 1e-6);
    assertEquals(Set.of("loss", "cls_loss", "reg_loss", "cls_accuracy", "reg_mae"), logs.keySet());
  }

  @Test
  void aSingleLossAppliesToEveryOutputAndMetricsListsAreOnePerOutput() {
    Tensor[] d = data(16, 4);
    Model m = twoByTwo();
    // Keras 3: one loss for every output; a metrics list has one entry (a metric or a list) per output
    m.compile(SGD.builder().learningRate(0.1).build(), "mse", null, List.of("mae", List.of("mae", "mse")));
    Tensor oneHot = Ops.oneHot(d[2], 3);
    Map<String, Double> logs = m.testOnBatch(List.of(d[0], d[1]), List.of(oneHot, d[3]));
    assertEquals(Set.of("loss", "cls_loss", "reg_loss", "cls_mae", "reg_mae", "reg_mse"), logs.keySet());
    assertEquals(logs.get("cls_loss") + logs.get("reg_loss"), logs.get("loss"), 1e-6);
    assertEquals(logs.get("reg_loss"), logs.get("reg_mse"), 1e-6);
    IllegalArgumentException flat = assertThrows(IllegalArgumentException.class, () ->
        m.compile("sgd", "mse", null, List.of("mae")));
    assertTrue(flat.getMessage().contains("one entry per output"), flat.getMessage());
  }

  @Test
  void singleOutputLogsKeepTheirUnprefixedNames() {
    // Keras 3: with one output the metric keys are not prefixed ("accuracy"), and there is no "<name>_loss"
    KerasTensor in = Input.of(3);
    Model m = new Model(in, Dense.builder().units(3).activation("softmax").name("out").build().apply(in));
    m.compile("sgd", "sparse_categorical_crossentropy", "accuracy");
    Tensor[] d = data(16, 5);
    assertEquals(Set.of("loss", "accuracy"), m.testOnBatch(d[0], d[2]).keySet());
    assertEquals(Set.of("loss", "accuracy"), m.testOnBatch(List.of(d[0]), List.of(d[2])).keySet());
    assertArrayEquals(m.predict(d[0]).toFloatArray(), m.predictOnBatch(d[0]).toFloatArray(), 1e-6f);
    assertArrayEquals(m.predict(d[0]).toFloatArray(), m.predictAll(d[0]).get(0).toFloatArray(), 1e-6f);
  }

  @Test
  void evaluateAndPredictMatchCallingTheModel() {
    Tensor[] d = data(N, 6);
    Model m = twoByTwo();
    compile(m);
    m.fit(List.of(d[0], d[1]), List.of(d[2], d[3]), opts(1));
    List<Tensor> direct = m.callAll(List.of(d[0], d[1]), false);
    List<Tensor> predicted = m.predictAll(List.of(d[0], d[1]), 7); // several batches, joined
    List<Tensor> byName = m.predictAll(Map.of("a", d[0], "b", d[1]));
    List<Tensor> onBatch = m.predictAllOnBatch(List.of(d[0], d[1]));
    for (int i = 0; i < 2; i++) {
      assertArrayEquals(direct.get(i).shape(), predicted.get(i).shape());
      assertArrayEquals(direct.get(i).toFloatArray(), predicted.get(i).toFloatArray(), 1e-6f);
      assertArrayEquals(direct.get(i).toFloatArray(), byName.get(i).toFloatArray(), 1e-6f);
      assertArrayEquals(direct.get(i).toFloatArray(), onBatch.get(i).toFloatArray(), 1e-6f);
    }
    assertArrayEquals(new long[] {N, 3}, predicted.get(0).shape());
    assertArrayEquals(new long[] {N, 1}, predicted.get(1).shape());
    // evaluate over batches equals one test step over all samples for these mean metrics
    Map<String, Double> ev = m.evaluate(List.of(d[0], d[1]), List.of(d[2], d[3]));
    Map<String, Double> once = m.testOnBatch(List.of(d[0], d[1]), List.of(d[2], d[3]));
    for (String k : once.keySet()) {
      assertEquals(once.get(k), ev.get(k), 1e-5, k);
    }
    IllegalArgumentException single = assertThrows(IllegalArgumentException.class, () -> m.predict(List.of(d[0], d[1])));
    assertTrue(single.getMessage().contains("predictAll"), single.getMessage());
  }

  @Test
  void shufflingGathersEveryArrayWithTheSameIndices() {
    // a model whose second input and output are the first ones in other columns: shuffled batches must pair
    // rows consistently, or the two heads see different samples and the results differ from the unshuffled copy
    Tensor[] d = data(N, 7);
    Model shuffled = twoByTwo();
    compile(shuffled);
    History hs = shuffled.fit(List.of(d[0], d[1]), List.of(d[2], d[3]),
        FitOptions.builder().epochs(1).batchSize(N).seed(5).verbose(0).build());
    Model plain = twoByTwo();
    compile(plain);
    History hp = plain.fit(List.of(d[0], d[1]), List.of(d[2], d[3]),
        FitOptions.builder().epochs(1).batchSize(N).shuffle(false).verbose(0).build());
    // one batch of all samples: the order must not change the mean losses if rows stay paired
    for (String k : hp.history().keySet()) {
      assertEquals(hp.history().get(k).get(0), hs.history().get(k).get(0), 1e-5, k);
    }
    // and with small batches the shuffled run differs from the unshuffled one (it did shuffle)
    Model small = twoByTwo();
    compile(small);
    Model smallPlain = twoByTwo();
    compile(smallPlain);
    double a = small.fit(List.of(d[0], d[1]), List.of(d[2], d[3]), opts(1)).history().get("loss").get(0);
    double b = smallPlain.fit(List.of(d[0], d[1]), List.of(d[2], d[3]),
        FitOptions.builder().epochs(1).batchSize(8).shuffle(false).verbose(0).build()).history().get("loss").get(0);
    assertNotEquals(a, b);
  }

  @Test
  void perOutputSampleWeightsWeightOnlyTheirOutput() {
    Tensor[] d = data(16, 8);
    Model m = twoByTwo();
    compile(m);
    List<Tensor> x = List.of(d[0], d[1]);
    List<Tensor> y = List.of(d[2], d[3]);
    Map<String, Double> plain = m.testOnBatch(x, y);
    float[] w = new float[16];
    Arrays.fill(w, 0, 8, 0f);
    Arrays.fill(w, 8, 16, 2f);
    List<Tensor> weights = new ArrayList<>(Arrays.asList(null, Tensor.of(w)));
    Map<String, Double> weighted = m.testOnBatch(x, y, weights);
    assertEquals(plain.get("cls_loss"), weighted.get("cls_loss"), 1e-7);
    assertNotEquals(plain.get("reg_loss"), weighted.get("reg_loss"));
    Map<String, Double> byName = m.testOnBatch(x, y, Map.of("reg", Tensor.of(w)));
    assertEquals(weighted, byName);
  }

  @Test
  void validationDataTakesLists() {
    Tensor[] d = data(N, 9);
    Tensor[] v = data(12, 10);
    Model m = twoByTwo();
    compile(m);
    History h = m.fit(List.of(d[0], d[1]), List.of(d[2], d[3]), FitOptions.builder().epochs(1).batchSize(8).seed(1)
        .verbose(0).validationData(List.of(v[0], v[1]), List.of(v[2], v[3])).build());
    Map<String, Double> ev = m.evaluate(List.of(v[0], v[1]), List.of(v[2], v[3]));
    assertEquals(ev.get("loss"), h.history().get("val_loss").get(0), 1e-6);
    assertEquals(ev.get("reg_mae"), h.history().get("val_reg_mae").get(0), 1e-6);
  }

  @Test
  void badDataFailsWithOneLineNamingTheProblem() {
    Tensor[] d = data(16, 11);
    Model m = twoByTwo();
    compile(m);
    IllegalArgumentException count = assertThrows(IllegalArgumentException.class, () ->
        m.fit(List.of(d[0]), List.of(d[2], d[3]), opts(1)));
    assertOneLine(count, "has 2 inputs [a, b], but x has 1 array");
    IllegalArgumentException outputs = assertThrows(IllegalArgumentException.class, () ->
        m.fit(List.of(d[0], d[1]), List.of(d[2]), opts(1)));
    assertOneLine(outputs, "has 2 outputs [cls, reg], but y has 1 array");
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () ->
        m.fit(Map.of("a", d[0], "b", d[1]), Map.of("cls", d[2], "regression", d[3]), opts(1)));
    assertOneLine(unknown, "no output named \"regression\"");
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () ->
        m.fit(Map.of("a", d[0]), Map.of("cls", d[2], "reg", d[3]), opts(1)));
    assertOneLine(missing, "input \"b\"");
    Tensor[] other = data(15, 12);
    IllegalArgumentException samples = assertThrows(IllegalArgumentException.class, () ->
        m.fit(List.of(d[0], other[1]), List.of(d[2], d[3]), opts(1)));
    assertOneLine(samples, "x sizes: 16, 15");
    IllegalArgumentException lossKey = assertThrows(IllegalArgumentException.class, () ->
        m.compile("sgd", Map.of("cls", "mse", "dense_9", "mse"), null, null));
    assertOneLine(lossKey, "\"dense_9\"");
    IllegalArgumentException oneArray = assertThrows(IllegalArgumentException.class, () -> m.predictAll(d[0]));
    assertOneLine(oneArray, "2 inputs [a, b]");
    IllegalArgumentException classWeight = assertThrows(IllegalArgumentException.class, () -> m.fit(List.of(d[0], d[1]),
        List.of(d[2], d[3]), FitOptions.builder().classWeight(Map.of(0, 2.0)).verbose(0).build()));
    assertOneLine(classWeight, "class_weight");
    IllegalStateException loss = assertThrows(IllegalStateException.class, m::loss);
    assertOneLine(loss, "outputLosses()");
  }

  @Test
  void aBatchSourceIsRefusedForSeveralInputs() {
    Tensor[] d = data(16, 13);
    Model m = twoByTwo();
    compile(m);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        m.fit(dev.tapekit.data.Pipeline.fromTensorSlices(d[0], d[2]).batch(4), opts(1)));
    assertOneLine(e, "2 inputs and 2 outputs");
    KerasTensor a = new Input(new long[] {3}, DType.FLOAT32, "a").output();
    KerasTensor b = new Input(new long[] {2}, DType.FLOAT32, "b").output();
    Model oneOut = new Model(List.of(a, b), List.of(Dense.builder().units(1).build().apply(
        new Concatenate().apply(a, b))), "two_in_one_out");
    oneOut.compile("sgd", "mse");
    IllegalArgumentException one = assertThrows(IllegalArgumentException.class, () ->
        oneOut.fit(dev.tapekit.data.Pipeline.fromTensorSlices(d[0], d[3]).batch(4), opts(1)));
    assertOneLine(one, "2 inputs and 1 output;");
  }

  @Test
  void multiOutputCompileSurvivesSaveAndLoad() {
    Tensor[] d = data(N, 14);
    Model m = twoByTwo();
    compile(m);
    m.fit(List.of(d[0], d[1]), List.of(d[2], d[3]), opts(1));
    Path file = tmp.resolve("two.tapekit");
    m.save(file);
    Model back = Models.load(file);
    assertEquals(List.of(1.0, 0.5), back.lossWeights());
    assertEquals(List.of("SparseCategoricalCrossentropy", "MeanSquaredError"),
        back.outputLosses().stream().map(l -> l.getClass().getSimpleName()).toList());
    assertEquals(m.evaluate(List.of(d[0], d[1]), List.of(d[2], d[3])), back.evaluate(List.of(d[0], d[1]),
        List.of(d[2], d[3])));
    assertFalse(back.outputMetrics().get(1).isEmpty());
  }

  @Test
  void fitCallsTheListStepThatAUserOverrides() {
    // Keras's train_step(data) with data = ([a, b], [cls, reg], sw): a custom step sees every array of the batch
    Tensor[] d = data(16, 15);
    Model graph = twoByTwo();
    List<Integer> seen = new ArrayList<>();
    Model custom = new Model(graph.inputs(), graph.outputs(), "custom_step") {
      @Override
      public Map<String, Double> trainStep(List<Tensor> x, List<Tensor> y, List<Tensor> sampleWeight) {
        seen.add(x.size() * 10 + y.size());
        List<Tensor> yPred = callAll(x, true);
        double total = computeLoss(x, y, yPred, sampleWeight).doubleValue();
        Map<String, Double> logs = new java.util.TreeMap<>(computeMetrics(x, y, yPred, sampleWeight));
        logs.put("custom_loss", total);
        return logs;
      }
    };
    compile(custom);
    History h = custom.fit(List.of(d[0], d[1]), List.of(d[2], d[3]), FitOptions.builder().epochs(1).batchSize(16)
        .verbose(0).build());
    assertEquals(List.of(22), seen);
    // computeLoss tracked each output's loss as the default step does; the total is their weighted sum
    double cls = h.history().get("cls_loss").get(0);
    double reg = h.history().get("reg_loss").get(0);
    assertEquals(cls + 0.5 * reg, h.history().get("custom_loss").get(0), 1e-6);
  }

  @Test
  void aListOfInputsWithAMapOfTargetsAndTheSummaryWork() {
    Tensor[] d = data(16, 16);
    Model m = twoByTwo();
    compile(m);
    Map<String, Double> mixed = m.evaluate(List.of(d[0], d[1]), Map.of("cls", d[2], "reg", d[3]), null, 32, 0, List.of());
    assertEquals(m.evaluate(List.of(d[0], d[1]), List.of(d[2], d[3])), mixed);
    String summary = m.summaryString();
    assertTrue(summary.contains("cls") && summary.contains("reg") && summary.contains("concatenate"), summary);
  }

  private static void assertOneLine(RuntimeException e, String fragment) {
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }
}

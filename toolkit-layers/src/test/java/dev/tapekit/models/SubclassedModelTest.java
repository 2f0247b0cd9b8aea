package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.History;
import dev.tapekit.core.DType;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Optimizer;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.MeanSquaredError;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.metrics.SparseCategoricalAccuracy;
import dev.tapekit.optimizers.Adam;
import dev.tapekit.optimizers.SGD;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keras's subclassing API: layers in fields are tracked, call() is the forward pass, steps can be overridden. */
class SubclassedModelTest {
  @TempDir
  Path tmp;

  /** Keras's {@code class MyModel(keras.Model)} with layers in a field, a list and a map. */
  static final class Mlp extends Model {
    private final Dense hidden = new Dense(16, "relu");
    private final List<Dense> more = List.of(new Dense(8, "relu"));
    private final Map<String, Dense> heads = new LinkedHashMap<>(Map.of("out", new Dense(3)));

    @Override
    public Tensor call(Tensor x, boolean training) {
      Tensor h = more.get(0).apply(hidden.apply(x, training), training);
      return heads.get("out").apply(h, training);
    }
  }

  static Tensor[] blobs(int n) {
    Tensor x = Ops.randomUniform(new long[] {n, 2}, -1, 1, DType.FLOAT32, 5);
    float[] xv = x.toFloatArray();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = xv[2 * i] > 0 ? xv[2 * i + 1] > 0 ? 2 : 1 : 0;
    }
    return new Tensor[] {x, Tensor.of(y)};
  }

  @Test
  void layersInFieldsListsAndMapsAreTrackedAndTrained() {
    // Keras: layers assigned to attributes of a Model are tracked; fit trains them (today: 0 trainable variables)
    RandomSeeds.setRandomSeed(1);
    Mlp m = new Mlp();
    assertEquals("mlp", m.name().replaceAll("_\\d+$", ""));
    assertEquals("Mlp", m.className());
    m.compile(Adam.builder().learningRate(0.02).build(), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        List.of("accuracy"));
    Tensor[] d = blobs(256);
    History h = m.fit(d[0], d[1], FitOptions.builder().epochs(15).batchSize(32).seed(1).verbose(0).build());
    assertEquals(3, m.layers().size());
    assertEquals(6, m.trainableVariables().size(), "kernel and bias of the three Dense layers");
    assertTrue(h.get("loss").get(14) < h.get("loss").get(0) * 0.5, h.history().toString());
    assertTrue(h.get("accuracy").get(14) > 0.9, h.history().toString());
    Map<String, Double> scores = m.evaluate(d[0], d[1]);
    assertTrue(scores.get("accuracy") > 0.9, scores.toString());

    // summary counts them: 2*16+16 + 16*8+8 + 8*3+3 = 211
    String s = m.summaryString();
    assertTrue(s.contains("Total params: 211"), s);
    assertTrue(s.contains("Trainable params: 211"), s);
    assertTrue(s.contains("(Dense)"), s);

    // freezing reaches them, and weights save and load by position
    m.setTrainable(false);
    assertTrue(m.layers().stream().noneMatch(Layer::trainable));
    assertEquals(0, m.trainableVariables().size());
    m.setTrainable(true);
    Path f = tmp.resolve("mlp.weights.tapekit");
    m.saveWeights(f);
    Mlp copy = new Mlp();
    copy.predict(d[0]); // builds
    copy.loadWeights(f);
    assertArrayEquals(m.predict(d[0]).toFloatArray(), copy.predict(d[0]).toFloatArray());
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> m.save(tmp.resolve("x")));
    assertTrue(e.getMessage().contains("saveWeights"), e.getMessage());
  }

  @Test
  void aSubclassWithoutCallSaysSo() {
    Model m = new Model() {};
    UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
        () -> m.call(Tensor.zeros(1, 2), false));
    assertTrue(e.getMessage().contains("must override call"), e.getMessage());
  }

  /**
   * Keras's GAN-style custom train_step: two models, two optimizers, the compiled loss for neither; fit()
   * still runs callbacks and the progress bar on the logs the step returns.
   */
  static final class TwoOptimizers extends Model {
    final Dense generator = new Dense(1);
    final Dense critic = new Dense(1);
    final Optimizer gOpt = new SGD(0.05);
    final Optimizer cOpt = new SGD(0.05);
    int steps;

    @Override
    public Tensor call(Tensor x, boolean training) {
      return critic.apply(generator.apply(x, training), training);
    }

    @Override
    public Map<String, Double> trainStep(Tensor x, Tensor y, Tensor sampleWeight) {
      steps++;
      // the critic learns to map generated values to y; the generator to make the critic's output 0
      double cLoss;
      try (GradientTape tape = new GradientTape()) {
        Tensor fake = Ops.stopGradient(generator.apply(x, true));
        Tensor l = Ops.reduceMean(Ops.square(Ops.subtract(critic.apply(fake, true), y)));
        List<Tensor> g = tape.gradient(l, critic.trainableWeights());
        cOpt.applyGradients(g, critic.trainableWeights());
        cLoss = l.doubleValue();
      }
      double gLoss;
      try (GradientTape tape = new GradientTape()) {
        Tensor out = critic.apply(generator.apply(x, true), true);
        Tensor l = Ops.reduceMean(Ops.square(out));
        List<Tensor> g = tape.gradient(l, generator.trainableWeights());
        gOpt.applyGradients(g, generator.trainableWeights());
        gLoss = l.doubleValue();
      }
      Map<String, Double> logs = new LinkedHashMap<>();
      logs.put("c_loss", cLoss);
      logs.put("g_loss", gLoss);
      return logs;
    }
  }

  @Test
  void anOverriddenTrainStepRunsInsideFitWithCallbacks() {
    RandomSeeds.setRandomSeed(2);
    TwoOptimizers m = new TwoOptimizers();
    m.compile(new SGD(0.01), (Object) null, List.of()); // Keras: compile() without a loss
    Tensor x = Ops.randomUniform(new long[] {64, 3}, -1, 1, DType.FLOAT32, 3);
    Tensor y = Ops.randomUniform(new long[] {64, 1}, -1, 1, DType.FLOAT32, 4);
    List<Map<String, Double>> batchLogs = new ArrayList<>();
    Callback spy = new Callback() {
      @Override
      public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        batchLogs.add(Map.copyOf(logs));
      }
    };
    java.io.ByteArrayOutputStream bar = new java.io.ByteArrayOutputStream();
    History h = m.fit(x, y, FitOptions.builder().epochs(3).batchSize(16).verbose(2).seed(1)
        .callbacks(spy, new dev.tapekit.callbacks.ProgbarLogger(new java.io.PrintStream(bar, true), false)).build());
    assertEquals(12, m.steps);
    assertEquals(12, batchLogs.size());
    assertEquals(java.util.Set.of("c_loss", "g_loss"), batchLogs.get(0).keySet());
    // the epoch's logs are its last step's, as Keras
    assertEquals(batchLogs.get(11).get("c_loss"), h.get("c_loss").get(2));
    assertTrue(bar.toString().contains("g_loss"), bar.toString());
    // trainOnBatch goes through the same step
    Map<String, Double> one = m.trainOnBatch(x, y);
    assertEquals(13, m.steps);
    assertTrue(one.containsKey("g_loss"));
  }

  @Test
  void computeLossAndComputeMetricsAreTheDefaultStepsParts() {
    // a custom step written with Keras's helpers trains exactly as the default step
    final class Custom extends Model {
      final Dense d = new Dense(3);

      @Override
      public Tensor call(Tensor x, boolean training) {
        return d.apply(x, training);
      }

      @Override
      public Map<String, Double> trainStep(Tensor x, Tensor y, Tensor sw) {
        List<Tensor> grads;
        Tensor yPred;
        try (GradientTape tape = new GradientTape()) {
          yPred = call(x, true);
          grads = tape.gradient(computeLoss(x, y, yPred, sw), trainableVariables());
        }
        optimizer().applyGradients(grads, trainableVariables());
        return computeMetrics(x, y, yPred, sw);
      }
    }
    Tensor[] d = blobs(64);
    RandomSeeds.setRandomSeed(4);
    Custom c = new Custom();
    c.predict(d[0]); // builds its Dense now, drawing the same initializer seed as the Sequential's below
    c.compile(new SGD(0.1), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        new SparseCategoricalAccuracy("accuracy"));
    RandomSeeds.setRandomSeed(4);
    Sequential s = new Sequential(new Input(2), new Dense(3));
    s.compile(new SGD(0.1), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        new SparseCategoricalAccuracy("accuracy"));
    History hc = c.fit(d[0], d[1], FitOptions.builder().epochs(2).batchSize(16).seed(3).verbose(0).build());
    History hs = s.fit(d[0], d[1], FitOptions.builder().epochs(2).batchSize(16).seed(3).verbose(0).build());
    assertArrayEquals(s.weights().get(0).peek().toFloatArray(), c.weights().get(0).peek().toFloatArray());
    assertEquals(hs.get("accuracy"), hc.get("accuracy"));
  }

  @Test
  void overriddenTestAndPredictStepsServeEvaluateAndPredict() {
    final class Doubling extends Model {
      final Dense d = Dense.builder().units(1).kernelInitializer("ones").biasInitializer("zeros").build();

      @Override
      public Tensor call(Tensor x, boolean training) {
        return d.apply(x, training);
      }

      @Override
      public Tensor predictStep(Tensor x) {
        return Ops.multiply(call(x, false), Tensor.scalar(2.0));
      }

      @Override
      public Map<String, Double> testStep(Tensor x, Tensor y, Tensor sw) {
        return Map.of("rows", (double) x.shape()[0]);
      }
    }
    Doubling m = new Doubling();
    m.compile(new SGD(0.1), new MeanSquaredError());
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2);
    assertArrayEquals(new float[] {6, 14, 22}, m.predict(x).toFloatArray());
    assertArrayEquals(new float[] {6, 14, 22}, m.predictOnBatch(x).toFloatArray());
    assertEquals(Map.of("rows", 1.0), m.evaluate(x, Tensor.zeros(3, 1), null, 2, 0, List.of()), "the last batch's logs");
  }

  @Test
  void predictOnBatchOfASingleInputModel() {
    // Keras: model.predict_on_batch(x) returns the outputs for one batch, in inference mode
    RandomSeeds.setRandomSeed(6);
    Sequential m = new Sequential(new Input(2), new Dense(4), new dev.tapekit.layers.Dropout(0.5), new Dense(2));
    Tensor x = Ops.randomUniform(new long[] {5, 2}, -1, 1, DType.FLOAT32, 7);
    assertArrayEquals(m.predict(x).toFloatArray(), m.predictOnBatch(x).toFloatArray());
    assertArrayEquals(new long[] {5, 2}, m.predictOnBatch(x).shape());
  }

  @Test
  void fitOfAModelWithoutTrainableWeightsWarnsAsKeras() {
    // Keras: "The model does not have any trainable weights." (today a subclassed model's layers were not
    // tracked, and fit trained nothing without a word)
    ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(Trainer.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      Sequential m = new Sequential(new Input(2), new Dense(1));
      m.setTrainable(false);
      m.compile(new SGD(0.1), new MeanSquaredError());
      m.fit(Tensor.zeros(4, 2), Tensor.zeros(4, 1), FitOptions.builder().epochs(1).verbose(0).build());
      assertEquals(List.of("The model does not have any trainable weights."),
          appender.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList());
      appender.list.clear();
      Mlp tracked = new Mlp();
      tracked.compile(new SGD(0.1), SparseCategoricalCrossentropy.builder().fromLogits(true).build());
      tracked.fit(Tensor.zeros(4, 2), Tensor.of(new int[] {0, 1, 2, 0}), FitOptions.builder().epochs(1).verbose(0).build());
      assertEquals(List.of(), appender.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList());
    } finally {
      logger.detachAppender(appender);
    }
  }
}

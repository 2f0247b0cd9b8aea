package dev.tapekit.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Activation;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.KerasTensor;
import dev.tapekit.layers.Layer;
import dev.tapekit.layers.MaxPooling2D;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.optimizers.Adam;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Models run a Conv2D (relu) feeding only a MaxPooling2D as one fused op: the outputs, gradients and
 * whole training runs are bit-identical to calling the two layers one after the other.
 */
class LayerFusionTest {
  private static final Tensor X = Tensor.randomUniform(new long[] {12, 14, 14, 3}, 0, 1, 5);
  private static final Tensor Y = Tensor.ofLongs(new long[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1});

  private static Layer[] cnn() {
    return new Layer[] {new Conv2D(8, 3, "relu"), new MaxPooling2D(2), new Conv2D(16, 3, "relu"), new MaxPooling2D(2),
        new Flatten(), new Dense(5)};
  }

  private static void assertSameBits(String what, Tensor want, Tensor got) {
    float[] e = want.toFloatArray(), a = got.toFloatArray();
    assertEquals(e.length, a.length, what);
    for (int i = 0; i < e.length; i++) {
      assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), what + " element " + i);
    }
  }

  /** Runs {@code body} and returns how many fused calls it made. */
  private static long fusedCalls(Runnable body) {
    long before = LayerFusion.FUSED_CALLS.get();
    body.run();
    return LayerFusion.FUSED_CALLS.get() - before;
  }

  /** The model's output and the gradients of a loss with respect to its weights. */
  private static List<Tensor> outputAndGradients(Layer model, Supplier<Tensor> forward) {
    List<Tensor> out = new ArrayList<>();
    try (GradientTape tape = new GradientTape()) {
      Tensor y = forward.get();
      out.add(y);
      out.addAll(tape.gradient(Ops.reduceSum(Ops.square(y)), model.trainableWeights()));
    }
    return out;
  }

  @Test
  void sequentialFusesEachConvPoolPairWithTheValuesAndGradientsOfTheLayers() {
    Layer[] l = cnn();
    Sequential model = new Sequential(new Input(14, 14, 3), l[0], l[1], l[2], l[3], l[4], l[5]);
    List<Tensor>[] fused = new List[1];
    assertEquals(2, fusedCalls(() -> fused[0] = outputAndGradients(model, () -> model.call(X, true))));
    List<Tensor> apart = outputAndGradients(model, () -> {
      Tensor h = X;
      for (Layer layer : l) {
        h = layer.apply(h, true);
      }
      return h;
    });
    assertEquals(apart.size(), fused[0].size());
    for (int i = 0; i < apart.size(); i++) {
      assertSameBits(i == 0 ? "output" : "gradient " + (i - 1), apart.get(i), fused[0].get(i));
    }
  }

  @Test
  void fitTrainsExactlyAsTheUnfusedLayers() {
    Layer[] l = cnn();
    Sequential fused = new Sequential(new Input(14, 14, 3), l[0], l[1], l[2], l[3], l[4], l[5]);
    Layer[] m = cnn();
    // a linear Activation between conv and pool keeps the layers apart without changing a bit
    Sequential apart = new Sequential(new Input(14, 14, 3), m[0], new Activation("linear"), m[1], m[2],
        new Activation("linear"), m[3], m[4], m[5]);
    apart.setWeights(fused.getWeights());
    List<History> histories = new ArrayList<>();
    for (Sequential model : List.of(fused, apart)) {
      model.compile(new Adam(1e-2), new SparseCategoricalCrossentropy(true), List.of());
      long calls = fusedCalls(() -> histories.add(model.fit(X, Y, FitOptions.builder().epochs(3).batchSize(4)
          .seed(7L).verbose(0).build())));
      assertEquals(model == fused ? 2 * 3 * 3 : 0, calls, "fused calls (2 pairs x 3 batches x 3 epochs)");
    }
    assertEquals(histories.get(1).get("loss"), histories.get(0).get("loss"));
    List<Tensor> a = apart.getWeights(), f = fused.getWeights();
    for (int i = 0; i < a.size(); i++) {
      assertSameBits("weight " + i + " after fit", a.get(i), f.get(i));
    }
  }

  @Test
  void functionalModelsFuseOnlyAConvThatThePoolAloneReads() {
    KerasTensor in = Input.of(14, 14, 3);
    Conv2D c1 = new Conv2D(8, 3, "relu");
    MaxPooling2D p1 = new MaxPooling2D(2);
    Conv2D c2 = new Conv2D(4, 3, "relu");
    MaxPooling2D p2 = new MaxPooling2D(2);
    KerasTensor h = p1.apply(c1.apply(in));
    KerasTensor conv2 = c2.apply(h);
    KerasTensor pooled = p2.apply(conv2);
    // conv2 is also an output: its pool cannot skip it
    Model model = new Model(List.of(in), List.of(pooled, conv2), null);
    List<Tensor>[] out = new List[1];
    assertEquals(1, fusedCalls(() -> out[0] = model.callAll(List.of(X), false)));
    Tensor h1 = p1.apply(c1.apply(X, false), false);
    Tensor h2 = c2.apply(h1, false);
    assertSameBits("pooled output", p2.apply(h2, false), out[0].get(0));
    assertSameBits("conv output", h2, out[0].get(1));
  }

  @Test
  void convolutionsThatDoNotFuseRunAsTheirLayers() {
    // linear activation, no bias, channels-first: the layers' own calls
    Layer[][] pairs = {
        {new Conv2D(4, 3), new MaxPooling2D(2)},
        {Conv2D.builder().filters(4).kernelSize(3).activation("relu").useBias(false).build(), new MaxPooling2D(2)},
        {Conv2D.builder().filters(4).kernelSize(3).activation("relu").dataFormat("channels_first").build(),
            MaxPooling2D.builder().dataFormat("channels_first").build()}};
    for (Layer[] p : pairs) {
      long[] shape = p == pairs[2] ? new long[] {3, 14, 14} : new long[] {14, 14, 3};
      Sequential model = new Sequential(new Input(shape), p[0], p[1]);
      Tensor x = Tensor.randomUniform(new long[] {2, shape[0], shape[1], shape[2]}, 0, 1, 9);
      Tensor[] y = new Tensor[1];
      assertEquals(0, fusedCalls(() -> y[0] = model.call(x, false)), p[0].name());
      assertSameBits(p[0].name(), p[1].apply(p[0].apply(x, false), false), y[0]);
    }
    assertTrue(LayerFusion.candidates(new Conv2D(1, 1), new MaxPooling2D()));
  }
}

package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.DType;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.models.Sequential;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Keras's data_format="channels_first" for the conv and pooling layers, and Conv1D's causal padding. */
class ConvDataFormatTest {
  private static Tensor rand(long seed, long... shape) {
    return Ops.randomUniform(shape, -1, 1, DType.FLOAT64, seed);
  }

  private static Layer fromConfig(String cls, Map<String, Object> config) {
    return Layers.deserialize(Map.of("class_name", cls, "config", config));
  }

  private static Map<String, Object> config(Object... kv) {
    Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  /** The case: Keras gives (None, 8, 30, 30) and 224 params. */
  @Test
  void conv2dChannelsFirstHasKerasShapeAndParams() {
    Layer conv = fromConfig("Conv2D", config("filters", 8, "kernel_size", List.of(3, 3), "data_format", "channels_first",
        "batch_input_shape", Arrays.asList(null, 3, 32, 32)));
    Sequential model = new Sequential(conv);
    assertArrayEquals(new long[] {-1, 8, 30, 30}, conv.outputShape());
    assertEquals(224, model.countParams());
    assertEquals("channels_first", conv.getConfig().get("data_format"));
  }

  @Test
  void channelsFirstComputesTheChannelsLastResultTransposed() {
    Conv2D last = Conv2D.builder().filters(4).kernelSize(3).strides(2).padding("same").activation("relu").dtype("float64").build();
    Conv2D first = Conv2D.builder().filters(4).kernelSize(3).strides(2).padding("same").activation("relu")
        .dataFormat("channels_first").dtype("float64").build();
    Tensor x = rand(1, 2, 7, 6, 3);
    Tensor xFirst = DataFormat.toFirst(x);
    last.ensureBuilt(x.shape());
    first.ensureBuilt(xFirst.shape());
    first.setWeights(last.getWeights());
    assertClose(DataFormat.toFirst(last.apply(x)), first.apply(xFirst));
    assertArrayEquals(first.apply(xFirst).shape(), withBatch(first.computeOutputShape(new long[] {-1, 3, 7, 6}), 2));

    Conv1D last1 = Conv1D.builder().filters(2).kernelSize(3).padding("causal").dilationRate(2).dtype("float64").build();
    Conv1D first1 = Conv1D.builder().filters(2).kernelSize(3).padding("causal").dilationRate(2).dataFormat("channels_first")
        .dtype("float64").build();
    Tensor s = rand(2, 2, 9, 3);
    last1.ensureBuilt(s.shape());
    first1.ensureBuilt(DataFormat.toFirst(s).shape());
    first1.setWeights(last1.getWeights());
    assertClose(DataFormat.toFirst(last1.apply(s)), first1.apply(DataFormat.toFirst(s)));
    assertArrayEquals(new long[] {-1, 2, 9}, first1.computeOutputShape(new long[] {-1, 3, 9}));
  }

  private static long[] withBatch(long[] s, long batch) {
    long[] out = s.clone();
    out[0] = batch;
    return out;
  }

  @Test
  void poolingAndPaddingChannelsFirst() {
    Tensor x = rand(3, 2, 6, 4, 3);
    Tensor xf = DataFormat.toFirst(x);
    assertClose(DataFormat.toFirst(MaxPooling2D.builder().dtype("float64").build().apply(x)),
        MaxPooling2D.builder().dataFormat("channels_first").dtype("float64").build().apply(xf));
    assertClose(DataFormat.toFirst(AveragePooling2D.builder().poolSize(3, 2).strides(1, 2).dtype("float64").build().apply(x)),
        ((Layer) AveragePooling2D.fromConfig(config("pool_size", List.of(3, 2), "strides", List.of(1, 2),
            "data_format", "channels_first", "dtype", "float64"))).apply(xf));
    assertClose(GlobalAveragePooling2D.builder().dtype("float64").build().apply(x),
        GlobalAveragePooling2D.fromConfig(config("data_format", "channels_first", "dtype", "float64")).apply(xf));
    assertClose(GlobalMaxPooling2D.builder().dtype("float64").build().apply(x),
        GlobalMaxPooling2D.builder().dataFormat("channels_first").dtype("float64").build().apply(xf));
    assertClose(DataFormat.toFirst(new ZeroPadding2D(1, 2).apply(x)),
        ZeroPadding2D.builder().padding(1, 2).dataFormat("channels_first").build().apply(xf));
    Layer pool = MaxPooling2D.builder().dataFormat("channels_first").build();
    assertArrayEquals(new long[] {-1, 3, 3, 2}, pool.computeOutputShape(new long[] {-1, 3, 6, 4}));
  }

  @Test
  void conv1dCausalDilatedMatchesKerasDefinition() {
    // Keras: left padding of dilation * (kernel - 1), then a valid convolution; y[t] sees x[t], x[t-d], x[t-2d]
    Conv1D conv = Conv1D.builder().filters(1).kernelSize(3).padding("causal").dilationRate(2).useBias(false)
        .dtype("float64").build();
    Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6, 7}, 1, 7, 1);
    conv.ensureBuilt(x.shape());
    double[] w = {0.5, -1, 2};
    conv.kernel().assign(Tensor.of(w, 3, 1, 1));
    double[] xv = x.toDoubleArray();
    double[] expected = new double[7];
    for (int t = 0; t < 7; t++) {
      for (int k = 0; k < 3; k++) {
        int src = t - (2 - k) * 2;
        expected[t] += src >= 0 ? w[k] * xv[src] : 0;
      }
    }
    assertArrayEquals(expected, conv.apply(x).toDoubleArray(), 1e-12);
    assertArrayEquals(new long[] {-1, 7, 1}, conv.computeOutputShape(new long[] {-1, 7, 1}));
  }

  @Test
  void badDataFormatAndGroupsAreRejectedNamingTheLayer() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> fromConfig("Conv2D", config("name", "c1", "filters", 2, "data_format", "channels_middle")));
    assertTrue(e.getMessage().contains("c1") && e.getMessage().contains("channels_middle"), e.getMessage());
    IllegalArgumentException g = assertThrows(IllegalArgumentException.class,
        () -> fromConfig("Conv2D", config("name", "c2", "filters", 2, "groups", 2)));
    assertTrue(g.getMessage().contains("c2") && g.getMessage().contains("groups=2"), g.getMessage());
  }

  @Test
  void pooling1dBothFormatsAndMaskedGlobalAverage() {
    Tensor x = rand(4, 2, 7, 3);
    Tensor xf = DataFormat.toFirst(x);
    Layer max = MaxPooling1D.builder().poolSize(3).strides(2).dtype("float64").build();
    Tensor y = max.apply(x);
    assertArrayEquals(new long[] {2, 3, 3}, y.shape());
    double[] v = x.toDoubleArray();
    // window 1 of sample 0, channel 2: steps 2, 3, 4
    double expected = Math.max(v[2 * 3 + 2], Math.max(v[3 * 3 + 2], v[4 * 3 + 2]));
    assertEquals(expected, y.toDoubleArray()[1 * 3 + 2], 0.0);
    Layer maxFirst = fromConfig("MaxPooling1D", config("pool_size", List.of(3), "strides", List.of(2),
        "data_format", "channels_first", "dtype", "float64"));
    assertClose(DataFormat.toFirst(y), maxFirst.apply(xf));
    assertArrayEquals(new long[] {-1, 3, 3}, maxFirst.computeOutputShape(new long[] {-1, 3, 7}));
    Layer avg = fromConfig("AveragePooling1D", config("pool_size", 2, "padding", "same", "dtype", "float64"));
    assertArrayEquals(new long[] {2, 4, 3}, avg.apply(x).shape());
    assertEquals((v[0] + v[3]) / 2, avg.apply(x).toDoubleArray()[0], 1e-12);
    Layer gap = fromConfig("GlobalAveragePooling1D", config("data_format", "channels_first", "dtype", "float64"));
    assertEquals("global_average_pooling1d", Names.snakeCase(gap.className()));
    assertClose(Ops.reduceMean(x, new int[] {1}, false), gap.apply(xf));
    assertClose(Ops.reduceMax(x, new int[] {1}, false),
        GlobalPooling1D.max().dtype("float64").build().apply(x));
    // Keras: masked steps count neither in the sum nor in the count
    Tensor mask = Tensor.of(new boolean[] {true, true, false, false, false, false, false,
        true, true, true, true, true, true, true}, 2, 7);
    Layer gapLast = GlobalPooling1D.average().dtype("float64").build();
    Masked out = gapLast.applyMasked(List.of(x), java.util.Collections.singletonList(mask), false);
    assertEquals((v[0] + v[3]) / 2, out.output().toDoubleArray()[0], 1e-12);
    assertEquals(null, out.mask());
  }

  private static void assertClose(Tensor expected, Tensor actual) {
    assertArrayEquals(expected.shape(), actual.shape());
    assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 1e-12);
  }
}

package dev.tapekit.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapekit.core.GcStress;
import dev.tapekit.core.Tensor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every kernel that touches native memory, run under {@link GcStress} with inputs nobody else holds
 * (made fresh per call, often non-dense so that the kernel makes its own row-major copy): the results
 * must be bit-identical to a quiet run. A kernel method without a case here fails the build.
 */
class KernelsGcStressTest {
  private static final int REPEATS = Integer.getInteger("tapekit.gcStress.repeats", 12);

  /** A fresh float32 array of seeded normals. */
  static INDArray fresh(long seed, long... shape) {
    Random r = new Random(seed);
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    float[] v = new float[(int) n];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Nd4j.create(v, shape, 'c');
  }

  /** Filters [kh, kw, c, o] as a permuted view of [o, c, kh, kw] memory: not dense, so kernels copy it. */
  static INDArray strided(long seed, long kh, long kw, long c, long o) {
    return fresh(seed, o, c, kh, kw).permute(2, 3, 1, 0);
  }

  private static final ConvNhwc.Window CONV = new ConvNhwc.Window(48, 24, 24, 16, 3, 3, 1, 1, 1, 1, 1, 1, 24, 24);
  private static final ConvNhwc.Window POOL = new ConvNhwc.Window(48, 24, 24, 16, 2, 2, 2, 2, 1, 1, 0, 0, 12, 12);
  private static final ConvNhwc.Window OVERLAPPING_POOL =
      new ConvNhwc.Window(48, 24, 24, 16, 3, 3, 2, 2, 1, 1, 1, 1, 12, 12);
  private static final ConvNhwc.Window FUSED_POOL = new ConvNhwc.Window(48, 24, 24, 32, 2, 2, 2, 2, 1, 1, 0, 0, 12, 12);
  private static final long BIG = 300_000;

  /** Kernel name -> a computation calling it on fresh inputs, returning its result's values. */
  static Map<String, Supplier<float[]>> cases() {
    Map<String, Supplier<float[]>> c = new LinkedHashMap<>();
    c.put("ConvNhwc.conv2d", () -> GcStress.values(ConvNhwc.conv2d(fresh(1, 48, 24, 24, 16), strided(2, 3, 3, 16, 32), CONV)));
    c.put("ConvNhwc.backpropFilter", () -> GcStress.values(ConvNhwc.backpropFilter(fresh(3, 48, 24, 24, 16),
        fresh(4, 48, 32, 24, 24).permute(0, 2, 3, 1), CONV, new long[] {3, 3, 16, 32})));
    c.put("ConvNhwc.backpropInput", () -> GcStress.values(ConvNhwc.backpropInput(strided(5, 3, 3, 16, 32),
        fresh(6, 48, 32, 24, 24).permute(0, 2, 3, 1), CONV)));
    // the tiling window takes TiledMaxPool, the overlapping padded one the generic path
    c.put("ConvNhwc.maxPool", () -> concat(
        GcStress.values(ConvNhwc.maxPool(fresh(7, 48, 16, 24, 24).permute(0, 2, 3, 1), POOL)),
        GcStress.values(ConvNhwc.maxPool(fresh(51, 48, 16, 24, 24).permute(0, 2, 3, 1), OVERLAPPING_POOL))));
    c.put("ConvNhwc.maxPoolGrad", () -> GcStress.values(ConvNhwc.maxPoolGrad(fresh(8, 48, 16, 24, 24).permute(0, 2, 3, 1),
        fresh(9, 48, 16, 12, 12).permute(0, 2, 3, 1), POOL)));
    c.put("ConvNhwc.scatter", () -> {
      int[] argMax = new int[48 * 12 * 12 * 16];
      ConvNhwc.maxPool(fresh(10, 48, 24, 24, 16), POOL, argMax);
      return GcStress.values(ConvNhwc.scatter(argMax, fresh(11, 48, 16, 12, 12).permute(0, 2, 3, 1), new long[] {48, 24, 24, 16}));
    });
    // the fused conv block: CONV's output pooled by POOL; argmax ints checked through the backward pass
    c.put("ConvReluPool.forward", () -> {
      int[] argMax = new int[48 * 12 * 12 * 32];
      float[] pooled = GcStress.values(ConvReluPool.forward(fresh(20, 48, 24, 24, 16), strided(21, 3, 3, 16, 32),
          fresh(22, 32), CONV, FUSED_POOL, argMax));
      float[] at = new float[argMax.length];
      for (int i = 0; i < at.length; i++) {
        at[i] = argMax[i];
      }
      return concat(pooled, at);
    });
    c.put("ConvReluPool.backward", () -> {
      int[] argMax = new int[48 * 12 * 12 * 32];
      ConvReluPool.forward(fresh(23, 48, 24, 24, 16), fresh(24, 3, 3, 16, 32), fresh(25, 32), CONV, FUSED_POOL, argMax);
      INDArray[] g = ConvReluPool.backward(fresh(23, 48, 24, 24, 16), strided(24, 3, 3, 16, 32), argMax,
          fresh(26, 48, 32, 12, 12).permute(0, 2, 3, 1), CONV, FUSED_POOL, true);
      return concat(concat(GcStress.values(g[0]), GcStress.values(g[1])), GcStress.values(g[2]));
    });
    c.put("Elementwise.addBias", () -> GcStress.values(Elementwise.addBias(fresh(12, BIG / 32, 32), fresh(13, 32))));
    c.put("Elementwise.addBiasRelu", () -> GcStress.values(Elementwise.addBiasRelu(fresh(14, BIG / 32, 32), fresh(15, 32))));
    c.put("Elementwise.biasReluGrad", () -> {
      INDArray[] g = Elementwise.biasReluGrad(fresh(16, BIG / 32, 32), fresh(17, BIG / 32, 32), new long[] {32});
      return concat(GcStress.values(g[0]), GcStress.values(g[1]));
    });
    c.put("Elementwise.sumToLastAxis", () -> GcStress.values(Elementwise.sumToLastAxis(fresh(18, BIG / 32, 32), new long[] {32})));
    c.put("Elementwise.relu", () -> GcStress.values(Elementwise.relu(fresh(19, BIG))));
    c.put("Elementwise.reluGrad", () -> GcStress.values(Elementwise.reluGrad(fresh(20, BIG), fresh(21, BIG))));
    c.put("Elementwise.total", () -> GcStress.values(Elementwise.total(fresh(22, BIG), 0.5, new long[0])));
    c.put("Elementwise.binary", () -> concat(
        GcStress.values(Elementwise.binary('*', fresh(23, BIG), fresh(24, BIG), new long[] {BIG})),
        GcStress.values(Elementwise.binary('-', fresh(25, 1), fresh(26, BIG), new long[] {BIG}))));
    c.put("Gemm.multiply", () -> concat(
        GcStress.values(Gemm.multiply(fresh(27, 300, 200).transpose(), fresh(28, 300, 400), false, false)),
        GcStress.values(Gemm.multiply(fresh(29, 200, 300).castTo(DataType.DOUBLE).transpose(),
            fresh(30, 400, 200).castTo(DataType.DOUBLE).transpose(), false, false))));
    c.put("SoftmaxCrossEntropy.sparse", () -> {
      long[] labels = labels(31);
      SoftmaxCrossEntropy s = SoftmaxCrossEntropy.sparse(fresh(32, 4000, 10).transpose().dup('c').transpose()
          .dup('c'), 10, labels);
      return concat(GcStress.values(s.loss(new long[] {4000})),
          GcStress.values(s.sparseGradient(fresh(33, 4000), labels, new long[] {4000, 10})));
    });
    c.put("SoftmaxCrossEntropy.dense", () -> {
      double[] labels = Nd4j.nn.softmax(fresh(34, 4000, 10), 1).castTo(DataType.DOUBLE).data().asDouble();
      SoftmaxCrossEntropy s = SoftmaxCrossEntropy.dense(fresh(35, 4000, 10), 10, labels);
      return concat(GcStress.values(s.denseLogitsGradient(fresh(36, 4000), labels, new long[] {4000, 10})),
          GcStress.values(s.denseLabelsGradient(fresh(37, 4000), new long[] {4000, 10})));
    });
    c.put("RowGather.rows", () -> {
      int[] idx = new int[512];
      for (int k = 0; k < idx.length; k++) {
        idx[k] = (k * 7919) % 2000;
      }
      return GcStress.values(RowGather.rows(fresh(52, 2000, 784), idx));
    });
    c.put("Buffers.rowMajor", () -> GcStress.values(Buffers.rowMajor(fresh(38, 300, 200).transpose())));
    c.put("Buffers.copy", () -> {
      INDArray to = Nd4j.createUninitialized(DataType.FLOAT, BIG);
      Buffers.copy(fresh(49, BIG), to);
      INDArray strided = Nd4j.createUninitialized(DataType.FLOAT, 200, 300);
      Buffers.copy(fresh(50, 300, 200).transpose(), strided);
      return concat(GcStress.values(to), GcStress.values(strided));
    });
    c.put("Buffers.floats", () -> Buffers.floats(fresh(39, 300, 200).transpose()));
    c.put("Buffers.doubles", () -> toFloats(Buffers.doubles(fresh(40, 300, 200).transpose())));
    c.put("Buffers.read", () -> Buffers.read(fresh(41, BIG), new float[(int) BIG]));
    c.put("Buffers.write", () -> GcStress.values(Buffers.write(fresh(42, BIG).data().asFloat(), new long[] {BIG})));
    c.put("Buffers.create", () -> concat(
        GcStress.values(Buffers.create(toDoubles(fresh(43, BIG)), DataType.FLOAT, new long[] {BIG})),
        GcStress.values(Buffers.create(toDoubles(fresh(44, BIG)), DataType.DOUBLE, new long[] {BIG}))));
    c.put("Buffers.filled", () -> concat(GcStress.values(Buffers.filled(new long[] {4000}, 0.25, DataType.FLOAT)),
        GcStress.values(Buffers.filled(new long[] {4000}, 0.5, DataType.DOUBLE))));
    c.put("Buffers.readBits", () -> {
      int[] b = Buffers.readBits(fresh(45, BIG), new int[(int) BIG]);
      float[] f = new float[b.length];
      for (int i = 0; i < b.length; i++) {
        f[i] = Float.intBitsToFloat(b[i]);
      }
      return f;
    });
    c.put("Buffers.writeBits", () -> {
      float[] v = fresh(46, BIG).data().asFloat();
      int[] b = new int[v.length];
      for (int i = 0; i < v.length; i++) {
        b[i] = Float.floatToRawIntBits(v[i]);
      }
      return GcStress.values(Buffers.writeBits(b, new long[] {BIG}));
    });
    return c;
  }

  /** Methods that only inspect arrays (no memory read) or manage the pool; not kernels. */
  private static final Set<String> NOT_KERNELS = Set.of("ConvNhwc.applies", "ConvReluPool.fits", "Elementwise.applies",
      "Elementwise.appliesToPair", "Buffers.dense", "Buffers.denseFloats", "ArrayPool.take", "ArrayPool.give", "RowGather.applies");

  @Test
  void everyKernelHasAStressCase() {
    Set<String> kernels = new TreeSet<>();
    for (Class<?> k : new Class<?>[] {ConvNhwc.class, ConvReluPool.class, Elementwise.class, Gemm.class, SoftmaxCrossEntropy.class,
        Buffers.class, ArrayPool.class, RowGather.class}) {
      for (Method m : k.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers())) {
          String name = k.getSimpleName() + "." + m.getName();
          if (!NOT_KERNELS.contains(name) && !(m.getDeclaringClass() == SoftmaxCrossEntropy.class
              && !Modifier.isStatic(m.getModifiers()))) {
            kernels.add(name);
          }
        }
      }
    }
    assertEquals(kernels, new TreeSet<>(cases().keySet()), "kernels and their GC-stress cases");
  }

  @Test
  void everyKernelGivesTheSameBitsUnderGcStress() {
    for (Map.Entry<String, Supplier<float[]>> e : cases().entrySet()) {
      GcStress.assertStable(e.getKey(), e.getValue(), REPEATS);
    }
  }

  @Test
  void tensorLevelConvolutionOfANonDenseKernelIsStable() {
    // the case: a [3, 3, 1, 32] kernel that ND4J does not call dense, read through Tensor ops
    GcStress.assertStable("Ops.conv2d", () -> dev.tapekit.core.Ops.conv2d(Tensor.fromINDArray(fresh(47, 64, 28, 28, 1)),
        Tensor.fromINDArray(strided(48, 3, 3, 1, 32)), new int[] {1, 1}, "VALID", new int[] {1, 1}).toFloatArray(),
        REPEATS);
  }

  private static long[] labels(long seed) {
    Random r = new Random(seed);
    long[] l = new long[4000];
    for (int i = 0; i < l.length; i++) {
      l[i] = r.nextInt(10);
    }
    return l;
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  private static double[] toDoubles(INDArray a) {
    return a.castTo(DataType.DOUBLE).data().asDouble();
  }
}

package dev.tapekit.bench;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import java.util.ArrayList;
import java.util.List;
import dev.tapekit.core.kernels.NativeView;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The floor: only the GEMMs of one training step, on preallocated ND4J arrays. Nothing else
 * (activations, loss, optimizer, im2col itself) is done, so no engine built on ND4J can be faster.
 *
 * <p>MLP: {@code H=X·W1, O=H·W2, dW2=Hᵀ·dO, dH=dO·W2ᵀ, dW1=Xᵀ·dH} (no input gradient for the first
 * layer). CNN, im2col form: {@code Y=cols·Wc [B·676×9 · 9×32], O=F·Wd, dWd=Fᵀ·dO, dF=dO·Wdᵀ,
 * dWc=colsᵀ·dY}.
 *
 * <p>{@code floor-blas} calls {@code cblas_sgemm} of the BLAS ND4J loaded (the same JavaCPP binding
 * ND4J's own CpuLevel3 uses, so no second copy of the library is loaded); {@code floor-nd4j} calls
 * {@link Nd4j#gemm(INDArray, INDArray, INDArray, boolean, boolean, double, double)}, which adds
 * ND4J's op dispatch per call.
 */
final class GemmFloorEngine implements Engine {
  private final boolean direct;

  GemmFloorEngine(boolean direct) {
    this.direct = direct;
  }

  @Override
  public String name() {
    return direct ? "floor-blas" : "floor-nd4j";
  }

  /** C = op(A)·op(B) on row-major matrices, through NativeView as tapekit's own Gemm kernel takes them. */
  static final class Gemm {
    final INDArray a;
    final INDArray b;
    final INDArray c;
    final boolean ta;
    final boolean tb;
    private final int m;
    private final int n;
    private final int k;

    Gemm(INDArray a, INDArray b, INDArray c, boolean ta, boolean tb) {
      this.a = a;
      this.b = b;
      this.c = c;
      this.ta = ta;
      this.tb = tb;
      m = (int) c.rows();
      n = (int) c.columns();
      k = (int) (ta ? a.rows() : a.columns());
    }

    long flops() {
      return 2L * m * n * k;
    }

    void viaNd4j() {
      Nd4j.gemm(a, b, c, ta, tb, 1.0, 0.0);
    }

    void viaBlas() {
      try (NativeView pa = NativeView.of(a); NativeView pb = NativeView.of(b); NativeView pc = NativeView.of(c)) {
        openblas_nolapack.cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans,
            m, n, k, 1f, pa.floats(), (int) a.columns(), pb.floats(), (int) b.columns(), 0f, pc.floats(), n);
      }
    }
  }

  static List<Gemm> gemms(Workload w) {
    List<Gemm> g = new ArrayList<>();
    int bs = w.batch();
    int c = Workload.CLASSES;
    if (w.kind() == Workload.Kind.CNN2) {
      cnn2(g, bs, w.hidden());
    } else if (w.conv()) {
      int rows = bs * Workload.CONV_OUT * Workload.CONV_OUT;
      int patch = Workload.KERNEL * Workload.KERNEL;
      int flat = Workload.FILTERS * Workload.POOL_OUT * Workload.POOL_OUT;
      INDArray cols = rand(rows, patch);
      INDArray wc = rand(patch, Workload.FILTERS);
      INDArray y = rand(rows, Workload.FILTERS);
      INDArray dy = rand(rows, Workload.FILTERS);
      INDArray dwc = rand(patch, Workload.FILTERS);
      INDArray f = rand(bs, flat);
      INDArray wd = rand(flat, c);
      INDArray o = rand(bs, c);
      INDArray d0 = rand(bs, c);
      INDArray dwd = rand(flat, c);
      INDArray df = rand(bs, flat);
      g.add(new Gemm(cols, wc, y, false, false));
      g.add(new Gemm(f, wd, o, false, false));
      g.add(new Gemm(f, d0, dwd, true, false));
      g.add(new Gemm(d0, wd, df, false, true));
      g.add(new Gemm(cols, dy, dwc, true, false));
    } else {
      int h = w.hidden();
      INDArray x = rand(bs, Workload.IN);
      INDArray w1 = rand(Workload.IN, h);
      INDArray hh = rand(bs, h);
      INDArray w2 = rand(h, c);
      INDArray o = rand(bs, c);
      INDArray d0 = rand(bs, c);
      INDArray dw2 = rand(h, c);
      INDArray dh = rand(bs, h);
      INDArray dw1 = rand(Workload.IN, h);
      g.add(new Gemm(x, w1, hh, false, false));
      g.add(new Gemm(hh, w2, o, false, false));
      g.add(new Gemm(hh, d0, dw2, true, false));
      g.add(new Gemm(d0, w2, dh, false, true));
      g.add(new Gemm(x, dh, dw1, true, false));
    }
    return g;
  }

  /**
   * W4 in im2col form: per conv layer the forward product, the filter gradient and (second layer only:
   * the first needs no input gradient) the column gradient; per dense layer the forward product, the
   * weight gradient and the input gradient. col2im, pooling and activations are not counted.
   */
  private static void cnn2(List<Gemm> g, int bs, int hidden) {
    int k2 = Workload.KERNEL * Workload.KERNEL;
    conv(g, bs * Workload.CONV_OUT * Workload.CONV_OUT, k2, Workload.FILTERS, false);
    conv(g, bs * Workload.CONV2_OUT * Workload.CONV2_OUT, k2 * Workload.FILTERS, Workload.FILTERS2, true);
    dense(g, bs, Workload.FLAT2, hidden);
    dense(g, bs, hidden, Workload.CLASSES);
  }

  /** cols [rows, patch] x W [patch, out]; dW = colsᵀ·dY; dCols = dY·Wᵀ when the input needs a gradient. */
  private static void conv(List<Gemm> g, int rows, int patch, int out, boolean inputGradient) {
    INDArray cols = rand(rows, patch);
    INDArray wc = rand(patch, out);
    INDArray dy = rand(rows, out);
    g.add(new Gemm(cols, wc, rand(rows, out), false, false));
    g.add(new Gemm(cols, dy, rand(patch, out), true, false));
    if (inputGradient) {
      g.add(new Gemm(dy, wc, rand(rows, patch), false, true));
    }
  }

  /** X [bs, in] x W [in, out]; dW = Xᵀ·dY; dX = dY·Wᵀ. */
  private static void dense(List<Gemm> g, int bs, int in, int out) {
    INDArray x = rand(bs, in);
    INDArray wd = rand(in, out);
    INDArray dy = rand(bs, out);
    g.add(new Gemm(x, wd, rand(bs, out), false, false));
    g.add(new Gemm(x, dy, rand(in, out), true, false));
    g.add(new Gemm(dy, wd, rand(bs, in), false, true));
  }

  static INDArray rand(long rows, long cols) {
    return Nd4j.rand(DataType.FLOAT, rows, cols).subi(0.5f);
  }

  @Override
  public StepRunner prepare(Workload w, Workload.Batch b) {
    Gemm[] g = gemms(w).toArray(new Gemm[0]);
    if (direct) {
      return () -> {
        for (Gemm x : g) {
          x.viaBlas();
        }
      };
    }
    return () -> {
      for (Gemm x : g) {
        x.viaNd4j();
      }
    };
  }
}

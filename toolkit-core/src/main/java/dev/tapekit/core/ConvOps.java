package dev.tapekit.core;

import dev.tapekit.core.kernels.ConvNhwc;
import dev.tapekit.core.kernels.ConvReluPool;
import dev.tapekit.core.kernels.FastKernels;
import java.util.Arrays;
import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Convolution and pooling on NHWC tensors, with TensorFlow's names, SAME/VALID arithmetic and gradient
 * rules ({@code tf.nn.conv2d}, {@code tf.nn.max_pool2d}, {@code tf.nn.avg_pool2d} and their backprop ops).
 *
 * <p>Each forward and each backward is one fused libnd4j call. Every gradient is itself a recorded op
 * with its own rule, so gradients of gradients work.
 */
abstract class ConvOps extends NnOps {
  ConvOps() {}

  private static final int NHWC = 1;
  private static final int WEIGHTS_HWIO = 0;
  /** libnd4j's avgpool 'extra' argument: 0 divides by the number of valid cells, as TensorFlow. */
  private static final int EXCLUDE_PADDING = 0;

  // ---------------------------------------------------------------- geometry

  /**
   * The window geometry of one call: TensorFlow's output size and padding, translated to libnd4j
   * arguments.
   *
   * <p>libnd4j's SAME mode pads (total / 2) before with C division, which is negative when the window
   * is smaller than the stride and leaves two or more cells unused, where TensorFlow pads 0. So we pass
   * symmetric padding explicitly in VALID mode whenever TensorFlow's padding is symmetric, use SAME mode
   * only for odd totals, and in the rare mix of an odd total in one dimension and unused cells in the
   * other first crop the unused cells (they are in no window, so the result is the same).
   */
  static final class Geometry {
    final int kh, kw, sh, sw, dh, dw;
    final long inH, inW, outH, outW;
    /** TensorFlow's padding before (top, left); the rest of the total goes after. */
    final long padTop, padLeft;
    /** libnd4j's explicit paddings and mode (0 VALID, 1 SAME). */
    final int ph, pw, mode;
    /** The input extent libnd4j may see; smaller than the input only when cropping is needed. */
    final long cropH, cropW;

    Geometry(String op, long inH, long inW, int kh, int kw, int[] strides, int[] dilations, boolean same) {
      this.kh = kh;
      this.kw = kw;
      this.sh = strides[0];
      this.sw = strides[1];
      this.dh = dilations[0];
      this.dw = dilations[1];
      this.inH = inH;
      this.inW = inW;
      long ekh = (long) (kh - 1) * dh + 1, ekw = (long) (kw - 1) * dw + 1;
      if (!same && (inH < ekh || inW < ekw)) {
        throw new IllegalArgumentException(op + ": with VALID padding the effective window " + ekh + "x" + ekw
            + " (kernel " + kh + "x" + kw + ", dilation " + dh + "x" + dw + ") does not fit the input "
            + inH + "x" + inW);
      }
      outH = same ? (inH + sh - 1) / sh : (inH - ekh) / sh + 1;
      outW = same ? (inW + sw - 1) / sw : (inW - ekw) / sw + 1;
      long totalH = same ? (outH - 1) * sh + ekh - inH : 0;
      long totalW = same ? (outW - 1) * sw + ekw - inW : 0;
      long padH = Math.max(totalH, 0), padW = Math.max(totalW, 0);
      padTop = padH / 2;
      padLeft = padW / 2;
      if (padH % 2 == 0 && padW % 2 == 0) {
        mode = 0;
        ph = (int) (padH / 2);
        pw = (int) (padW / 2);
        cropH = inH;
        cropW = inW;
      } else {
        mode = 1;
        ph = 0;
        pw = 0;
        cropH = totalH <= -2 ? inH + totalH : inH;
        cropW = totalW <= -2 ? inW + totalW : inW;
      }
    }

    boolean cropped() {
      return cropH != inH || cropW != inW;
    }

    /** This geometry for tapekit's own float32 kernels, which take TensorFlow's padding directly. */
    ConvNhwc.Window window(long[] inShape) {
      return new ConvNhwc.Window(Math.toIntExact(inShape[0]), (int) inH, (int) inW, Math.toIntExact(inShape[3]), kh, kw,
          sh, sw, dh, dw, (int) padTop, (int) padLeft, (int) outH, (int) outW);
    }

    int[] convArgs() {
      return new int[] {kh, kw, sh, sw, ph, pw, dh, dw, mode, NHWC, WEIGHTS_HWIO};
    }

    int[] poolArgs(int extra) {
      return new int[] {kh, kw, sh, sw, ph, pw, 1, 1, mode, extra, NHWC};
    }
  }

  /** Reads TensorFlow's 2-int {h, w} or 4-int {1, h, w, 1} form of strides, dilations or ksize. */
  static int[] hw(String op, String what, int[] v) {
    if (v == null) {
      throw new IllegalArgumentException(op + ": " + what + " is null");
    }
    int[] out;
    if (v.length == 2) {
      out = v.clone();
    } else if (v.length == 4) {
      if (v[0] != 1 || v[3] != 1) {
        throw new IllegalArgumentException(op + ": " + what + " in the batch and depth dimensions must be 1, got "
            + Arrays.toString(v));
      }
      out = new int[] {v[1], v[2]};
    } else {
      throw new IllegalArgumentException(op + ": " + what + " must have 2 or 4 elements, got " + Arrays.toString(v));
    }
    if (out[0] < 1 || out[1] < 1) {
      throw new IllegalArgumentException(op + ": " + what + " must be positive, got " + Arrays.toString(v));
    }
    return out;
  }

  /** True for "SAME", false for "VALID" (either case). */
  static boolean isSame(String op, String padding) {
    String p = padding == null ? "" : padding.toUpperCase(Locale.ROOT);
    if (p.equals("SAME")) {
      return true;
    }
    if (p.equals("VALID")) {
      return false;
    }
    throw new IllegalArgumentException(op + ": padding must be \"SAME\" or \"VALID\", got \"" + padding + "\"");
  }

  private static void requireRank4(String op, String what, long[] shape) {
    if (shape.length != 4) {
      throw new IllegalArgumentException(op + ": " + what + " must be 4-dimensional, got shape " + Shapes.str(shape));
    }
  }

  private static void requireShape(String op, String what, long[] got, long[] want) {
    if (!Arrays.equals(got, want)) {
      throw new IllegalArgumentException(op + ": " + what + " has shape " + Shapes.str(got) + " but "
          + Shapes.str(want) + " is expected");
    }
  }

  private static int[] ints(long[] a) {
    int[] out = new int[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = Math.toIntExact(a[i]);
    }
    return out;
  }

  private static Tensor cropInput(Tensor x, Geometry g) {
    long[] s = x.shape();
    return slice(x, new long[4], new long[] {s[0], g.cropH, g.cropW, s[3]});
  }

  private static Tensor padToInput(Tensor grad, Geometry g) {
    return pad(grad, new long[][] {{0, 0}, {0, g.inH - g.cropH}, {0, g.inW - g.cropW}, {0, 0}});
  }

  private static long[] cropShape(long[] s, Geometry g) {
    return new long[] {s[0], g.cropH, g.cropW, s[3]};
  }

  // ---------------------------------------------------------------- conv2d

  /**
   * 2-D convolution ({@code tf.nn.conv2d}, NHWC): input [batch, h, w, inC], filters [kh, kw, inC, outC].
   *
   * @param strides {sh, sw} or TensorFlow's {1, sh, sw, 1}
   * @param padding "SAME" (output ceil(in / stride)) or "VALID"
   * @param dilations {dh, dw} or {1, dh, dw, 1}; null means 1
   */
  public static Tensor conv2d(TensorLike input, TensorLike filters, int[] strides, String padding, int[] dilations) {
    String op = "Conv2D";
    Tensor x = t(input), w = t(filters);
    ConvCall c = new ConvCall(op, x.shape(), w.shape(), strides, padding, dilations);
    sameDType(op, x, w);
    requireFloating(op, x);
    if (FastKernels.enabled() && ConvNhwc.applies(x.array(), w.array())) {
      Tensor out = wrap(ConvNhwc.conv2d(x.array(), w.array(), c.geo.window(c.inShape)));
      return record1(op, out, g -> conv2dGrads(x, w, g, c), x, w);
    }
    if (c.geo.cropped()) {
      return conv2d(cropInput(x, c.geo), w, c.strides, padding, c.dilations);
    }
    Tensor out = wrap(exec("conv2d", new INDArray[] {x.array(), w.array()}, c.geo.convArgs(), null, null));
    return record1(op, out, g -> conv2dGrads(x, w, g, c), x, w);
  }

  /** Conv2D with one stride for both dimensions and no dilation. */
  public static Tensor conv2d(TensorLike input, TensorLike filters, int stride, String padding) {
    return conv2d(input, filters, new int[] {stride, stride}, padding, null);
  }

  /** Conv2D's gradients from one fused conv2d_bp call, each recorded as its own backprop op. */
  private static Tensor[] conv2dGrads(Tensor x, Tensor w, Tensor g, ConvCall c) {
    c.checkOutBackprop("Conv2D gradient", g);
    if (FastKernels.enabled() && ConvNhwc.applies(x.array(), w.array(), g.array())) {
      ConvNhwc.Window win = c.geo.window(c.inShape);
      Tensor dx = GradFn.needs(0)
          ? recordBackpropInput(wrap(ConvNhwc.backpropInput(w.array(), g.array(), win)), x.shape(), w, g, c) : null;
      Tensor dw = GradFn.needs(1)
          ? recordBackpropFilter(wrap(ConvNhwc.backpropFilter(x.array(), g.array(), win, w.shape())), x, w.shape(), g, c)
          : null;
      return new Tensor[] {dx, dw};
    }
    INDArray[] r = execAll("conv2d_bp", new INDArray[] {x.array(), w.array(), g.array()}, c.geo.convArgs());
    // conv2d_bp computes both; only the ones the tape needs are recorded (the input of a first layer is data)
    Tensor dx = GradFn.needs(0) ? recordBackpropInput(wrap(r[0]), x.shape(), w, g, c) : null;
    Tensor dw = GradFn.needs(1) ? recordBackpropFilter(wrap(r[1]), x, w.shape(), g, c) : null;
    return new Tensor[] {dx, dw};
  }

  /**
   * The gradient of {@link #conv2d} with respect to its input ({@code tf.nn.conv2d_backprop_input}): the
   * transposed convolution of {@code outBackprop} with {@code filters}, of shape {@code inputShape}.
   */
  public static Tensor conv2dBackpropInput(long[] inputShape, TensorLike filters, TensorLike outBackprop,
      int[] strides, String padding, int[] dilations) {
    String op = "Conv2DBackpropInput";
    Tensor w = t(filters), g = t(outBackprop);
    if (inputShape == null) {
      throw new IllegalArgumentException(op + ": inputShape is null");
    }
    ConvCall c = new ConvCall(op, inputShape.clone(), w.shape(), strides, padding, dilations);
    sameDType(op, w, g);
    requireFloating(op, w);
    c.checkOutBackprop(op, g);
    if (FastKernels.enabled() && ConvNhwc.applies(w.array(), g.array())) {
      return recordBackpropInput(wrap(ConvNhwc.backpropInput(w.array(), g.array(), c.geo.window(c.inShape))),
          c.inShape, w, g, c);
    }
    if (c.geo.cropped()) {
      return padToInput(conv2dBackpropInput(cropShape(c.inShape, c.geo), w, g, c.strides, padding, c.dilations),
          c.geo);
    }
    INDArray sizes = Nd4j.createFromArray(ints(c.inShape));
    Tensor out = wrap(exec("conv2d_input_bp", new INDArray[] {sizes, w.array(), g.array()}, c.geo.convArgs(),
        null, null));
    return recordBackpropInput(out, c.inShape, w, g, c);
  }

  private static Tensor recordBackpropInput(Tensor out, long[] inShape, Tensor w, Tensor g, ConvCall c) {
    // linear in both tensors: d/dw is the filter backprop of the upstream, d/dg the forward conv
    return record1("Conv2DBackpropInput", out, u -> new Tensor[] {
        conv2dBackpropFilter(u, w.shape(), g, c.strides, c.padding, c.dilations),
        conv2d(u, w, c.strides, c.padding, c.dilations)}, w, g);
  }

  /**
   * The gradient of {@link #conv2d} with respect to its filters ({@code tf.nn.conv2d_backprop_filter}),
   * of shape {@code filterShape} [kh, kw, inC, outC].
   */
  public static Tensor conv2dBackpropFilter(TensorLike input, long[] filterShape, TensorLike outBackprop,
      int[] strides, String padding, int[] dilations) {
    String op = "Conv2DBackpropFilter";
    Tensor x = t(input), g = t(outBackprop);
    if (filterShape == null) {
      throw new IllegalArgumentException(op + ": filterShape is null");
    }
    ConvCall c = new ConvCall(op, x.shape(), filterShape.clone(), strides, padding, dilations);
    sameDType(op, x, g);
    requireFloating(op, x);
    c.checkOutBackprop(op, g);
    if (FastKernels.enabled() && ConvNhwc.applies(x.array(), g.array())) {
      return recordBackpropFilter(wrap(ConvNhwc.backpropFilter(x.array(), g.array(), c.geo.window(c.inShape), c.wShape)),
          x, c.wShape, g, c);
    }
    if (c.geo.cropped()) {
      return conv2dBackpropFilter(cropInput(x, c.geo), c.wShape, g, c.strides, padding, c.dilations);
    }
    // conv2d_bp's filter gradient does not depend on the weights' values, so zeros stand in for them
    INDArray zeros = Nd4j.zeros(x.array().dataType(), c.wShape);
    INDArray[] r = execAll("conv2d_bp", new INDArray[] {x.array(), zeros, g.array()}, c.geo.convArgs());
    return recordBackpropFilter(wrap(r[1]), x, c.wShape, g, c);
  }

  private static Tensor recordBackpropFilter(Tensor out, Tensor x, long[] wShape, Tensor g, ConvCall c) {
    return record1("Conv2DBackpropFilter", out, u -> new Tensor[] {
        conv2dBackpropInput(x.shape(), u, g, c.strides, c.padding, c.dilations),
        conv2d(x, u, c.strides, c.padding, c.dilations)}, x, g);
  }

  /** The checked arguments of one conv2d-family call. */
  private static final class ConvCall {
    final String op;
    final long[] inShape, wShape;
    final int[] strides, dilations;
    final String padding;
    final Geometry geo;

    ConvCall(String op, long[] inShape, long[] wShape, int[] strides, String padding, int[] dilations) {
      this.op = op;
      this.inShape = inShape;
      this.wShape = wShape;
      requireRank4(op, "input [batch, height, width, channels]", inShape);
      requireRank4(op, "filters [height, width, in_channels, out_channels]", wShape);
      for (long d : inShape) {
        if (d < 1) {
          throw new IllegalArgumentException(op + ": input shape " + Shapes.str(inShape) + " has an empty dimension");
        }
      }
      for (long d : wShape) {
        if (d < 1) {
          throw new IllegalArgumentException(op + ": filter shape " + Shapes.str(wShape) + " has an empty dimension");
        }
      }
      if (inShape[3] != wShape[2]) {
        throw new IllegalArgumentException(op + ": input depth " + inShape[3] + " must equal the filters' in_channels "
            + wShape[2] + " (input shape " + Shapes.str(inShape) + ", filter shape " + Shapes.str(wShape) + ")");
      }
      this.strides = hw(op, "strides", strides);
      this.dilations = dilations == null ? new int[] {1, 1} : hw(op, "dilations", dilations);
      boolean same = isSame(op, padding);
      this.padding = same ? "SAME" : "VALID";
      this.geo = new Geometry(op, inShape[1], inShape[2], Math.toIntExact(wShape[0]), Math.toIntExact(wShape[1]),
          this.strides, this.dilations, same);
    }

    long[] outShape() {
      return new long[] {inShape[0], geo.outH, geo.outW, wShape[3]};
    }

    void checkOutBackprop(String name, Tensor g) {
      requireShape(name, "out_backprop", g.shape(), outShape());
    }
  }

  // ---------------------------------------------------------------- pooling

  /** The checked arguments of one pooling call. */
  private static final class PoolCall {
    final long[] inShape;
    final int[] ksize, strides;
    final String padding;
    final Geometry geo;

    PoolCall(String op, long[] inShape, int[] ksize, int[] strides, String padding) {
      this.inShape = inShape;
      requireRank4(op, "input [batch, height, width, channels]", inShape);
      this.ksize = hw(op, "ksize", ksize);
      this.strides = hw(op, "strides", strides);
      boolean same = isSame(op, padding);
      this.padding = same ? "SAME" : "VALID";
      for (long d : inShape) {
        if (d < 1) {
          throw new IllegalArgumentException(op + ": input shape " + Shapes.str(inShape) + " has an empty dimension");
        }
      }
      this.geo = new Geometry(op, inShape[1], inShape[2], this.ksize[0], this.ksize[1], this.strides,
          new int[] {1, 1}, same);
    }

    long[] outShape() {
      return new long[] {inShape[0], geo.outH, geo.outW, inShape[3]};
    }
  }

  /**
   * Max pooling ({@code tf.nn.max_pool2d}, NHWC); SAME padding never wins the max.
   *
   * @param ksize window {kh, kw} or {1, kh, kw, 1}
   * @param strides {sh, sw} or {1, sh, sw, 1}
   */
  public static Tensor maxPool2d(TensorLike input, int[] ksize, int[] strides, String padding) {
    String op = "MaxPool";
    Tensor x = t(input);
    requireFloating(op, x);
    PoolCall p = new PoolCall(op, x.shape(), ksize, strides, padding);
    Tensor out;
    if (FastKernels.enabled() && ConvNhwc.applies(x.array())) {
      ConvNhwc.Window win = p.geo.window(p.inShape);
      // NOTE: while recording, the argmax is found in the same pass and kept for a first-order gradient
      // (a scatter) instead of MaxPoolGrad searching the windows again; under an outer tape the
      // recorded op runs instead.
      int[] argMax = Tapes.recording() ? new int[Math.toIntExact(Shapes.size(p.outShape()))] : null;
      out = wrap(ConvNhwc.maxPool(x.array(), win, argMax));
      if (argMax != null) {
        return record1(op, out, g -> new Tensor[] {!Tapes.recording() && FastKernels.enabled()
            && ConvNhwc.applies(g.array())
            ? wrap(ConvNhwc.scatter(argMax, g.array(), x.shape()))
            : maxPool2dGrad(x, g, p.ksize, p.strides, p.padding)}, x);
      }
    } else if (p.geo.cropped()) {
      return maxPool2d(cropInput(x, p.geo), p.ksize, p.strides, padding);
    } else {
      out = wrap(exec("maxpool2d", new INDArray[] {x.array()}, p.geo.poolArgs(0), null, null));
    }
    return record1(op, out, g -> new Tensor[] {maxPool2dGrad(x, g, p.ksize, p.strides, p.padding)}, x);
  }

  /**
   * The gradient of {@link #maxPool2d} ({@code MaxPoolGrad}): each window's upstream gradient
   * {@code grad} (of the pooled shape) goes to the position of the window's maximum in {@code input}.
   */
  public static Tensor maxPool2dGrad(TensorLike input, TensorLike grad, int[] ksize, int[] strides, String padding) {
    String op = "MaxPoolGrad";
    Tensor x = t(input), g = t(grad);
    sameDType(op, x, g);
    requireFloating(op, x);
    PoolCall p = new PoolCall(op, x.shape(), ksize, strides, padding);
    requireShape(op, "grad", g.shape(), p.outShape());
    Tensor out;
    if (FastKernels.enabled() && ConvNhwc.applies(x.array(), g.array())) {
      out = wrap(ConvNhwc.maxPoolGrad(x.array(), g.array(), p.geo.window(p.inShape)));
    } else if (p.geo.cropped()) {
      return padToInput(maxPool2dGrad(cropInput(x, p.geo), g, p.ksize, p.strides, padding), p.geo);
    } else {
      out = wrap(exec("maxpool2d_bp", new INDArray[] {x.array(), g.array()}, p.geo.poolArgs(0), null, null));
    }
    // as TensorFlow: piecewise constant in the input, linear in grad with MaxPoolGradGrad as transpose
    return record1(op, out, u -> new Tensor[] {zerosLike(x),
        maxPool2dGradGrad(x, u, p.ksize, p.strides, p.padding)}, x, g);
  }

  /**
   * The gradient of {@link #maxPool2dGrad} with respect to its upstream ({@code MaxPoolGradGrad}):
   * {@code grad} (of the input's shape) read at each window's argmax of {@code input}, giving the pooled
   * shape. Ties go to the first maximum in row-major window order.
   */
  public static Tensor maxPool2dGradGrad(TensorLike input, TensorLike grad, int[] ksize, int[] strides,
      String padding) {
    String op = "MaxPoolGradGrad";
    Tensor x = t(input), g = t(grad);
    sameDType(op, x, g);
    requireFloating(op, x);
    PoolCall p = new PoolCall(op, x.shape(), ksize, strides, padding);
    requireShape(op, "grad", g.shape(), x.shape());
    long[] os = p.outShape();
    if (Shapes.size(x.shape()) > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(op + ": input of shape " + Shapes.str(x.shape()) + " is too large");
    }
    // no libnd4j op gathers at pooling argmaxes, so this second-order path runs in Java
    double[] xv = x.toDoubleArray(), gv = g.toDoubleArray();
    int b = (int) os[0], oh = (int) os[1], ow = (int) os[2], ch = (int) os[3];
    int ih = (int) p.inShape[1], iw = (int) p.inShape[2];
    Geometry geo = p.geo;
    double[] out = new double[b * oh * ow * ch];
    for (int n = 0; n < b; n++) {
      for (int r = 0; r < oh; r++) {
        for (int q = 0; q < ow; q++) {
          for (int c = 0; c < ch; c++) {
            int best = -1;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < geo.kh; i++) {
              long y = (long) r * geo.sh - geo.padTop + i;
              if (y < 0 || y >= ih) {
                continue;
              }
              for (int j = 0; j < geo.kw; j++) {
                long z = (long) q * geo.sw - geo.padLeft + j;
                if (z < 0 || z >= iw) {
                  continue;
                }
                int at = (int) (((n * (long) ih + y) * iw + z) * ch + c);
                if (best < 0 || xv[at] > max) {
                  best = at;
                  max = xv[at];
                }
              }
            }
            out[((n * oh + r) * ow + q) * ch + c] = gv[best];
          }
        }
      }
    }
    INDArray arr = Nd4j.create(out, os, 'c');
    Tensor result = wrap(arr.dataType() == x.array().dataType() ? arr : arr.castTo(x.array().dataType()));
    return record1(op, result, u -> new Tensor[] {zerosLike(x),
        maxPool2dGrad(x, u, p.ksize, p.strides, p.padding)}, x, g);
  }

  // ---------------------------------------------------------------- fused conv block

  /**
   * {@code maxPool2d(biasAddRelu(conv2d(input, filters), bias))} as one op: a Keras {@code Conv2D} with
   * relu followed by a {@code MaxPooling2D}, the block of most image classifiers. The value is always the
   * composition's, bit for bit; when tapekit's float32 kernels take the call (the pool tiles its input:
   * stride = pool size, VALID, Keras's default) the four passes run as one over L2-sized blocks and the
   * conv-sized activation is never stored (docs/core.md, "Fast paths"); otherwise this is the composition.
   *
   * @param bias [outC], the filters' last dimension
   * @param poolSize {ph, pw} or {1, ph, pw, 1}
   * @param poolStrides {sh, sw} or {1, sh, sw, 1}
   */
  public static Tensor conv2dBiasReluMaxPool(TensorLike input, TensorLike filters, TensorLike bias, int[] strides,
      String padding, int[] dilations, int[] poolSize, int[] poolStrides, String poolPadding) {
    String op = "Conv2DBiasReluMaxPool";
    Tensor x = t(input), w = t(filters), b = t(bias);
    ConvCall c = new ConvCall(op, x.shape(), w.shape(), strides, padding, dilations);
    sameDType(op, x, w);
    sameDType(op, x, b);
    requireFloating(op, x);
    if (b.rank() != 1 || b.shape()[0] != c.wShape[3]) {
      throw new IllegalArgumentException(op + ": bias of shape " + Shapes.str(b.shape())
          + " must be a vector of the filters' out_channels " + c.wShape[3] + " (filter shape " + Shapes.str(c.wShape) + ")");
    }
    PoolCall p = new PoolCall(op, c.outShape(), poolSize, poolStrides, poolPadding);
    if (FastKernels.enabled() && ConvNhwc.applies(x.array(), w.array(), b.array())) {
      ConvNhwc.Window convWin = c.geo.window(c.inShape);
      ConvNhwc.Window poolWin = p.geo.window(p.inShape);
      if (ConvReluPool.fits(convWin, (int) c.wShape[3], poolWin)) {
        int[] argMax = new int[Math.toIntExact(Shapes.size(p.outShape()))];
        Tensor out = wrap(ConvReluPool.forward(x.array(), w.array(), b.array(), convWin, poolWin, argMax));
        return record1(op, out, g -> fusedConvGrads(x, w, b, g, c, p, argMax), x, w, b);
      }
    }
    return maxPool2d(biasAddRelu(conv2d(x, w, c.strides, c.padding, c.dilations), b), p.ksize, p.strides, p.padding);
  }

  /**
   * The gradients of {@link #conv2dBiasReluMaxPool}: first order from the kept argmax in one blocked pass;
   * under an outer tape the unfused ops' rules on the recomputed activation (so it differentiates again).
   */
  private static Tensor[] fusedConvGrads(Tensor x, Tensor w, Tensor b, Tensor g, ConvCall c, PoolCall p,
      int[] argMax) {
    if (!Tapes.recording() && FastKernels.enabled() && ConvNhwc.applies(g.array())) {
      INDArray[] r = ConvReluPool.backward(x.array(), w.array(), argMax, g.array(), c.geo.window(c.inShape),
          p.geo.window(p.inShape), GradFn.needs(0));
      return new Tensor[] {r[0] == null ? null : wrap(r[0]), GradFn.needs(1) ? wrap(r[1]) : null,
          GradFn.needs(2) ? wrap(r[2]) : null};
    }
    Tensor y = biasAddRelu(conv2d(x, w, c.strides, c.padding, c.dilations), b);
    Tensor dz = reluGrad(maxPool2dGrad(y, g, p.ksize, p.strides, p.padding), y);
    return new Tensor[] {
        GradFn.needs(0) ? conv2dBackpropInput(x.shape(), w, dz, c.strides, c.padding, c.dilations) : null,
        GradFn.needs(1) ? conv2dBackpropFilter(x, w.shape(), dz, c.strides, c.padding, c.dilations) : null,
        GradFn.needs(2) ? sumTo(dz, b.shape()) : null};
  }

  /**
   * Average pooling ({@code tf.nn.avg_pool2d}, NHWC); with SAME padding each window averages only its
   * cells inside the input, as TensorFlow.
   */
  public static Tensor avgPool2d(TensorLike input, int[] ksize, int[] strides, String padding) {
    String op = "AvgPool";
    Tensor x = t(input);
    requireFloating(op, x);
    PoolCall p = new PoolCall(op, x.shape(), ksize, strides, padding);
    if (p.geo.cropped()) {
      return avgPool2d(cropInput(x, p.geo), p.ksize, p.strides, padding);
    }
    Tensor out = wrap(exec("avgpool2d", new INDArray[] {x.array()}, p.geo.poolArgs(EXCLUDE_PADDING), null, null));
    long[] inShape = x.shape();
    return record1(op, out, g -> new Tensor[] {avgPool2dGrad(inShape, g, p.ksize, p.strides, p.padding)}, x);
  }

  /**
   * The gradient of {@link #avgPool2d} ({@code AvgPoolGrad}): each window's upstream gradient spread
   * evenly over its valid cells, giving {@code inputShape}.
   */
  public static Tensor avgPool2dGrad(long[] inputShape, TensorLike grad, int[] ksize, int[] strides,
      String padding) {
    String op = "AvgPoolGrad";
    Tensor g = t(grad);
    requireFloating(op, g);
    if (inputShape == null) {
      throw new IllegalArgumentException(op + ": inputShape is null");
    }
    PoolCall p = new PoolCall(op, inputShape.clone(), ksize, strides, padding);
    requireShape(op, "grad", g.shape(), p.outShape());
    if (p.geo.cropped()) {
      return padToInput(avgPool2dGrad(cropShape(p.inShape, p.geo), g, p.ksize, p.strides, padding), p.geo);
    }
    // avgpool2d_bp reads only the input's shape
    INDArray zeros = Nd4j.zeros(g.array().dataType(), p.inShape);
    Tensor out = wrap(exec("avgpool2d_bp", new INDArray[] {zeros, g.array()}, p.geo.poolArgs(EXCLUDE_PADDING),
        null, null));
    // linear in grad; its transpose is the pooling itself (TensorFlow's AvgPoolGradGrad)
    return record1(op, out, u -> new Tensor[] {avgPool2d(u, p.ksize, p.strides, p.padding)}, g);
  }
}

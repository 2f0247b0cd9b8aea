package dev.tapekit.core.kernels;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Softmax cross-entropy from logits in one pass per row, and its first-order gradient.
 *
 * <p>NOTE: written with ND4J ops this takes about ten native calls forward and five backward (max,
 * subtract, exp, sum, log, ...), ~15 us each, for a few hundred numbers; one Java pass over a copy costs
 * ~1-2 ns per element. The log-softmax is x - max - log(sum(exp(x - max))) in double, so far-apart
 * logits neither overflow nor underflow (libnd4j's own sparse loss returns inf there).
 */
public final class SoftmaxCrossEntropy {
  private final int rows;
  private final int classes;
  private final DataType dtype;
  /** log(softmax(logits)), row-major. */
  private final double[] logSoftmax;
  private final double[] loss;

  private SoftmaxCrossEntropy(INDArray logits, int classes) {
    this.dtype = logits.dataType();
    this.classes = classes;
    this.rows = classes == 0 ? 0 : (int) (logits.length() / classes);
    this.logSoftmax = Buffers.doubles(logits);
    this.loss = new double[rows];
    forRows((from, to) -> {
      for (int r = from; r < to; r++) {
        int base = r * classes;
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) {
          max = Math.max(max, logSoftmax[base + j]);
        }
        double sum = 0;
        for (int j = 0; j < classes; j++) {
          sum += Math.exp(logSoftmax[base + j] - max);
        }
        double shift = max + Math.log(sum);
        for (int j = 0; j < classes; j++) {
          logSoftmax[base + j] -= shift;
        }
      }
    });
  }

  /**
   * Elements (an exp each, ~5-10 ns) one thread of the kernel pool takes at least: a batch of 128 rows
   * of 10 classes stays on the calling thread.
   */
  private static final int GRAIN = 1 << 13;

  /** Runs {@code body} over row ranges, split across the kernel pool when large; rows are independent. */
  private void forRows(KernelPool.Range body) {
    KernelPool.parallelFor(rows, Math.max(1, GRAIN / Math.max(1, classes)), body);
  }

  /** Losses for integer labels, one per row of {@code logits} (last axis = classes). */
  public static SoftmaxCrossEntropy sparse(INDArray logits, int classes, long[] labels) {
    SoftmaxCrossEntropy s = new SoftmaxCrossEntropy(logits, classes);
    for (int r = 0; r < s.rows; r++) {
      s.loss[r] = -s.logSoftmax[r * classes + (int) labels[r]];
    }
    return s;
  }

  /** Losses for label distributions of the same shape as {@code logits}. */
  public static SoftmaxCrossEntropy dense(INDArray logits, int classes, double[] labels) {
    SoftmaxCrossEntropy s = new SoftmaxCrossEntropy(logits, classes);
    for (int r = 0; r < s.rows; r++) {
      double l = 0;
      for (int j = r * classes, end = j + classes; j < end; j++) {
        l -= labels[j] * s.logSoftmax[j];
      }
      s.loss[r] = l;
    }
    return s;
  }

  /** The per-row losses, in the logits' dtype, with the given shape. */
  public INDArray loss(long[] shape) {
    return Buffers.create(loss, dtype, shape);
  }

  /** d loss / d logits for integer labels: upstream[r] * (softmax - one_hot). */
  public INDArray sparseGradient(INDArray upstream, long[] labels, long[] shape) {
    double[] g = Buffers.doubles(upstream);
    double[] d = new double[rows * classes];
    forRows((from, to) -> {
      for (int r = from; r < to; r++) {
        int base = r * classes;
        for (int j = 0; j < classes; j++) {
          d[base + j] = g[r] * Math.exp(logSoftmax[base + j]);
        }
        d[base + (int) labels[r]] -= g[r];
      }
    });
    return Buffers.create(d, dtype, shape);
  }

  /** d loss / d logits for label distributions: upstream[r] * (softmax * sum(labels[r]) - labels). */
  public INDArray denseLogitsGradient(INDArray upstream, double[] labels, long[] shape) {
    double[] g = Buffers.doubles(upstream);
    double[] d = new double[rows * classes];
    forRows((from, to) -> {
      for (int r = from; r < to; r++) {
        int base = r * classes;
        double total = 0;
        for (int j = 0; j < classes; j++) {
          total += labels[base + j];
        }
        for (int j = 0; j < classes; j++) {
          d[base + j] = g[r] * (Math.exp(logSoftmax[base + j]) * total - labels[base + j]);
        }
      }
    });
    return Buffers.create(d, dtype, shape);
  }

  /** d loss / d labels: -upstream[r] * log_softmax. */
  public INDArray denseLabelsGradient(INDArray upstream, long[] shape) {
    double[] g = Buffers.doubles(upstream);
    double[] d = new double[rows * classes];
    for (int r = 0; r < rows; r++) {
      for (int j = r * classes, end = j + classes; j < end; j++) {
        d[j] = -g[r] * logSoftmax[j];
      }
    }
    return Buffers.create(d, dtype, shape);
  }
}

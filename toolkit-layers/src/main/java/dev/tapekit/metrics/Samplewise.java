package dev.tapekit.metrics;

import dev.tapekit.core.Shapes;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Keras's {@code reduce_to_samplewise_values} on raw ND4J arrays (float64, never on a tape): reduces
 * values to one per sample, weighting them, and returns the batch's weighted total and weight count.
 */
final class Samplewise {
  private Samplewise() {}

  /** {total, count} of one batch; {@code sum} reduces inner axes by sum (Sum) instead of mean (Mean). */
  static double[] reduce(String who, INDArray values, INDArray sampleWeight, boolean sum) {
    if (sampleWeight == null && values.rank() == 1) {
      // one value per sample already (accuracy, a loss): summed here, without ND4J's cast copy and
      // reduction buffers, which every metric update of every step allocated
      double total = 0;
      for (long i = 0; i < values.length(); i++) {
        total += values.getDouble(i);
      }
      return new double[] {total, values.length()};
    }
    INDArray v = values.castTo(DataType.DOUBLE);
    if (sampleWeight == null) {
      v = reduceInner(v, 1, sum);
      return new double[] {v.sumNumber().doubleValue(), v.rank() >= 1 ? v.size(0) : 1};
    }
    INDArray w = sampleWeight.castTo(DataType.DOUBLE);
    if (v.rank() == w.rank() + 1 && v.size(-1) == 1) {
      if (w.rank() == 1) {
        w = w.reshape(w.length(), 1);
      } else {
        v = squeezeLast(v);
      }
    } else if (w.rank() == v.rank() + 1 && w.size(-1) == 1) {
      if (v.rank() == 1) {
        v = v.reshape(v.length(), 1);
      } else {
        w = squeezeLast(w);
      }
    }
    if (v.rank() > w.rank()) {
      v = reduceInner(v, w.rank(), sum);
    }
    if (!Arrays.equals(w.shape(), v.shape())) {
      try {
        Shapes.broadcast(who, w.shape(), v.shape());
        w = w.rank() < v.rank() ? w.reshape(leadingOnes(w.shape(), v.rank())) : w;
        w = w.broadcast(v.shape());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(who + ": sample_weight of shape " + Shapes.str(sampleWeight.shape())
            + " does not match values of shape " + Shapes.str(values.shape()), e);
      }
    }
    v = v.mul(w);
    if (w.rank() > 1) {
      w = reduceInner(w, 1, sum);
    }
    v = reduceInner(v, 1, sum);
    return new double[] {v.sumNumber().doubleValue(), w.sumNumber().doubleValue()};
  }

  /** Reduces axes from {@code from} to the last by mean or sum; rank-0 results stay scalars. */
  private static INDArray reduceInner(INDArray a, int from, boolean sum) {
    if (a.rank() <= from) {
      return a;
    }
    int[] axes = new int[a.rank() - from];
    for (int i = 0; i < axes.length; i++) {
      axes[i] = from + i;
    }
    return sum ? a.sum(axes) : a.mean(axes);
  }

  private static INDArray squeezeLast(INDArray a) {
    return a.reshape(Arrays.copyOf(a.shape(), a.rank() - 1));
  }

  private static long[] leadingOnes(long[] shape, int rank) {
    long[] s = new long[rank];
    Arrays.fill(s, 1);
    System.arraycopy(shape, 0, s, rank - shape.length, shape.length);
    return s;
  }
}

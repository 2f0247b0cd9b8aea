package dev.tapekit.optimizers;

import dev.tapekit.core.Variable;
import dev.tapekit.core.kernels.NativeView;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The optimizer-owned buffers of one variable: named slots (saved in checkpoints) and scratch space. */
final class Slots {
  final Variable variable;
  final LinkedHashMap<String, INDArray> arrays = new LinkedHashMap<>();
  private final INDArray[] scratch = new INDArray[3];

  Slots(Variable variable, Map<String, Double> initialValues) {
    this.variable = variable;
    for (Map.Entry<String, Double> e : initialValues.entrySet()) {
      arrays.put(e.getKey(), Nd4j.valueArrayOf(variable.shape(), e.getValue(), variable.dtype().nd4j()));
    }
  }

  /**
   * Heap copies of float32 slots that a Java kernel keeps between steps (see {@link #heap}); while one
   * exists it holds the slot's value and the ND4J array is stale until {@link #get} writes it back.
   */
  private final LinkedHashMap<String, float[]> heap = new LinkedHashMap<>();

  /** The slot's current value as an ND4J array (written back from its heap copy first, if any). */
  INDArray get(String name) {
    INDArray a = arrays.get(name);
    float[] h = heap.remove(name);
    if (h != null) {
      NativeView.of(a).write(0, h, h.length);
    }
    return a;
  }

  /**
   * The slot's value as a Java array that the caller updates in place, kept on the heap across steps
   * (NOTE: saves Adam two of its seven copies between off-heap and heap memory per element). The slot
   * must be a dense float32 array.
   */
  float[] heap(String name) {
    float[] h = heap.get(name);
    if (h == null) {
      INDArray a = arrays.get(name);
      h = new float[(int) a.length()];
      NativeView.of(a).read(0, h, h.length);
      heap.put(name, h);
    }
    return h;
  }

  /** Slot names in creation order. */
  Iterable<String> names() {
    return arrays.keySet();
  }

  /** Temporary buffer {@code i} of the variable's shape and dtype; contents are undefined on entry. */
  INDArray scratch(int i) {
    if (scratch[i] == null) {
      scratch[i] = Nd4j.createUninitialized(variable.dtype().nd4j(), variable.shape(), 'c');
    }
    return scratch[i];
  }
}

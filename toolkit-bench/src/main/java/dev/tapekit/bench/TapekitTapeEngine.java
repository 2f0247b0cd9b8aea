package dev.tapekit.bench;

import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.TensorScope;
import dev.tapekit.core.Variable;
import dev.tapekit.optimizers.Adam;
import java.util.ArrayList;
import java.util.List;

/** The tutorial's hand-written loop: variables, forward under a GradientTape, tape.gradient, Adam. */
final class TapekitTapeEngine implements Engine {
  @Override
  public String name() {
    return "tapekit-tape";
  }

  static Tensor features(Workload w, Workload.Batch b) {
    return w.conv()
        ? Tensor.of(b.x(), b.size(), Workload.SIDE, Workload.SIDE, 1)
        : Tensor.of(b.x(), b.size(), Workload.IN);
  }

  static Tensor labels(Workload.Batch b) {
    long[] y = new long[b.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = b.y()[i];
    }
    return Tensor.ofLongs(y);
  }

  /** Glorot-uniform weights, as Keras's default. */
  private static Variable glorot(String name, long fanIn, long fanOut, long seed, long... shape) {
    double limit = Math.sqrt(6.0 / (fanIn + fanOut));
    return new Variable(Tensor.randomUniform(shape, -limit, limit, seed), name, true);
  }

  @Override
  public StepRunner prepare(Workload w, Workload.Batch b) {
    Tensor x = features(w, b);
    Tensor y = labels(b);
    List<Variable> vars = new ArrayList<>();
    Adam adam = new Adam(1e-3);
    if (w.kind() == Workload.Kind.CNN2) {
      int k = Workload.KERNEL;
      Variable f1 = glorot("conv/kernel", k * k, k * k * Workload.FILTERS, 1, k, k, 1, Workload.FILTERS);
      Variable c1 = new Variable(Tensor.zeros(Workload.FILTERS), "conv/bias", true);
      Variable f2 = glorot("conv_1/kernel", k * k * Workload.FILTERS, k * k * Workload.FILTERS2, 2, k, k,
          Workload.FILTERS, Workload.FILTERS2);
      Variable c2 = new Variable(Tensor.zeros(Workload.FILTERS2), "conv_1/bias", true);
      Variable d1 = glorot("dense/kernel", Workload.FLAT2, w.hidden(), 3, Workload.FLAT2, w.hidden());
      Variable b1 = new Variable(Tensor.zeros(w.hidden()), "dense/bias", true);
      Variable d2 = glorot("dense_1/kernel", w.hidden(), Workload.CLASSES, 4, w.hidden(), Workload.CLASSES);
      Variable b2 = new Variable(Tensor.zeros(Workload.CLASSES), "dense_1/bias", true);
      vars.addAll(List.of(f1, c1, f2, c2, d1, b1, d2, b2));
      int[] two = {2, 2};
      return () -> step(adam, vars, y, () -> {
        Tensor h1 = Ops.maxPool2d(Ops.relu(Ops.biasAdd(Ops.conv2d(x, f1, 1, "VALID"), c1)), two, two, "VALID");
        Tensor h2 = Ops.maxPool2d(Ops.relu(Ops.biasAdd(Ops.conv2d(h1, f2, 1, "VALID"), c2)), two, two, "VALID");
        Tensor h3 = Ops.relu(Ops.biasAdd(Ops.matmul(Ops.reshape(h2, b.size(), Workload.FLAT2), d1), b1));
        return Ops.biasAdd(Ops.matmul(h3, d2), b2);
      });
    }
    if (w.conv()) {
      int k = Workload.KERNEL;
      Variable filters = glorot("conv/kernel", k * k, k * k * Workload.FILTERS, 1, k, k, 1, Workload.FILTERS);
      Variable convBias = new Variable(Tensor.zeros(Workload.FILTERS), "conv/bias", true);
      long flat = (long) Workload.POOL_OUT * Workload.POOL_OUT * Workload.FILTERS;
      Variable kernel = glorot("dense/kernel", flat, Workload.CLASSES, 2, flat, Workload.CLASSES);
      Variable bias = new Variable(Tensor.zeros(Workload.CLASSES), "dense/bias", true);
      vars.addAll(List.of(filters, convBias, kernel, bias));
      return () -> step(adam, vars, y, () -> {
        Tensor h = Ops.relu(Ops.biasAdd(Ops.conv2d(x, filters, 1, "VALID"), convBias));
        Tensor p = Ops.maxPool2d(h, new int[] {2, 2}, new int[] {2, 2}, "VALID");
        return Ops.biasAdd(Ops.matmul(Ops.reshape(p, b.size(), flat), kernel), bias);
      });
    }
    Variable w1 = glorot("dense/kernel", Workload.IN, w.hidden(), 1, Workload.IN, w.hidden());
    Variable b1 = new Variable(Tensor.zeros(w.hidden()), "dense/bias", true);
    Variable w2 = glorot("dense_1/kernel", w.hidden(), Workload.CLASSES, 2, w.hidden(), Workload.CLASSES);
    Variable b2 = new Variable(Tensor.zeros(Workload.CLASSES), "dense_1/bias", true);
    vars.addAll(List.of(w1, b1, w2, b2));
    return () -> step(adam, vars, y, () -> {
      Tensor h = Ops.relu(Ops.biasAdd(Ops.matmul(x, w1), b1));
      return Ops.biasAdd(Ops.matmul(h, w2), b2);
    });
  }

  private static void step(Adam adam, List<Variable> vars, Tensor y, java.util.function.Supplier<Tensor> forward) {
    // the recommended step shape (docs/core.md): the inner scope releases the step's reads of the
    // variables before the update, so Adam writes their storage in place
    try (TensorScope step = TensorScope.open()) {
      List<Tensor> grads;
      try (TensorScope pass = TensorScope.open(); GradientTape tape = new GradientTape()) {
        Tensor logits = forward.get();
        Tensor loss = Ops.reduceMean(Ops.sparseSoftmaxCrossEntropyWithLogits(y, logits));
        grads = tape.gradient(loss, vars);
        grads.forEach(pass::keep);
      }
      adam.applyGradients(grads, vars);
    }
  }
}

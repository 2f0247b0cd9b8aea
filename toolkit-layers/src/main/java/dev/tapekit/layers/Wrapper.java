package dev.tapekit.layers;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.Variable;
import java.util.ArrayList;
import java.util.List;

/**
 * Keras's {@code Wrapper}: a layer around other layers (Bidirectional, TimeDistributed). Its weights are
 * the inner layers' weights, in inner-layer order; freezing the wrapper freezes them.
 */
public abstract class Wrapper extends Layer {
  protected Wrapper(String name, boolean trainable, DType dtype, long[] inputShape) {
    super(name, trainable, dtype, inputShape);
  }

  /** The wrapped layers. */
  protected abstract List<Layer> innerLayers();

  /** What every wrapped layer gives, in order. */
  private <T> List<T> fromInner(java.util.function.Function<Layer, List<T>> of) {
    List<T> out = new ArrayList<>();
    for (Layer l : innerLayers()) {
      out.addAll(of.apply(l));
    }
    return out;
  }

  @Override
  public List<Variable> weights() {
    return fromInner(Layer::weights);
  }

  @Override
  public List<Variable> trainableWeights() {
    List<Variable> out = new ArrayList<>();
    if (trainable()) {
      for (Layer l : innerLayers()) {
        out.addAll(l.trainableWeights());
      }
    }
    return out;
  }

  @Override
  public List<Variable> nonTrainableWeights() {
    List<Variable> trainableOnes = trainableWeights();
    List<Variable> out = new ArrayList<>();
    for (Variable v : weights()) {
      if (!trainableOnes.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  @Override
  public List<Tensor> losses() {
    return fromInner(Layer::losses);
  }

  @Override
  public List<SeedGenerator> seedGenerators() {
    return fromInner(Layer::seedGenerators);
  }

  @Override
  public void applyConstraints() {
    for (Layer l : innerLayers()) {
      l.applyConstraints();
    }
  }

  @Override
  public boolean hasConstraints() {
    return innerLayers().stream().anyMatch(Layer::hasConstraints);
  }
}

package dev.tapekit.samples.keras;

import dev.tapekit.callbacks.History;
import dev.tapekit.core.DType;
import dev.tapekit.core.GradientTape;
import dev.tapekit.core.Ops;
import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Dropout;
import dev.tapekit.layers.RandomSeeds;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.metrics.SparseCategoricalAccuracy;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Model;
import dev.tapekit.optimizers.Adam;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keras's subclassing API ("Making new layers and models via subclassing", "Customizing what happens in
 * fit()"): a model whose layers live in its fields and whose forward pass is {@code call()}, with its own
 * {@code trainStep} written from {@code computeLoss} and {@code computeMetrics}; {@code fit()} still runs
 * the epochs, callbacks and progress. The task: which quadrant a point of [-1, 1]^2 lies in. Arguments:
 * [epochs] [seed].
 */
public final class SubclassedModel {
  private SubclassedModel() {}

  /** {@code class Classifier(keras.Model)}: layers created in the constructor, held in fields. */
  static final class Classifier extends Model {
    private final Dense hidden = new Dense(32, "relu");
    private final Dropout dropout = new Dropout(0.1);
    private final List<Dense> head = List.of(new Dense(16, "relu"), new Dense(4));

    @Override
    public Tensor call(Tensor x, boolean training) {
      Tensor h = dropout.apply(hidden.apply(x, training), training);
      for (Dense d : head) {
        h = d.apply(h, training);
      }
      return h;
    }

    /** Keras's train_step: forward under a tape, loss, gradients, optimizer, metrics. */
    @Override
    public Map<String, Double> trainStep(Tensor x, Tensor y, Tensor sampleWeight) {
      Tensor yPred;
      List<Tensor> grads;
      try (GradientTape tape = new GradientTape()) {
        yPred = call(x, true);
        grads = tape.gradient(computeLoss(x, y, yPred, sampleWeight), trainableVariables());
      }
      optimizer().applyGradients(grads, trainableVariables());
      return computeMetrics(x, y, yPred, sampleWeight);
    }
  }

  public static void main(String[] args) {
    int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
    RandomSeeds.setRandomSeed(seed);
    Tensor x = Ops.randomUniform(new long[] {2000, 2}, -1, 1, DType.FLOAT32, seed);
    float[] xs = x.toFloatArray();
    int[] labels = new int[2000];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = (xs[2 * i] > 0 ? 1 : 0) + (xs[2 * i + 1] > 0 ? 2 : 0);
    }
    Tensor y = Tensor.of(labels);
    Classifier model = new Classifier();
    model.compile(new Adam(0.01), SparseCategoricalCrossentropy.builder().fromLogits(true).build(),
        new SparseCategoricalAccuracy("accuracy"));
    History h = model.fit(x, y, FitOptions.builder().epochs(epochs).batchSize(32).verbose(0).seed(seed).build());
    model.summary();
    List<Double> acc = h.get("accuracy");
    System.out.printf(Locale.ROOT, "Epoch 1/%d - accuracy: %.4f%n", epochs, acc.get(0));
    System.out.printf(Locale.ROOT, "Epoch %d/%d - accuracy: %.4f%n", epochs, epochs, acc.get(acc.size() - 1));
    System.out.printf(Locale.ROOT, "evaluate accuracy: %.4f%n", model.evaluate(x, y).get("accuracy"));
  }
}

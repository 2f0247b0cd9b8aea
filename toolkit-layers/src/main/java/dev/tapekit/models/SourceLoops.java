package dev.tapekit.models;

import dev.tapekit.callbacks.Callback;
import dev.tapekit.callbacks.CallbackList;
import dev.tapekit.callbacks.History;
import dev.tapekit.core.Tensor;
import dev.tapekit.core.TensorScope;
import dev.tapekit.data.BatchSource;
import dev.tapekit.data.Pipeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * fit, evaluate and predict over a streaming {@link BatchSource}, as Keras's trainer runs them over a
 * tf.data.Dataset: the source's batches as they come, {@code stepsPerEpoch}/{@code validationSteps}
 * as Keras's EpochIterator counts them (see {@link EpochSteps}).
 */
final class SourceLoops {
  private final Model model;
  private final Trainer trainer;

  SourceLoops(Model model, Trainer trainer) {
    this.model = model;
    this.trainer = trainer;
  }

  History fit(BatchSource source, FitOptions o) {
    trainer.requireCompiled("fit");
    requireSingleIo("fit");
    if (o.validationSplit > 0) {
      throw new IllegalArgumentException("fit: `validation_split` is only supported for Tensors or NumPy arrays. "
          + "Found: " + source);
    }
    if (o.sampleWeight != null) {
      throw new IllegalArgumentException("fit: `sample_weight` argument is not supported when using a dataset as "
          + "input; give the weights in the data instead");
    }
    for (Callback c : o.callbacks) {
      if (c instanceof dev.tapekit.callbacks.BackupAndRestore) {
        // an exact resume needs the source's position and shuffle state, which a BatchSource does not expose;
        // restarting it (what Keras does with a tf.data.Dataset) would silently repeat the first epochs' order
        throw new IllegalArgumentException("fit: BackupAndRestore cannot resume fit on a streaming source (" + source
            + ") exactly: its position and shuffle state are not backed up; fit on arrays, or save with ModelCheckpoint");
      }
    }
    BatchSource validation = o.validationSource != null ? o.validationSource : o.validationX == null ? null
        : slices(ModelData.of(model, o.validationX, o.validationY, null, "fit: validation_data")).batch(o.batchSize);
    try (EpochSteps train = new EpochSteps(source, o.stepsPerEpoch, "fit");
        EpochSteps val = validation == null ? null : new EpochSteps(validation, o.validationSteps, "validation")) {
      if (train.peek() == null) {
        throw new IllegalArgumentException("fit: the training data " + source + " yields no batches");
      }
      trainer.history = new History();
      List<Callback> all = Trainer.withProgbar(o.verbose, o.callbacks);
      all.add(trainer.history);
      CallbackList cbs = trainer.callbacks(all, o.epochs, train.knownSteps(), o.verbose);
      trainer.build(List.of(train.peek().x()));
      model.setStopTraining(false);
      cbs.onTrainBegin(Map.of());
      Map<String, Double> epochLogs = new TreeMap<>();
      for (int epoch = o.initialEpoch; epoch < o.epochs && !model.stopTraining(); epoch++) {
        model.resetMetrics();
        cbs.onEpochBegin(epoch, Map.of());
        List<Map<String, Double>> last = new ArrayList<>(java.util.Collections.singletonList(null));
        train.epoch((b, batch) -> {
          cbs.onTrainBatchBegin(b, Map.of());
          try (TensorScope scope = TensorScope.open()) {
            Tensor sw = Trainer.sampleWeights(batch.y(), null, o.classWeight);
            // the overridable step, as fit on arrays runs it
            last.set(0, model.trainStep(batch.x(), batch.y(), sw));
          }
          cbs.onTrainBatchEnd(b, last.get(0));
          return !model.stopTraining();
        });
        // as Keras: the epoch's logs are the last step's
        epochLogs = new TreeMap<>(last.get(0) != null ? last.get(0) : trainer.logs());
        if (val != null) {
          for (Map.Entry<String, Double> e : evaluateEpoch(val, cbs).entrySet()) {
            epochLogs.put("val_" + e.getKey(), e.getValue());
          }
        }
        cbs.onEpochEnd(epoch, epochLogs);
      }
      cbs.onTrainEnd(epochLogs);
      return trainer.history;
    }
  }

  Map<String, Double> evaluate(BatchSource source, Integer steps, int verbose, List<Callback> callbacks) {
    trainer.requireCompiled("evaluate");
    requireSingleIo("evaluate");
    try (EpochSteps data = new EpochSteps(source, steps, "evaluate")) {
      if (data.peek() == null) {
        throw new IllegalArgumentException("evaluate: the data " + source + " yields no batches");
      }
      CallbackList cbs = trainer.callbacks(Trainer.withProgbar(verbose, callbacks), 1, data.knownSteps(), verbose);
      trainer.build(List.of(data.peek().x()));
      return evaluateEpoch(data, cbs);
    }
  }

  private Map<String, Double> evaluateEpoch(EpochSteps data, Callback cbs) {
    model.resetMetrics();
    cbs.onTestBegin(Map.of());
    List<Map<String, Double>> last = new ArrayList<>(java.util.Collections.singletonList(null));
    data.epoch((b, batch) -> {
      cbs.onTestBatchBegin(b, Map.of());
      last.set(0, model.testStep(batch.x(), batch.y(), null));
      cbs.onTestBatchEnd(b, last.get(0));
      return true;
    });
    Map<String, Double> out = new TreeMap<>(last.get(0) != null ? last.get(0) : trainer.logs());
    cbs.onTestEnd(out);
    return out;
  }

  Tensor predict(BatchSource source, Integer steps) {
    requireSingleIo("predict");
    try (EpochSteps data = new EpochSteps(source, steps, "predict")) {
      if (data.peek() == null) {
        throw new IllegalArgumentException("predict: the data " + source + " yields no batches");
      }
      trainer.build(List.of(data.peek().x()));
      List<INDArray> parts = new ArrayList<>();
      data.epoch((b, batch) -> {
        // a copy: the batch's memory may be freed after this step, and the output may be a view of it
        parts.add(model.predictStep(batch.x()).array().dup('c'));
        return true;
      });
      return Tensor.fromINDArray(parts.size() == 1 ? parts.get(0) : Nd4j.concat(0, parts.toArray(new INDArray[0])));
    }
  }

  /**
   * A {@link dev.tapekit.data.Batch} holds one x and one y tensor, so a source feeds one-input one-output
   * models only; several inputs or outputs train from lists or maps of tensors.
   */
  private void requireSingleIo(String what) {
    if (model.inputs().size() > 1 || model.outputCount() > 1) {
      throw new IllegalArgumentException(what + ": a BatchSource gives one x and one y per batch, but model \""
          + model.name() + "\" has " + count(model.inputs().size(), "input") + " and "
          + count(model.outputCount(), "output") + "; "
          + "pass Lists or Maps of tensors instead");
    }
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  private static Pipeline slices(ModelData d) {
    return Pipeline.fromTensorSlices(d.x().get(0), d.y().get(0));
  }
}

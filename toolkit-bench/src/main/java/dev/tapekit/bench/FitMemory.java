package dev.tapekit.bench;

import dev.tapekit.callbacks.Callback;
import dev.tapekit.data.Datasets;
import dev.tapekit.data.TrainTest;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.FitOptions;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Memory mode's {@code tapekit-fit-fmnist}: the main job's model (samples/configs/fashion-mnist-mlp.yaml:
 * Flatten(28, 28) -> Dense(128, relu) -> Dense(10), Adam, batch 32, from_logits cross-entropy, accuracy)
 * trained by a real {@code model.fit} over as many epochs as the checkpoints need, shuffling on, on the
 * real Fashion-MNIST training set (the dataset loader's search: Debian's package first). Unlike the
 * step engines, this covers everything a user's fit() keeps alive: the per-epoch shuffled order, the
 * per-batch gather, the metrics and the History. Memory is sampled after the checkpoints' global steps.
 */
final class FitMemory {
  static final String ENGINE = "tapekit-fit-fmnist";
  /** The workload column of the table: the Fashion-MNIST MLP 784-128-10, batch 32. */
  static final String WORKLOAD = "FMNIST";
  static final int BATCH = 32;

  private FitMemory() {}

  static void run(Options o, long seed) throws Exception {
    TrainTest data = Datasets.load("fashion_mnist");
    Sequential model = new Sequential(new Input(28, 28), new Flatten(), new Dense(128, "relu"), new Dense(10));
    model.compile(new Adam(1e-3), new SparseCategoricalCrossentropy(true), List.of("accuracy"));
    Deque<Integer> checkpoints = new ArrayDeque<>();
    for (String s : o.list("memory-steps", "10000,50000,100000,150000,200000")) {
      checkpoints.add(Integer.parseInt(s));
    }
    long samples = data.train().size();
    long perEpoch = (samples + BATCH - 1) / BATCH;
    int epochs = (int) ((checkpoints.getLast() + perEpoch - 1) / perEpoch);
    long t0 = System.nanoTime();
    Callback sampler = new Callback() {
      long step;

      @Override
      public void onTrainBatchEnd(int batch, Map<String, Double> logs) {
        step++;
        if (!checkpoints.isEmpty() && step == checkpoints.peekFirst()) {
          checkpoints.removeFirst();
          System.out.println(String.format(Locale.ROOT, "@mem engine=%s workload=%s steps=%d seconds=%.1f %s",
              ENGINE, WORKLOAD, step, (System.nanoTime() - t0) / 1e9, Probes.memory()));
          System.out.flush();
          if (checkpoints.isEmpty()) {
            model.setStopTraining(true);
          }
        }
      }
    };
    model.fit(data.train().x(), data.train().y(), FitOptions.builder().epochs(epochs).batchSize(BATCH)
        .shuffle(true).seed(seed).verbose(0).callbacks(sampler).build());
  }
}

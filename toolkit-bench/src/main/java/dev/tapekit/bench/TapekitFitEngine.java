package dev.tapekit.bench;

import dev.tapekit.core.Tensor;
import dev.tapekit.layers.Conv2D;
import dev.tapekit.layers.Dense;
import dev.tapekit.layers.Flatten;
import dev.tapekit.layers.Input;
import dev.tapekit.layers.MaxPooling2D;
import dev.tapekit.losses.SparseCategoricalCrossentropy;
import dev.tapekit.models.Sequential;
import dev.tapekit.optimizers.Adam;
import java.util.List;

/**
 * tapekit's Keras API: a compiled {@code Sequential}, one {@code trainOnBatch} per step — the body of
 * {@code fit()}'s batch loop (forward under a tape, loss, gradients, Adam, the running loss).
 */
final class TapekitFitEngine implements Engine {
  @Override
  public String name() {
    return "tapekit-fit";
  }

  @Override
  public StepRunner prepare(Workload w, Workload.Batch b) {
    Sequential model = w.kind() == Workload.Kind.CNN2
        ? new Sequential(new Input(Workload.SIDE, Workload.SIDE, 1),
            new Conv2D(Workload.FILTERS, Workload.KERNEL, "relu"), new MaxPooling2D(2),
            new Conv2D(Workload.FILTERS2, Workload.KERNEL, "relu"), new MaxPooling2D(2), new Flatten(),
            new Dense(w.hidden(), "relu"), new Dense(Workload.CLASSES))
        : w.conv()
        ? new Sequential(new Input(Workload.SIDE, Workload.SIDE, 1),
            new Conv2D(Workload.FILTERS, Workload.KERNEL, "relu"), new MaxPooling2D(2), new Flatten(),
            new Dense(Workload.CLASSES))
        : new Sequential(new Input(Workload.IN), new Dense(w.hidden(), "relu"), new Dense(Workload.CLASSES));
    model.compile(new Adam(1e-3), new SparseCategoricalCrossentropy(true), List.of());
    Tensor x = TapekitTapeEngine.features(w, b);
    Tensor y = TapekitTapeEngine.labels(b);
    return () -> model.trainOnBatch(x, y);
  }
}

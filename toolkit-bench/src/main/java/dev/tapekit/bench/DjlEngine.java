package dev.tapekit.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * DJL 0.32 on PyTorch 2.5.1 (CPU), offline: the native library comes from the pytorch-native-cpu
 * jar on the class path, never from the network ({@code ai.djl.offline=true}, set by the child JVM).
 * Inputs are NCHW; with one channel the flat batch is the same memory.
 */
final class DjlEngine implements Engine {
  @Override
  public String name() {
    return "djl";
  }

  private static Conv2d conv(int filters) {
    return Conv2d.builder().setKernelShape(new Shape(Workload.KERNEL, Workload.KERNEL)).setFilters(filters).build();
  }

  @Override
  public StepRunner prepare(Workload w, Workload.Batch b) {
    SequentialBlock block = new SequentialBlock();
    Shape inShape;
    if (w.kind() == Workload.Kind.CNN2) {
      inShape = new Shape(b.size(), 1, Workload.SIDE, Workload.SIDE);
      block
          .add(conv(Workload.FILTERS))
          .add(Activation::relu)
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
          .add(conv(Workload.FILTERS2))
          .add(Activation::relu)
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(w.hidden()).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(Workload.CLASSES).build());
    } else if (w.conv()) {
      inShape = new Shape(b.size(), 1, Workload.SIDE, Workload.SIDE);
      block
          .add(
              Conv2d.builder()
                  .setKernelShape(new Shape(Workload.KERNEL, Workload.KERNEL))
                  .setFilters(Workload.FILTERS)
                  .build())
          .add(Activation::relu)
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
          .add(Blocks.batchFlattenBlock())
          .add(Linear.builder().setUnits(Workload.CLASSES).build());
    } else {
      inShape = new Shape(b.size(), Workload.IN);
      block
          .add(Linear.builder().setUnits(w.hidden()).build())
          .add(Activation::relu)
          .add(Linear.builder().setUnits(Workload.CLASSES).build());
    }
    Model model = Model.newInstance("bench-" + w.id(), Device.cpu(), "PyTorch");
    model.setBlock(block);
    // Glorot uniform: U(-a, a), a = sqrt(6 / (fanIn + fanOut)) = sqrt(3 / avg(fanIn, fanOut))
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
            .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build())
            .optInitializer(
                new XavierInitializer(
                    XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.AVG, 3f),
                Parameter.Type.WEIGHT)
            .optDevices(new Device[] {Device.cpu()});
    Trainer trainer = model.newTrainer(config);
    trainer.initialize(inShape);
    NDManager manager = model.getNDManager();
    NDArray x = manager.create(b.x(), inShape);
    NDArray y = manager.create(b.y()).toType(ai.djl.ndarray.types.DataType.INT64, false);
    return new StepRunner() {
      @Override
      public void step() {
        // everything a step creates is attached to a sub-manager and freed when it closes
        try (NDManager scope = manager.newSubManager()) {
          x.tempAttach(scope);
          y.tempAttach(scope);
          try (GradientCollector gc = trainer.newGradientCollector()) {
            NDList pred = trainer.forward(new NDList(x));
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), pred);
            gc.backward(loss);
          }
          trainer.step();
        }
      }

      @Override
      public void close() {
        trainer.close();
        model.close();
      }
    };
  }
}

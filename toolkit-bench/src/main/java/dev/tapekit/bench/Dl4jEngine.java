package dev.tapekit.bench;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** Deeplearning4j's MultiLayerNetwork with its defaults; one {@code fit(DataSet)} per step. */
final class Dl4jEngine implements Engine {
  @Override
  public String name() {
    return "dl4j";
  }

  @Override
  public StepRunner prepare(Workload w, Workload.Batch b) {
    NeuralNetConfiguration.ListBuilder list =
        new NeuralNetConfiguration.Builder()
            .seed(42)
            .updater(new Adam(1e-3))
            .weightInit(WeightInit.XAVIER_UNIFORM)
            .list();
    if (w.kind() == Workload.Kind.CNN2) {
      list.layer(conv(Workload.FILTERS)).layer(pool()).layer(conv(Workload.FILTERS2)).layer(pool())
          .layer(new DenseLayer.Builder().nOut(w.hidden()).activation(Activation.RELU).build())
          .layer(new OutputLayer.Builder(LossFunction.MCXENT)
              .nOut(Workload.CLASSES)
              .activation(Activation.SOFTMAX)
              .build())
          .setInputType(InputType.convolutionalFlat(Workload.SIDE, Workload.SIDE, 1));
    } else if (w.conv()) {
      list.layer(
              new ConvolutionLayer.Builder(Workload.KERNEL, Workload.KERNEL)
                  .nOut(Workload.FILTERS)
                  .activation(Activation.RELU)
                  .build())
          .layer(
              new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                  .kernelSize(2, 2)
                  .stride(2, 2)
                  .build())
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nOut(Workload.CLASSES)
                  .activation(Activation.SOFTMAX)
                  .build())
          .setInputType(InputType.convolutionalFlat(Workload.SIDE, Workload.SIDE, 1));
    } else {
      list.layer(
              new DenseLayer.Builder()
                  .nIn(Workload.IN)
                  .nOut(w.hidden())
                  .activation(Activation.RELU)
                  .build())
          .layer(
              new OutputLayer.Builder(LossFunction.MCXENT)
                  .nIn(w.hidden())
                  .nOut(Workload.CLASSES)
                  .activation(Activation.SOFTMAX)
                  .build());
    }
    MultiLayerConfiguration conf = list.build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    INDArray x = Nd4j.create(b.x(), new long[] {b.size(), Workload.IN}, 'c');
    INDArray y = Nd4j.create(b.oneHot(), new long[] {b.size(), Workload.CLASSES}, 'c');
    DataSet data = new DataSet(x, y);
    return () -> net.fit(data);
  }

  private static ConvolutionLayer conv(int filters) {
    return new ConvolutionLayer.Builder(Workload.KERNEL, Workload.KERNEL).nOut(filters)
        .activation(Activation.RELU).build();
  }

  private static SubsamplingLayer pool() {
    return new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build();
  }
}

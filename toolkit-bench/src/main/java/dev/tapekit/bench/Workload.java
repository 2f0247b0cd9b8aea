package dev.tapekit.bench;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One benchmark workload: a model shape and a batch size. All engines train the same model on the
 * same random batch: softmax cross-entropy, Adam(lr 1e-3), Glorot-uniform weights.
 *
 * @param id short name used on the command line and in tables (W1, W2, W3, W4)
 * @param kind the model's shape
 * @param hidden units of the hidden Dense layer (MLPs and W4's head); 0 for W3
 * @param batch samples per training step
 */
public record Workload(String id, Kind kind, int hidden, int batch) {
  /** MLP: Dense(hidden, relu) -> Dense(10). CNN: W3. CNN2: W4, the fashion-mnist-cnn.yaml sample. */
  public enum Kind { MLP, CNN, CNN2 }

  public static final int IN = 784; // 28 x 28 x 1
  public static final int SIDE = 28;
  public static final int CLASSES = 10;
  /** W3: Conv2D(32, 3x3, valid, relu) -> MaxPool(2) -> Flatten -> Dense(10). */
  public static final int FILTERS = 32;
  public static final int KERNEL = 3;
  public static final int CONV_OUT = SIDE - KERNEL + 1; // 26
  public static final int POOL_OUT = CONV_OUT / 2; // 13
  /**
   * W4, samples/configs/fashion-mnist-cnn.yaml without its Dropout (dropout's random masks differ per
   * engine; its cost is one elementwise pass): Conv2D(32, 3x3, valid, relu) -> MaxPool(2) -> Conv2D(64,
   * 3x3, valid, relu) -> MaxPool(2) -> Flatten -> Dense(128, relu) -> Dense(10).
   */
  public static final int FILTERS2 = 64;
  public static final int CONV2_OUT = POOL_OUT - KERNEL + 1; // 11
  public static final int POOL2_OUT = CONV2_OUT / 2; // 5
  public static final int FLAT2 = POOL2_OUT * POOL2_OUT * FILTERS2; // 1600

  public static final Workload W1 = new Workload("W1", Kind.MLP, 256, 128);
  public static final Workload W2 = new Workload("W2", Kind.MLP, 32, 32);
  public static final Workload W3 = new Workload("W3", Kind.CNN, 0, 64);
  public static final Workload W4 = new Workload("W4", Kind.CNN2, 128, 128);
  public static final List<Workload> ALL = List.of(W1, W2, W3, W4);

  /** A convolutional model (input 28x28x1 images). */
  public boolean conv() {
    return kind != Kind.MLP;
  }

  public String describe() {
    return switch (kind) {
      case CNN -> String.format(Locale.ROOT, "CNN conv32(3x3)-pool2-dense10, batch %d", batch);
      case CNN2 -> String.format(Locale.ROOT,
          "CNN conv32-pool2-conv64-pool2-dense128-dense10 (fashion-mnist-cnn.yaml), batch %d", batch);
      case MLP -> String.format(Locale.ROOT, "MLP 784-%d-10 relu, batch %d", hidden, batch);
    };
  }

  public static Workload byId(String id) {
    for (Workload w : ALL) {
      if (w.id.equalsIgnoreCase(id)) {
        return w;
      }
    }
    throw new IllegalArgumentException("unknown workload '" + id + "'; valid: W1, W2, W3, W4");
  }

  /** A random batch, identical for every engine given the same seed. */
  public Batch batch(long seed) {
    Random r = new Random(seed);
    float[] x = new float[batch * IN];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat();
    }
    int[] y = new int[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = r.nextInt(CLASSES);
    }
    return new Batch(x, y, batch);
  }

  /**
   * Features {@code [batch, 784]} (row-major; for the CNN the same as NCHW/NHWC with one channel) and
   * class labels.
   */
  public record Batch(float[] x, int[] y, int size) {
    public float[] oneHot() {
      float[] h = new float[size * CLASSES];
      for (int i = 0; i < size; i++) {
        h[i * CLASSES + y[i]] = 1f;
      }
      return h;
    }
  }
}

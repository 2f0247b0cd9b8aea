package dev.tapekit.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tapekit.core.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Name lookup, configs and error messages. */
class LossesTest {
  @Test
  void getByFunctionNameAliasAndClassName() {
    assertInstanceOf(SparseCategoricalCrossentropy.class, Losses.get("sparse_categorical_crossentropy"));
    assertInstanceOf(SparseCategoricalCrossentropy.class, Losses.get("SparseCategoricalCrossentropy"));
    assertInstanceOf(MeanSquaredError.class, Losses.get("mse"));
    assertEquals("mean_squared_error", Losses.get("mse").name());
    assertEquals("sparse_categorical_crossentropy", Losses.get("sparse_categorical_crossentropy").name());
    assertInstanceOf(KLDivergence.class, Losses.get("kld"));
    assertInstanceOf(Huber.class, Losses.get("huber"));
    assertEquals("huber_loss", new Huber().name());
  }

  @Test
  void unknownNameListsValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.get("msee"));
    assertTrue(e.getMessage().contains("msee") && e.getMessage().contains("mean_squared_error"), e.getMessage());
  }

  @Test
  void configRoundTrip() {
    SparseCategoricalCrossentropy scce = SparseCategoricalCrossentropy.builder().fromLogits(true).ignoreClass(3)
        .name("scce").reduction(Reduction.SUM).build();
    Map<String, Object> config = scce.getConfig();
    assertEquals("scce", config.get("name"));
    assertEquals("sum", config.get("reduction"));
    assertEquals(true, config.get("from_logits"));
    assertEquals(3, config.get("ignore_class"));
    assertEquals(-1, config.get("axis"));
    Loss back = Losses.fromConfig("SparseCategoricalCrossentropy", config);
    assertEquals(config, back.getConfig());

    BinaryCrossentropy bce = BinaryCrossentropy.builder().fromLogits(true).labelSmoothing(0.1).build();
    Loss bce2 = Losses.fromConfig("BinaryCrossentropy", bce.getConfig());
    assertEquals(bce.getConfig(), bce2.getConfig());
    assertEquals(Map.of("name", "logcosh_loss", "reduction", "sum"),
        LogCosh.builder().name("logcosh_loss").reduction("sum").build().getConfig());
    assertEquals(2.0, ((Huber) Losses.fromConfig("Huber", Map.of("delta", 2.0))).delta());
  }

  @Test
  void badConfigValuesNameTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Losses.fromConfig("BinaryCrossentropy", Map.of("from_logits", "yes")));
    assertTrue(e.getMessage().contains("from_logits"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Losses.fromConfig("Nope", Map.of()));
    assertThrows(IllegalArgumentException.class, () -> Reduction.fromName("abc"));
    assertThrows(IllegalArgumentException.class, () -> new BinaryCrossentropy(false, 1.5));
  }

  @Test
  void badShapesGiveMessagesNamingLossAndShapes() {
    Tensor p = Tensor.of(new float[] {0.2f, 0.8f, 0.5f, 0.5f}, 2, 2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new CategoricalCrossentropy().call(Tensor.of(new float[] {1, 0, 0, 0, 1, 0}, 2, 3), p));
    assertTrue(e.getMessage().contains("categorical_crossentropy") && e.getMessage().contains("(2, 3)"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new SparseCategoricalCrossentropy().call(Tensor.of(new int[] {0, 2}), p));
    assertTrue(e.getMessage().contains("sparse_categorical_crossentropy") && e.getMessage().contains("2"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new SparseCategoricalCrossentropy().call(Tensor.of(new int[] {0, 1, 1}), p));
    assertTrue(e.getMessage().contains("(3,)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new MeanSquaredError().call(Tensor.of(new float[] {1, 2, 3}), p));
    assertTrue(e.getMessage().contains("mean_squared_error"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new MeanSquaredError().call(p, p, Tensor.of(new float[] {1, 2, 3})));
    assertTrue(e.getMessage().contains("sample_weight"), e.getMessage());
  }

  @Test
  void nonFiniteFloatLabelsAreNamedNotCastToAnInteger() {
    Tensor p = Tensor.of(new float[] {0.2f, 0.8f, 0.5f, 0.5f}, 2, 2);
    for (boolean logits : new boolean[] {false, true}) {
      SparseCategoricalCrossentropy loss = SparseCategoricalCrossentropy.builder().fromLogits(logits).build();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> loss.call(Tensor.of(new float[] {0, Float.NaN}), p));
      assertEquals("sparse_categorical_crossentropy: received a label value of NaN (at index 1), which is not a "
          + "class id", e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> loss.call(Tensor.of(new float[] {Float.NEGATIVE_INFINITY, 1}), p));
      assertEquals("sparse_categorical_crossentropy: received a label value of -Infinity (at index 0), which is not "
          + "a class id", e.getMessage());
    }
  }

  @Test
  void labelsOfRankOneMatchPredictionsOfWidthOne() {
    // Keras expands y_true [batch] to [batch, 1] against y_pred [batch, 1]
    Tensor t = Tensor.of(new float[] {1, 0});
    Tensor p = Tensor.of(new float[] {0.5f, 0.5f}, 2, 1);
    assertEquals(0.25, new MeanSquaredError().call(t, p).doubleValue(), 1e-7);
    assertEquals(-Math.log(0.5), new BinaryCrossentropy().call(t, p).doubleValue(), 1e-6);
  }
}

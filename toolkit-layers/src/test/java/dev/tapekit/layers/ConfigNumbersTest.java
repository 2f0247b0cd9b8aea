package dev.tapekit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Numbers in layer configs: any Java number type, but never wrapped into int range or truncated. */
class ConfigNumbersTest {
  private static Map<String, Object> dense(Object units) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("units", units);
    config.put("activation", "relu");
    return Map.of("class_name", "Dense", "config", config);
  }

  private static String refused(Map<String, Object> entry) {
    return assertThrows(IllegalArgumentException.class, () -> Layers.deserialize(entry)).getMessage();
  }

  @Test
  void intFieldsTakeWholeNumbersInIntRangeOnly() {
    assertEquals(16, ((Dense) Layers.deserialize(dense(16L))).units());
    assertEquals(16, ((Dense) Layers.deserialize(dense(16.0))).units(), "a JSON reader may give 16.0");
    assertEquals(16, ((Dense) Layers.deserialize(dense(BigInteger.valueOf(16)))).units());
    // 2^32 + 16 used to build a Dense(16)
    assertEquals("Argument `units` must be an integer <= 2147483647. Received: units=4294967312",
        refused(dense(4294967312L)));
    assertEquals("Argument `units` must be an integer <= 2147483647. Received: units=18446744073709551632",
        refused(dense(new BigInteger("18446744073709551632"))));
    assertEquals("Argument `units` must be an integer. Received: units=16.5", refused(dense(16.5)));
    assertEquals("Argument `units` must be an integer. Received: units='abc'", refused(dense("abc")));
    assertEquals("Argument `units` must be an integer. Received: units=NaN", refused(dense(Double.NaN)));
  }

  @Test
  void tuplesSeedsAndShapesAreCheckedToo() {
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("kernel_size", List.of(3, 4294967299L));
    assertEquals("Argument `kernel_size` must be an integer or a list of integers, each in [-2147483648, 2147483647]. "
        + "Received: kernel_size=[3, 4294967299]", assertThrows(IllegalArgumentException.class,
        () -> Config.getInts(c, "kernel_size", 2, null)).getMessage());
    c.put("kernel_size", 3.0);
    assertArrayEquals(new int[] {3, 3}, Config.getInts(c, "kernel_size", 2, null));
    c.put("seed", 2.5);
    assertEquals("Argument `seed` must be an integer. Received: seed=2.5",
        assertThrows(IllegalArgumentException.class, () -> Config.getLong(c, "seed")).getMessage());
    c.put("target_shape", List.of(4, 2.5));
    assertEquals("Argument `target_shape` must be a list of sizes (integers, or None for unknown). Received: "
        + "target_shape=[4, 2.5]", assertThrows(IllegalArgumentException.class,
        () -> Config.shapeFromList(c.get("target_shape"), "target_shape")).getMessage());
    c.put("rate", "0.5");
    assertEquals("Argument `rate` must be a number. Received: rate='0.5'",
        assertThrows(IllegalArgumentException.class, () -> Config.getDouble(c, "rate", 0)).getMessage());
    c.put("padding", List.of(List.of(1, 2), List.of(3)));
    assertEquals("Argument `padding` must be an integer, 2 integers or 2 pairs of integers ((top, bottom), (left, "
        + "right)). Received: padding=[[1, 2], [3]]", assertThrows(IllegalArgumentException.class,
        () -> ZeroPadding2D.fromConfig(c)).getMessage());
  }
}

package dev.tapekit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tapekit.core.DType;
import dev.tapekit.core.Tensor;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The .npy codec inside model files, at the edges: zero-row arrays and scalars. */
class NpyFormatTest {
  @Test
  void zeroRowArraysRoundTripWithTheirShape() throws IOException {
    for (DType dtype : DType.values()) {
      Tensor empty = Tensor.zeros(dtype, 0, 4);
      Tensor back = NpyFormat.read(NpyFormat.write(empty), "empty " + dtype);
      assertEquals(dtype, back.dtype());
      assertArrayEquals(new long[] {0, 4}, back.shape());
      assertEquals(0, back.size());
    }
  }

  @Test
  void scalarsAndMatricesRoundTrip() throws IOException {
    Tensor s = NpyFormat.read(NpyFormat.write(Tensor.scalar(2.5, DType.FLOAT64)), "scalar");
    assertArrayEquals(new long[0], s.shape());
    assertEquals(2.5, s.doubleValue(), 0);
    Tensor m = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertArrayEquals(m.toFloatArray(), NpyFormat.read(NpyFormat.write(m), "matrix").toFloatArray(), 0);
  }
}

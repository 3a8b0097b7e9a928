package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** 8-bit and float datasets read alike. */
class DatasetTest {
  private final Random random = new Random();

  @Test
  void eightBitPixelsReadAsTheirFloatValues() {
    int count = 7, h = 3, w = 5;
    byte[] bytes = new byte[count * h * w];
    random.nextBytes(bytes);
    float[] floats = new float[bytes.length];
    for (int i = 0; i < bytes.length; i++) floats[i] = (bytes[i] & 0xff) / 255f;
    int[] labels = random.ints(count, 0, 10).toArray();
    Dataset eightBit = Dataset.ofBytes("b", bytes, labels, count, h, w);
    Dataset asFloats = new Dataset("f", floats, labels, count, h, w);

    assertArrayEquals(asFloats.pixels(), eightBit.pixels());
    float[] block = new float[3 * h * w + 2];
    eightBit.copyPixels(2, 3, block, 2);
    float[] expected = new float[block.length];
    asFloats.copyPixels(2, 3, expected, 2);
    assertArrayEquals(expected, block);
    assertArrayEquals(asFloats.image(6), eightBit.image(6));

    int[] pick = {4, 0, 4};
    Dataset subset = eightBit.subset(pick, "s");
    assertArrayEquals(asFloats.subset(pick, "s").pixels(), subset.pixels());
    assertArrayEquals(new int[] {labels[4], labels[0], labels[4]}, subset.labels());
    assertEquals(3, subset.count());
  }

  @Test
  void refusesRangesOutsideTheImagesAndWrongSizes() {
    Dataset d = Dataset.ofBytes("b", new byte[2 * 4], null, 2, 2, 2);
    assertThrows(IndexOutOfBoundsException.class, () -> d.copyPixels(1, 2, new float[16], 0));
    assertThrows(IllegalArgumentException.class, () -> Dataset.ofBytes("b", new byte[7], null, 2, 2, 2));
  }
}

package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void blocksCoverEveryImageInOrderWithinTheirSize() {
    int count = 11, h = 2, w = 3, d = h * w;
    byte[] bytes = new byte[count * d];
    random.nextBytes(bytes);
    Dataset eightBit = Dataset.ofBytes("b", bytes, null, count, h, w);
    Dataset asFloats = new Dataset("f", eightBit.pixels(), null, count, h, w);
    int maxFloats = (1 + random.nextInt(4)) * d + random.nextInt(d);
    for (Dataset data : new Dataset[] {eightBit, asFloats}) {
      float[] seen = new float[count * d];
      int[] next = {0};
      data.forEachBlock(maxFloats, (src, offset, first, n) -> {
        assertEquals(next[0], first, "blocks in order");
        assertTrue(n >= 1 && n * d <= Math.max(d, maxFloats), n + " images in a block of at most " + maxFloats + " floats");
        System.arraycopy(src, offset, seen, first * d, n * d);
        next[0] += n;
      });
      assertEquals(count, next[0]);
      assertArrayEquals(asFloats.pixels(), seen);
    }
  }

  @Test
  void refusesRangesOutsideTheImagesAndWrongSizes() {
    Dataset d = Dataset.ofBytes("b", new byte[2 * 4], null, 2, 2, 2);
    assertThrows(IndexOutOfBoundsException.class, () -> d.copyPixels(1, 2, new float[16], 0));
    assertThrows(IllegalArgumentException.class, () -> Dataset.ofBytes("b", new byte[7], null, 2, 2, 2));
  }
}

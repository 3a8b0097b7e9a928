package dev.vae4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Ren et al.'s noise pixels: the fraction replaced, uniform grey levels, the seed, what is kept. */
class PixelNoiseTest {
  private final long seed = System.nanoTime();

  @Test
  void aFractionOfTheEightBitPixelsGetsUniformGreyLevelsAndTheRestStays() {
    int count = 200, d = 28 * 28;
    byte[] zeros = new byte[count * d]; // black images: a replaced pixel is non-zero unless it drew 0
    Dataset black = Dataset.ofBytes("black", zeros, new int[count], count, 28, 28).withClassNames(List.of("only"));
    Dataset noisy = PixelNoise.replace(black, 0.2, seed);
    byte[] p = noisy.eightBitPixels();
    long changed = 0, sum = 0;
    for (byte b : p) {
      if (b != 0) changed++;
      sum += b & 0xff;
    }
    // Expected non-zero: 0.2 * 255/256 of the pixels; their mean value (1 + ... + 255) / 255 = 128.
    double expected = count * d * 0.2 * 255 / 256;
    assertEquals(expected, changed, 5 * Math.sqrt(expected), "seed " + seed);
    assertEquals(128, (double) sum / changed, 2, "seed " + seed);
    assertEquals(0, zeros[0] | zeros[zeros.length - 1], "the input is not changed");
    assertArrayEquals(black.labels(), noisy.labels());
    assertEquals(List.of("only"), noisy.classNames());
    assertArrayEquals(p, PixelNoise.replace(black, 0.2, seed).eightBitPixels(), "the same seed, the same noise");
    assertFalse(java.util.Arrays.equals(p, PixelNoise.replace(black, 0.2, seed + 1).eightBitPixels()));
  }

  @Test
  void floatPixelsGetGreyLevelsToo() {
    SplittableRandom random = new SplittableRandom(seed);
    float[] pixels = new float[50 * 12];
    for (int i = 0; i < pixels.length; i++) pixels[i] = (float) random.nextDouble();
    Dataset data = new Dataset("floats", pixels, null, 50, 3, 2, 2);
    Dataset noisy = PixelNoise.replace(data, 1, seed);
    assertEquals(3, noisy.channels());
    for (float v : noisy.pixels()) assertEquals(Math.round(v * 255) / 255f, v, "rate 1: every value a grey level");
  }

  @Test
  void rateOutsideTheRangeIsRefused() {
    Dataset data = Dataset.ofBytes("d", new byte[4], null, 1, 2, 2);
    for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PixelNoise.replace(data, bad, 1));
      assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
    }
  }
}

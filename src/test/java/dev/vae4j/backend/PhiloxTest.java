package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhiloxTest {

  /** The Random123 known-answer vectors for Philox4x32-10. */
  @ParameterizedTest
  @CsvSource({
    "00000000 00000000 00000000 00000000, 00000000 00000000, 6627e8d5 e169c58d bc57ac4c 9b00dbd8",
    "ffffffff ffffffff ffffffff ffffffff, ffffffff ffffffff, 408f276d 41c83b0e a20bc7c6 6d5451fd",
    "243f6a88 85a308d3 13198a2e 03707344, a4093822 299f31d0, d16cfe09 94fdcceb 5001e420 24126ea1",
  })
  void knownAnswers(String counter, String key, String expected) {
    int[] words = hexWords(counter);
    int[] k = hexWords(key);
    Philox.block(words, k[0], k[1]);
    assertArrayEquals(hexWords(expected), words);
  }

  @Test
  void normalsHaveUnitVarianceAndZeroMean() {
    long seed = new Random().nextLong();
    int n = 1_000_000;
    float[] x = new float[n];
    Philox.normals(seed, 7, x, 0, n);
    double sum = 0, sumSq = 0, sumFourth = 0;
    for (float v : x) {
      sum += v;
      sumSq += v * v;
      sumFourth += (double) v * v * v * v;
    }
    double mean = sum / n, variance = sumSq / n - mean * mean;
    // Standard errors: 1/sqrt(n) = 0.001 for the mean, sqrt(2/n) = 0.0014 for the variance; 5 sigma.
    assertEquals(0, mean, 0.005, "mean, seed " + seed);
    assertEquals(1, variance, 0.007, "variance, seed " + seed);
    assertEquals(3, sumFourth / n, 0.05, "fourth moment, seed " + seed);
  }

  @Test
  void elementsDependOnlyOnSeedStreamAndIndex() {
    long seed = new Random().nextLong();
    float[] whole = new float[23];
    Philox.normals(seed, 3, whole, 0, 23);
    float[] part = new float[23];
    Philox.fillNormals(seed, 3, 5, 23, (i, v) -> part[(int) i] = v);
    for (int i = 5; i < 23; i++) assertEquals(whole[i], part[i], "element " + i);
    float[] other = new float[23];
    Philox.normals(seed, 4, other, 0, 23);
    assertTrue(whole[0] != other[0] || whole[1] != other[1], "streams must differ");
  }

  private static int[] hexWords(String s) {
    String[] parts = s.trim().split("\\s+");
    int[] w = new int[parts.length];
    for (int i = 0; i < parts.length; i++) w[i] = Integer.parseUnsignedInt(parts[i], 16);
    return w;
  }
}

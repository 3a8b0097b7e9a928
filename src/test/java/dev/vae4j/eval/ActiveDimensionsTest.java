package dev.vae4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** traverse's default dimensions: those whose latent means vary most over the images. */
class ActiveDimensionsTest {
  @Test
  void theDimensionsWhoseMeansVaryMostComeFirst() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int count = 500, latent = 4;
    double[] spread = {0.01, 2.0, 0.0, 0.7}; // dimension 2 is dead, 0 almost
    float[] mu = new float[count * latent];
    for (int i = 0; i < count; i++) {
      for (int j = 0; j < latent; j++) mu[i * latent + j] = (float) (0.3 + spread[j] * random.nextGaussian());
    }
    Encodings codes = new Encodings(mu, new float[mu.length], count, latent);
    assertArrayEquals(new int[] {1, 3, 0}, codes.mostActive(3), "seed " + seed);
    double[] variance = codes.meanVariances();
    for (int j = 0; j < latent; j++) {
      double mean = 0, square = 0;
      for (int i = 0; i < count; i++) mean += mu[i * latent + j];
      mean /= count;
      for (int i = 0; i < count; i++) square += (mu[i * latent + j] - mean) * (mu[i * latent + j] - mean);
      assertEquals(square / count, variance[j], 1e-9 * (1 + square / count), "dimension " + j + ", seed " + seed);
    }
  }
}

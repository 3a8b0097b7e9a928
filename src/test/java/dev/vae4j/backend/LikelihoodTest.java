package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Names, pixel pictures and bits per dimension of each {@link Likelihood}. */
class LikelihoodTest {
  @Test
  void namesRoundTripAndOldRunFoldersStillRead() {
    for (Likelihood l : Likelihood.values()) {
      assertEquals(l, Likelihood.parse(l.cliName()));
      assertEquals(l, Likelihood.parse(l.name().toLowerCase(java.util.Locale.ROOT))); // model files' metadata
    }
    assertEquals(Likelihood.BERNOULLI, Likelihood.parse("bernoulli"));
    assertEquals(Likelihood.GAUSSIAN, Likelihood.parse("gaussian"));
    assertEquals("continuous-bernoulli", Likelihood.CONTINUOUS_BERNOULLI.cliName());
    assertEquals("gaussian-learned", Likelihood.GAUSSIAN_LEARNED.cliName());
    assertEquals("bernoulli|continuous-bernoulli|gaussian|gaussian-learned", Likelihood.names());
    assertThrows(IllegalArgumentException.class, () -> Likelihood.parse("poisson"));
  }

  @Test
  void outputsPerValue() {
    assertEquals(1, Likelihood.BERNOULLI.outputsPerValue());
    assertEquals(1, Likelihood.CONTINUOUS_BERNOULLI.outputsPerValue());
    assertEquals(1, Likelihood.GAUSSIAN.outputsPerValue());
    assertEquals(2, Likelihood.GAUSSIAN_LEARNED.outputsPerValue());
  }

  /** The continuous Bernoulli's mean against a numerical integral of x p(x) over [0, 1]. */
  @Test
  void continuousBernoulliPictureIsTheDistributionMean() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    System.out.println("continuous-Bernoulli means, seed " + seed);
    double[] logits = {0, 1e-3, -5e-3, 0.0101, -0.5, 2, -7, 30, random.nextGaussian() * 4, random.nextGaussian() * 4};
    for (double l : logits) {
      double logLambda = -softplus(-l), logOneMinus = -softplus(l), mass = 0, moment = 0;
      int n = 1_000_000;
      for (int i = 0; i < n; i++) {
        double x = (i + 0.5) / n, p = Math.exp(x * logLambda + (1 - x) * logOneMinus);
        mass += p / n;
        moment += x * p / n;
      }
      float[] picture = Likelihood.CONTINUOUS_BERNOULLI.pixelMeans(new float[] {(float) l}, 1, 1);
      assertEquals(moment / mass, picture[0], 1e-6, "mean at logit " + l + " (seed " + seed + ")");
    }
  }

  private static double softplus(double a) {
    return Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a)));
  }

  @Test
  void picturesOfTheOtherLikelihoods() {
    assertArrayEquals(new float[] {0.5f, 1f, 0f}, Likelihood.BERNOULLI.pixelMeans(new float[] {0, 200, -200}, 1, 3));
    assertArrayEquals(new float[] {0.25f, 1f, 0f}, Likelihood.GAUSSIAN.pixelMeans(new float[] {0.25f, 3, -2}, 1, 3));
    // two rows of [means | log-variances]: the means, clamped
    float[] outputs = {0.25f, 3, 9, 9, -2, 0.5f, -9, -9};
    assertArrayEquals(new float[] {0.25f, 1f, 0f, 0.5f}, Likelihood.GAUSSIAN_LEARNED.pixelMeans(outputs, 2, 2));
    assertTrue(Likelihood.BERNOULLI.binary());
    assertTrue(!Likelihood.GAUSSIAN_LEARNED.binary());
  }

  @Test
  void bitsPerDimension() {
    assertEquals(100 / (784 * Math.log(2)), Likelihood.BERNOULLI.bitsPerDimension(100, 784), 1e-12);
    assertEquals(8 + 100 / (784 * Math.log(2)), Likelihood.GAUSSIAN.bitsPerDimension(100, 784), 1e-12);
    assertEquals(8, Likelihood.CONTINUOUS_BERNOULLI.bitsPerDimension(0, 784), 1e-12);
  }
}

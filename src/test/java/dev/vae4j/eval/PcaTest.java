package dev.vae4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PcaTest {
  private final long seed = System.nanoTime();

  @Test
  void componentsAreOrthonormalEigenvectorsOfTheCovariance() {
    SplittableRandom random = new SplittableRandom(seed);
    int n = 500, d = 6;
    double[][] mix = new double[d][d];
    for (double[] row : mix) for (int j = 0; j < d; j++) row[j] = random.nextGaussian();
    float[] data = new float[n * d];
    for (int r = 0; r < n; r++) {
      double[] g = new double[d];
      for (int j = 0; j < d; j++) g[j] = random.nextGaussian() * (j + 1);
      for (int a = 0; a < d; a++) {
        double v = 3.0 * a;
        for (int b = 0; b < d; b++) v += mix[a][b] * g[b];
        data[r * d + a] = (float) v;
      }
    }
    double[] mean = new double[d];
    for (int r = 0; r < n; r++) for (int a = 0; a < d; a++) mean[a] += data[r * d + a] / (double) n;
    double[][] cov = new double[d][d];
    for (int r = 0; r < n; r++) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) cov[a][b] += (data[r * d + a] - mean[a]) * (data[r * d + b] - mean[b]) / (n - 1);
      }
    }
    Pca pca = Pca.fit(data, n, d);
    double total = 0;
    for (int i = 0; i < d; i++) {
      double[] v = pca.components()[i];
      for (int a = 0; a < d; a++) {
        double cv = 0;
        for (int b = 0; b < d; b++) cv += cov[a][b] * v[b];
        assertEquals(pca.variances()[i] * v[a], cv, 1e-8 * pca.variances()[0], "C v = lambda v, seed " + seed);
      }
      for (int j = 0; j < d; j++) {
        double dot = 0;
        for (int a = 0; a < d; a++) dot += v[a] * pca.components()[j][a];
        assertEquals(i == j ? 1 : 0, dot, 1e-10, "orthonormal, seed " + seed);
      }
      if (i > 0) assertTrue(pca.variances()[i] <= pca.variances()[i - 1], "decreasing, seed " + seed);
      total += pca.explainedVarianceRatio(i);
      assertEquals(mean[i], pca.mean()[i], 1e-9);
    }
    assertEquals(1, total, 1e-12);
  }

  @Test
  void aLineOfPointsHasOneComponent() {
    float[] data = {0, 0, 1, 2, 2, 4, 3, 6};
    Pca pca = Pca.fit(data, 4, 2);
    assertEquals(1 / Math.sqrt(5), pca.components()[0][0], 1e-12);
    assertEquals(2 / Math.sqrt(5), pca.components()[0][1], 1e-12);
    assertEquals(1, pca.explainedVarianceRatio(0), 1e-12);
    assertEquals(-Math.sqrt(5) * 1.5, pca.project(data, 0, 0), 1e-6);
  }
}

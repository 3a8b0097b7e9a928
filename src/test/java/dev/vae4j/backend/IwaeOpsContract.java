package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The contract of {@link IwaeOps}, every op against a double-precision reference written from its
 * Javadoc, with sizes that are no multiple of a warp or vector (draw row i = r * draws + k).
 */
public interface IwaeOpsContract extends OpsContract {

  @Test
  default void repeatRowsCopiesEachRowPerDraw() {
    int rows = 7, cols = 37, draws = 3;
    float[] src = gaussian(rows * cols, 1);
    Tensor dst = poisoned(rows * draws * cols);
    backend().repeatRows(uploadMisaligned(src), dst, rows, cols, draws);
    float[] out = backend().download(dst);
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < draws; k++) {
        for (int c = 0; c < cols; c++) {
          assertEquals(src[r * cols + c], out[(r * draws + k) * cols + c], "row " + r + " draw " + k + " seed " + seed());
        }
      }
    }
  }

  @Test
  default void iwaeReparameterizeSharesEachRowsStats() {
    int rows = 9, draws = 5, latent = 7;
    float[] stats = gaussian(rows * 2 * latent, 1), eps = gaussian(rows * draws * latent, 1);
    Tensor z = poisoned(rows * draws * latent);
    backend().iwaeReparameterize(upload(stats), upload(eps), z, rows, draws, latent);
    float[] zo = backend().download(z);
    for (int i = 0; i < rows * draws; i++) {
      int r = i / draws;
      for (int j = 0; j < latent; j++) {
        double mu = stats[r * 2 * latent + j], lv = stats[r * 2 * latent + latent + j];
        assertClose(mu + Math.exp(lv / 2) * eps[i * latent + j], zo[i * latent + j], 1e-6, 1e-6, "z " + i + "," + j);
      }
    }
  }

  @Test
  default void iwaeWeightsAreTheSoftmaxOfTheLogWeights() {
    int rows = 11, draws = 6, latent = 9;
    float beta = 0.8f;
    float[] stats = gaussian(rows * 2 * latent, 1), eps = gaussian(rows * draws * latent, 1);
    float[] z = gaussian(rows * draws * latent, 1.5), recon = uniform(rows * draws);
    for (int i = 0; i < recon.length; i++) recon[i] = 80 + 40 * recon[i]; // image-sized losses: exp underflows in float
    Tensor w = poisoned(rows * draws), bound = poisoned(rows), mean = poisoned(rows);
    backend().iwaeWeights(upload(recon), upload(stats), upload(eps), upload(z), rows, draws, latent, beta, w, bound, mean);
    float[] wo = backend().download(w), bo = backend().download(bound), mo = backend().download(mean);
    for (int r = 0; r < rows; r++) {
      double[] logW = new double[draws];
      double max = Double.NEGATIVE_INFINITY, reconSum = 0;
      for (int k = 0; k < draws; k++) {
        int i = r * draws + k;
        double kl = 0;
        for (int j = 0; j < latent; j++) {
          double zv = z[i * latent + j], e = eps[i * latent + j], lv = stats[r * 2 * latent + latent + j];
          // log q - log p with their log(2 pi) terms: -lv/2 - e^2/2 + z^2/2
          kl += (-0.5 * Math.log(2 * Math.PI) - lv / 2 - e * e / 2) - (-0.5 * Math.log(2 * Math.PI) - zv * zv / 2);
        }
        logW[k] = -recon[i] - beta * kl;
        max = Math.max(max, logW[k]);
        reconSum += recon[i];
      }
      double sum = 0;
      for (double l : logW) sum += Math.exp(l - max);
      double lse = max + Math.log(sum);
      for (int k = 0; k < draws; k++) assertClose(Math.exp(logW[k] - lse), wo[r * draws + k], 1e-5, 1e-7, "weight " + r + "," + k);
      assertClose(-(lse - Math.log(draws)), bo[r], 1e-6, 1e-5, "bound " + r);
      assertClose(reconSum / draws, mo[r], 1e-6, 1e-5, "recon mean " + r);
    }
  }

  @Test
  default void scaleDrawsScalesEachDrawRow() {
    int rows = 5, draws = 4, cols = 33;
    float[] x = gaussian(rows * draws * cols, 1), w = uniform(rows * draws);
    Tensor xt = upload(x);
    backend().scaleDraws(xt, upload(w), rows, draws, cols);
    float[] out = backend().download(xt);
    for (int i = 0; i < rows * draws * cols; i++) assertClose((double) x[i] * w[i / cols], out[i], 1e-6, 1e-7, "x " + i);
  }

  @Test
  default void iwaeLatentBackwardSumsTheDraws() {
    int rows = 8, draws = 3, latent = 13;
    float scale = 0.07f;
    float[] stats = gaussian(rows * 2 * latent, 1), eps = gaussian(rows * draws * latent, 1);
    float[] z = gaussian(rows * draws * latent, 1), dz = gaussian(rows * draws * latent, 0.1), w = uniform(rows * draws);
    Tensor ds = poisoned(rows * 2 * latent);
    backend().iwaeLatentBackward(upload(dz), upload(stats), upload(eps), upload(z), upload(w), rows, draws, latent, scale, ds);
    float[] out = backend().download(ds);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < latent; j++) {
        double lv = stats[r * 2 * latent + latent + j], dmu = 0, dlv = 0;
        for (int k = 0; k < draws; k++) {
          int i = r * draws + k;
          double g = dz[i * latent + j] + (double) scale * w[i] * z[i * latent + j];
          dmu += g;
          dlv += g * eps[i * latent + j] * 0.5 * Math.exp(lv / 2) - 0.5 * scale * w[i];
        }
        assertClose(dmu, out[r * 2 * latent + j], 1e-5, 1e-6, "dmu " + r + "," + j);
        assertClose(dlv, out[r * 2 * latent + latent + j], 1e-5, 1e-6, "dlogvar " + r + "," + j);
      }
    }
  }

  @Test
  default void shapesAreChecked() {
    Tensor small = backend().allocate(10);
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> backend().repeatRows(small, small, 2, 5, 3));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> backend().scaleDraws(small, small, 2, 0, 5));
  }
}

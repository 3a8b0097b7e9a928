package dev.vae4j.eval;

import java.util.Locale;

/**
 * Latent means in two dimensions, for a scatter plot: the codes themselves when the latent space
 * is 2-D (1-D codes get y = 0), otherwise their projection on the first two principal components.
 *
 * @param x first coordinate per image
 * @param y second coordinate per image
 * @param labels per image, or null when the data has none
 * @param xAxis axis title, e.g. {@code z1} or {@code PC1 (31.2% of variance)}
 * @param yAxis axis title
 */
public record LatentProjection(double[] x, double[] y, int[] labels, String xAxis, String yAxis) {

  /** Projects {@code codes}' means; {@code labels} may be null. */
  public static LatentProjection of(Encodings codes, int[] labels) {
    int n = codes.count(), latent = codes.latent();
    double[] x = new double[n], y = new double[n];
    if (latent <= 2) {
      for (int i = 0; i < n; i++) {
        x[i] = codes.mu()[i * latent];
        y[i] = latent == 2 ? codes.mu()[i * latent + 1] : 0;
      }
      return new LatentProjection(x, y, labels, "z1", latent == 2 ? "z2" : "(1-D latent)");
    }
    Pca pca = Pca.fit(codes.mu(), n, latent);
    for (int i = 0; i < n; i++) {
      x[i] = pca.project(codes.mu(), i, 0);
      y[i] = pca.project(codes.mu(), i, 1);
    }
    return new LatentProjection(x, y, labels, axis(pca, 0), axis(pca, 1));
  }

  private static String axis(Pca pca, int i) {
    return String.format(Locale.ROOT, "PC%d (%.1f%% of variance)", i + 1, 100 * pca.explainedVarianceRatio(i));
  }

  public int count() {
    return x.length;
  }
}

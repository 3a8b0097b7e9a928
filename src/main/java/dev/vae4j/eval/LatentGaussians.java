package dev.vae4j.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Gaussians fitted to training codes (the encoder's means), one per class where the codes are
 * labelled, else one; the score of a code is its Mahalanobis distance {@code sqrt((z - m)^T S^-1
 * (z - m))} to the nearest of them (Lee et al., NeurIPS 2018, use class-conditional Gaussians so;
 * in a VAE's latent space the ELBO's "ink" bias does not apply). Mean and maximum-likelihood
 * covariance in double, plus a ridge of 1e-6 times the mean variance (and 1e-12) on the diagonal,
 * so that a class with fewer codes than dimensions, or a collapsed dimension, still inverts.
 */
public final class LatentGaussians {
  private final int latent;
  private final List<double[]> means = new ArrayList<>();
  /** Lower Cholesky factors of the covariances, row-major. */
  private final List<double[]> factors = new ArrayList<>();

  private LatentGaussians(int latent) {
    this.latent = latent;
  }

  /** Fits the Gaussians to {@code codes}; {@code labels} (one per code) may be null. */
  public static LatentGaussians fit(Encodings codes, int[] labels) {
    if (codes.count() == 0) throw new IllegalArgumentException("no training codes to fit a Gaussian to");
    if (labels != null && labels.length != codes.count()) {
      throw new IllegalArgumentException(labels.length + " labels for " + codes.count() + " codes");
    }
    TreeMap<Integer, List<Integer>> groups = new TreeMap<>();
    for (int i = 0; i < codes.count(); i++) groups.computeIfAbsent(labels == null ? 0 : labels[i], c -> new ArrayList<>()).add(i);
    LatentGaussians g = new LatentGaussians(codes.latent());
    for (List<Integer> members : groups.values()) g.add(codes, members);
    return g;
  }

  private void add(Encodings codes, List<Integer> members) {
    int d = latent, n = members.size();
    float[] mu = codes.mu();
    double[] mean = new double[d], cov = new double[d * d];
    for (int i : members) for (int j = 0; j < d; j++) mean[j] += mu[i * d + j];
    for (int j = 0; j < d; j++) mean[j] /= n;
    double[] x = new double[d];
    for (int i : members) {
      for (int j = 0; j < d; j++) x[j] = mu[i * d + j] - mean[j];
      for (int a = 0; a < d; a++) for (int b = 0; b <= a; b++) cov[a * d + b] += x[a] * x[b];
    }
    double trace = 0;
    for (int a = 0; a < d; a++) {
      for (int b = 0; b <= a; b++) cov[a * d + b] /= n;
      trace += cov[a * d + a];
    }
    double ridge = 1e-6 * trace / d + 1e-12;
    for (int a = 0; a < d; a++) cov[a * d + a] += ridge;
    means.add(mean);
    factors.add(cholesky(cov, d));
  }

  /** The lower triangle L with L L^T = the lower triangle of {@code a} (symmetric positive definite). */
  static double[] cholesky(double[] a, int d) {
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * d + j];
        for (int k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
        if (i == j) {
          if (!(s > 0)) throw new IllegalStateException("the latent covariance is not positive definite");
          l[i * d + i] = Math.sqrt(s);
        } else {
          l[i * d + j] = s / l[j * d + j];
        }
      }
    }
    return l;
  }

  /** Number of Gaussians (classes). */
  public int size() {
    return means.size();
  }

  /** The smallest Mahalanobis distance of each code of {@code codes} to the Gaussians. */
  public double[] distances(Encodings codes) {
    if (codes.latent() != latent) throw new IllegalArgumentException(codes.latent() + "-dim codes for " + latent + "-dim Gaussians");
    double[] out = new double[codes.count()];
    java.util.stream.IntStream.range(0, out.length).parallel().forEach(i -> {
      double[] y = new double[latent];
      double best = Double.POSITIVE_INFINITY;
      for (int g = 0; g < means.size(); g++) {
        double[] m = means.get(g), l = factors.get(g);
        double sq = 0;
        for (int a = 0; a < latent; a++) { // forward substitution: L y = z - m
          double s = codes.mu()[i * latent + a] - m[a];
          for (int k = 0; k < a; k++) s -= l[a * latent + k] * y[k];
          y[a] = s / l[a * latent + a];
          sq += y[a] * y[a];
        }
        best = Math.min(best, sq);
      }
      out[i] = Math.sqrt(best);
    });
    return out;
  }
}

package dev.vae4j.eval;

/**
 * Principal component analysis of row vectors, in double precision: the data are centred, their
 * covariance matrix {@code C = X^T X / (n - 1)} is diagonalized with the cyclic Jacobi method
 * (exact to rounding for the few dozen dimensions of a latent space), and the components are
 * ordered by decreasing variance. Each component's sign is fixed so that its largest-magnitude
 * entry is positive, which makes projections reproducible.
 *
 * @param mean the column means, {@code [dims]}
 * @param components unit principal axes, {@code components[i]} the i-th, {@code [dims][dims]}
 * @param variances the variance along each axis, decreasing
 */
public record Pca(double[] mean, double[][] components, double[] variances) {
  private static final int MAX_SWEEPS = 100;

  /** Fits the PCA of {@code count} rows of {@code dims} values in {@code data} (row-major). */
  public static Pca fit(float[] data, int count, int dims) {
    if (count < 2) throw new IllegalArgumentException("PCA needs at least 2 points, got " + count);
    if ((long) count * dims != data.length) throw new IllegalArgumentException("PCA data is not " + count + " x " + dims);
    double[] mean = new double[dims];
    for (int r = 0; r < count; r++) {
      for (int j = 0; j < dims; j++) mean[j] += data[r * dims + j];
    }
    for (int j = 0; j < dims; j++) mean[j] /= count;
    double[][] cov = new double[dims][dims];
    double[] centred = new double[dims];
    for (int r = 0; r < count; r++) {
      for (int j = 0; j < dims; j++) centred[j] = data[r * dims + j] - mean[j];
      for (int a = 0; a < dims; a++) {
        for (int b = a; b < dims; b++) cov[a][b] += centred[a] * centred[b];
      }
    }
    for (int a = 0; a < dims; a++) {
      for (int b = a; b < dims; b++) {
        cov[a][b] /= count - 1;
        cov[b][a] = cov[a][b];
      }
    }
    return fromCovariance(mean, cov);
  }

  private static Pca fromCovariance(double[] mean, double[][] a) {
    int n = mean.length;
    double[][] v = new double[n][n];
    for (int i = 0; i < n; i++) v[i][i] = 1;
    for (int sweep = 0; sweep < MAX_SWEEPS && offDiagonal(a) > 1e-30 * (1 + trace(a) * trace(a)); sweep++) {
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (a[p][q] == 0) continue;
          // The rotation that zeroes a[p][q] (Golub & Van Loan, Algorithm 8.4.1).
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (int k = 0; k < n; k++) { // A = A J
            double akp = a[k][p], akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < n; k++) { // A = J^T A
            double apk = a[p][k], aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < n; k++) { // V = V J
            double vkp = v[k][p], vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    java.util.Arrays.sort(order, (x, y) -> Double.compare(a[y][y], a[x][x]));
    double[][] components = new double[n][n];
    double[] variances = new double[n];
    for (int i = 0; i < n; i++) {
      int col = order[i];
      variances[i] = Math.max(0, a[col][col]);
      int largest = 0;
      for (int k = 0; k < n; k++) {
        components[i][k] = v[k][col];
        if (Math.abs(v[k][col]) > Math.abs(v[largest][col])) largest = k;
      }
      if (v[largest][col] < 0) {
        for (int k = 0; k < n; k++) components[i][k] = -components[i][k];
      }
    }
    return new Pca(mean, components, variances);
  }

  private static double offDiagonal(double[][] a) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a.length; j++) if (i != j) s += a[i][j] * a[i][j];
    }
    return s;
  }

  private static double trace(double[][] a) {
    double t = 0;
    for (int i = 0; i < a.length; i++) t += Math.abs(a[i][i]);
    return t;
  }

  /** Dimensions of the data. */
  public int dims() {
    return mean.length;
  }

  /** The fraction of the total variance along component {@code i}. */
  public double explainedVarianceRatio(int i) {
    double total = 0;
    for (double v : variances) total += v;
    return total == 0 ? 0 : variances[i] / total;
  }

  /** The coordinates of row {@code r} of {@code data} along component {@code component}. */
  public double project(float[] data, int r, int component) {
    double[] axis = components[component];
    double sum = 0;
    for (int j = 0; j < mean.length; j++) sum += (data[r * mean.length + j] - mean[j]) * axis[j];
    return sum;
  }
}

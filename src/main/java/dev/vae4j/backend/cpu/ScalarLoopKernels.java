package dev.vae4j.backend.cpu;

/**
 * Plain Java loops: the reference and the fallback when the Vector API is not enabled. Adam
 * indexes its four arrays alike when their offsets agree (whole buffers), so HotSpot can
 * vectorize it; transcendentals are computed in double.
 */
final class ScalarLoopKernels implements LoopKernels {

  @Override
  public void biasRelu(float[] x, int xo, float[] b, int bo, int fromRow, int toRow, int cols, boolean relu) {
    for (int r = fromRow; r < toRow; r++) {
      int base = xo + r * cols;
      for (int c = 0; c < cols; c++) {
        float v = x[base + c] + (b == null ? 0f : b[bo + c]);
        x[base + c] = relu ? Math.max(v, 0f) : v;
      }
    }
  }

  @Override
  public void reluBackward(float[] g, int go, float[] y, int yo, int from, int to) {
    for (int i = from; i < to; i++) {
      if (y[yo + i] <= 0f) g[go + i] = 0f;
    }
  }

  @Override
  public void columnSums(float[] m, int mo, int rows, int cols, int fromCol, int toCol, float[] out, int oo) {
    for (int c = fromCol; c < toCol; c++) out[oo + c] = 0f;
    for (int r = 0; r < rows; r++) {
      int base = mo + r * cols;
      for (int c = fromCol; c < toCol; c++) out[oo + c] += m[base + c];
    }
  }

  @Override
  public float bernoulliRow(float[] l, int lo, float[] x, int xo, float[] d, int dOffset, int n, float scale) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float li = l[lo + i], xi = x[xo + i];
      double e = Math.exp(-Math.abs(li)); // in (0, 1], so log(1 + e) in double is exact to 1e-16
      sum += Math.max(li, 0f) - (double) li * xi + Math.log(1.0 + e);
      if (d != null) {
        double inv = 1.0 / (1.0 + e);
        d[dOffset + i] = (float) (scale * ((li >= 0f ? inv : e * inv) - xi));
      }
    }
    return (float) sum;
  }

  @Override
  public void reparameterize(float[] stats, int so, float[] eps, int eo, float[] z, int zo, int fromRow, int toRow,
      int latent) {
    for (int r = fromRow; r < toRow; r++) reparameterizeRow(stats, so, eps, eo, z, zo, r, 0, latent);
  }

  /** {@link #reparameterize} of row r, columns [fromCol, latent). */
  static void reparameterizeRow(float[] stats, int so, float[] eps, int eo, float[] z, int zo, int r, int fromCol,
      int latent) {
    int mu = so + r * 2 * latent, lv = mu + latent, e = eo + r * latent, zr = zo + r * latent;
    for (int j = fromCol; j < latent; j++) z[zr + j] = stats[mu + j] + sigma(stats[lv + j]) * eps[e + j];
  }

  @Override
  public void reparameterizeBackward(float[] dz, int dzo, float[] stats, int so, float[] eps, int eo, float[] dstats,
      int dso, int fromRow, int toRow, int latent) {
    for (int r = fromRow; r < toRow; r++) reparameterizeBackwardRow(dz, dzo, stats, so, eps, eo, dstats, dso, r, 0, latent);
  }

  /** {@link #reparameterizeBackward} of row r, columns [fromCol, latent). */
  static void reparameterizeBackwardRow(float[] dz, int dzo, float[] stats, int so, float[] eps, int eo, float[] dstats,
      int dso, int r, int fromCol, int latent) {
    int lv = so + r * 2 * latent + latent, dmu = dso + r * 2 * latent, dlv = dmu + latent;
    int e = eo + r * latent, g = dzo + r * latent;
    for (int j = fromCol; j < latent; j++) {
      float grad = dz[g + j];
      dstats[dmu + j] += grad;
      dstats[dlv + j] += grad * eps[e + j] * 0.5f * sigma(stats[lv + j]);
    }
  }

  /** exp(logvar / 2), the standard deviation, computed in double. */
  private static float sigma(float logvar) {
    return (float) Math.exp(0.5 * logvar);
  }

  @Override
  public void sigmoid(float[] a, int from, int to) {
    for (int i = from; i < to; i++) a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
  }

  /**
   * Also the Vector API kernels' Adam ({@link VectorLoopKernels#adam} says why). When the arrays
   * share one offset (every use in training) C2 vectorizes the loop; with differing offsets it
   * does not (10x slower; only tests use slices like that).
   */
  @Override
  public void adam(float[] p, int po, float[] g, int go, float[] g2, int g2o, float[] m, int mo, float[] v, int vo,
      int from, int to, AdamStep k) {
    boolean aligned = po == go && po == mo && po == vo && (g2 == null || g2o == po);
    if (aligned && g2 == null) adamAligned(p, g, m, v, po + from, po + to, k);
    else if (aligned) adamAlignedOfSum(p, g, g2, m, v, po + from, po + to, k);
    else adamAnyOffsets(p, po, g, go, g2, g2o, m, mo, v, vo, from, to, k);
  }

  /** All arrays indexed by the same i: C2 vectorizes this loop. */
  private static void adamAligned(float[] p, float[] g, float[] m, float[] v, int from, int to, AdamStep k) {
    float b1 = k.beta1(), b2 = k.beta2(), c1 = k.oneMinusBeta1(), c2 = k.oneMinusBeta2();
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    float l2 = k.l2(), decay = k.decayFactor();
    for (int i = from; i < to; i++) {
      float pi = p[i];
      float gi = g[i] + pi * l2;
      float mi = m[i] * b1 + gi * c1;
      float vi = v[i] * b2 + gi * gi * c2;
      m[i] = mi;
      v[i] = vi;
      p[i] = pi * decay - mi * stepSize / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }

  /** {@link #adamAligned} with the gradient g + g2 (two batch parts' gradients). */
  private static void adamAlignedOfSum(float[] p, float[] g, float[] g2, float[] m, float[] v, int from, int to,
      AdamStep k) {
    float b1 = k.beta1(), b2 = k.beta2(), c1 = k.oneMinusBeta1(), c2 = k.oneMinusBeta2();
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    float l2 = k.l2(), decay = k.decayFactor();
    for (int i = from; i < to; i++) {
      float pi = p[i];
      float gi = g[i] + g2[i] + pi * l2;
      float mi = m[i] * b1 + gi * c1;
      float vi = v[i] * b2 + gi * gi * c2;
      m[i] = mi;
      v[i] = vi;
      p[i] = pi * decay - mi * stepSize / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }

  @Override
  public void adamFromMirrors(float[] p, float[] m, float[] v, java.nio.ByteBuffer g, java.nio.ByteBuffer g2, int from,
      int to, AdamStep k) {
    float b1 = k.beta1(), b2 = k.beta2(), c1 = k.oneMinusBeta1(), c2 = k.oneMinusBeta2();
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    float l2 = k.l2(), decay = k.decayFactor();
    for (int i = from; i < to; i++) {
      float pi = p[i];
      float gi = (g2 == null ? g.getFloat(4 * i) : g.getFloat(4 * i) + g2.getFloat(4 * i)) + pi * l2;
      float mi = m[i] * b1 + gi * c1;
      float vi = v[i] * b2 + gi * gi * c2;
      m[i] = mi;
      v[i] = vi;
      p[i] = pi * decay - mi * stepSize / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }

  private static void adamAnyOffsets(float[] p, int po, float[] g, int go, float[] g2, int g2o, float[] m, int mo,
      float[] v, int vo, int from, int to, AdamStep k) {
    float b1 = k.beta1(), b2 = k.beta2(), c1 = k.oneMinusBeta1(), c2 = k.oneMinusBeta2();
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    float l2 = k.l2(), decay = k.decayFactor();
    for (int i = from; i < to; i++) {
      float pi = p[po + i];
      float gi = (g2 == null ? g[go + i] : g[go + i] + g2[g2o + i]) + pi * l2;
      float mi = m[mo + i] * b1 + gi * c1;
      float vi = v[vo + i] * b2 + gi * gi * c2;
      m[mo + i] = mi;
      v[vo + i] = vi;
      p[po + i] = pi * decay - mi * stepSize / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }

  @Override
  public String describe() {
    return "scalar loops";
  }
}

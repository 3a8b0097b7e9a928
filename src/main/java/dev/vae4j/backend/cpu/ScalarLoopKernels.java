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
  public void sigmoid(float[] a, int from, int to) {
    for (int i = from; i < to; i++) a[i] = (float) (1.0 / (1.0 + Math.exp(-a[i])));
  }

  @Override
  public void adam(float[] p, int po, float[] g, int go, float[] g2, int g2o, float[] m, int mo, float[] v, int vo,
      int from, int to, AdamStep k) {
    if (po == go && po == mo && po == vo && (g2 == null || g2o == po)) {
      if (g2 == null) adamAligned(p, g, m, v, po + from, po + to, k);
      else adamAligned(p, g, g2, m, v, po + from, po + to, k);
      return;
    }
    for (int i = from; i < to; i++) {
      float gradient = g2 == null ? g[go + i] : g[go + i] + g2[g2o + i];
      float[] out = update(p[po + i], gradient, m[mo + i], v[vo + i], k);
      p[po + i] = out[0];
      m[mo + i] = out[1];
      v[vo + i] = out[2];
    }
  }

  /** As the other {@code adamAligned} with the gradient g[i] + g2[i] (batch parts summed). */
  private static void adamAligned(float[] p, float[] g, float[] g2, float[] m, float[] v, int from, int to, AdamStep k) {
    float b1 = k.beta1(), b2 = k.beta2(), c1 = k.oneMinusBeta1(), c2 = k.oneMinusBeta2();
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    float l2 = k.l2(), decay = k.decayFactor();
    for (int i = from; i < to; i++) {
      float pi = p[i];
      float gi = (g[i] + g2[i]) + l2 * pi;
      float mi = b1 * m[i] + c1 * gi;
      float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = pi * decay - stepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }

  /** All four arrays indexed by the same i: HotSpot vectorizes this loop. */
  private static void adamAligned(float[] p, float[] g, float[] m, float[] v, int from, int to, AdamStep k) {
    float b1 = k.beta1(), b2 = k.beta2(), c1 = k.oneMinusBeta1(), c2 = k.oneMinusBeta2();
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    float l2 = k.l2(), decay = k.decayFactor();
    for (int i = from; i < to; i++) {
      float pi = p[i];
      float gi = g[i] + l2 * pi;
      float mi = b1 * m[i] + c1 * gi;
      float vi = b2 * v[i] + c2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] = pi * decay - stepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
    }
  }

  private static float[] update(float p, float g, float m, float v, AdamStep k) {
    float gi = g + k.l2() * p;
    float mi = k.beta1() * m + k.oneMinusBeta1() * gi;
    float vi = k.beta2() * v + k.oneMinusBeta2() * gi * gi;
    float pi = p * k.decayFactor() - k.stepSize() * mi / ((float) Math.sqrt(vi) / k.biasCorrection2Sqrt() + k.eps());
    return new float[] {pi, mi, vi};
  }

  @Override
  public String describe() {
    return "scalar loops";
  }
}

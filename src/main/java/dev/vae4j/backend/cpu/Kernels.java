package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.AdamParams;
import java.nio.FloatBuffer;

/**
 * The CPU backend's loops, one per fused op, each over a sub-range so {@link ParallelRanges} can
 * split it. Written as plain counted loops over absolute buffer indices so the JIT can unroll them.
 * The contracts are those of the matching {@link dev.vae4j.backend.Backend} methods.
 */
final class Kernels {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

  private Kernels() {}

  static void biasActivation(FloatBuffer x, FloatBuffer bias, int fromRow, int toRow, int cols, Activation act) {
    for (int r = fromRow; r < toRow; r++) {
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        float v = x.get(base + c) + (bias == null ? 0f : bias.get(c));
        x.put(base + c, switch (act) {
          case IDENTITY -> v;
          case RELU -> Math.max(v, 0f);
          case SIGMOID -> (float) (1.0 / (1.0 + Math.exp(-v)));
        });
      }
    }
  }

  /** grad[i] = 0 where output[i] <= 0. */
  static void reluBackward(FloatBuffer grad, FloatBuffer output, int from, int to) {
    for (int i = from; i < to; i++) {
      if (output.get(i) <= 0f) grad.put(i, 0f);
    }
  }

  /** out[c] = sum over all rows of m[r, c], for columns [fromCol, toCol). */
  static void columnSums(FloatBuffer m, int rows, int cols, int fromCol, int toCol, FloatBuffer out) {
    for (int c = fromCol; c < toCol; c++) out.put(c, 0f);
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int c = fromCol; c < toCol; c++) out.put(c, out.get(c) + m.get(base + c));
    }
  }

  /**
   * Bernoulli negative log-likelihood of one row from logits, in the stable form max(l,0) - l*x +
   * log1p(exp(-|l|)), with d/dl = sigmoid(l) - x scaled into {@code dl} (which may alias {@code l}).
   * exp(-|l|) lies in (0, 1], so log(1 + e) in double precision is accurate to 1e-16 absolute.
   */
  static float bernoulliRow(FloatBuffer l, FloatBuffer x, FloatBuffer dl, int offset, int n, float scale) {
    double sum = 0;
    for (int i = offset; i < offset + n; i++) {
      float li = l.get(i), xi = x.get(i);
      double e = Math.exp(-Math.abs(li));
      double inv = 1.0 / (1.0 + e);
      sum += Math.max(li, 0f) - (double) li * xi + Math.log(1.0 + e);
      if (dl != null) {
        double sigmoid = li >= 0f ? inv : e * inv;
        dl.put(i, (float) (scale * (sigmoid - xi)));
      }
    }
    return (float) sum;
  }

  /** Unit-variance Gaussian negative log-likelihood of one row, d/dl = l - x scaled into dl. */
  static float gaussianRow(FloatBuffer l, FloatBuffer x, FloatBuffer dl, int offset, int n, float scale) {
    double sum = 0;
    for (int i = offset; i < offset + n; i++) {
      float diff = l.get(i) - x.get(i);
      sum += 0.5 * diff * diff + HALF_LOG_TWO_PI;
      if (dl != null) dl.put(i, scale * diff);
    }
    return (float) sum;
  }

  /** The per-step constants of an Adam update, computed once per call rather than per element. */
  record AdamStep(float stepSize, float biasCorrection2Sqrt, float beta1, float oneMinusBeta1,
      float beta2, float oneMinusBeta2, float eps, float weightDecay, boolean decoupled, float decayFactor) {
    static AdamStep of(AdamParams h, long step) {
      double bc1 = 1 - Math.pow(h.beta1(), step);
      double bc2 = 1 - Math.pow(h.beta2(), step);
      return new AdamStep(
          (float) (h.learningRate() / bc1),
          (float) Math.sqrt(bc2),
          (float) h.beta1(), (float) (1 - h.beta1()),
          (float) h.beta2(), (float) (1 - h.beta2()),
          (float) h.epsilon(), (float) h.weightDecay(), h.decoupled(),
          (float) (1 - h.learningRate() * h.weightDecay()));
    }
  }

  /** PyTorch's Adam/AdamW arithmetic, element by element over [from, to). */
  static void adam(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, int from, int to, AdamStep k) {
    float b1 = k.beta1(), b2 = k.beta2(), oneMinusB1 = k.oneMinusBeta1(), oneMinusB2 = k.oneMinusBeta2();
    float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
    boolean l2 = !k.decoupled() && k.weightDecay() != 0f;
    boolean decay = k.decoupled() && k.weightDecay() != 0f;
    float wd = k.weightDecay(), decayFactor = k.decayFactor();
    for (int i = from; i < to; i++) {
      float pi = p.get(i);
      float gi = l2 ? g.get(i) + wd * pi : g.get(i);
      if (decay) pi *= decayFactor;
      float mi = b1 * m.get(i) + oneMinusB1 * gi;
      float vi = b2 * v.get(i) + oneMinusB2 * gi * gi;
      m.put(i, mi);
      v.put(i, vi);
      p.put(i, pi - stepSize * mi / ((float) Math.sqrt(vi) / bc2Sqrt + eps));
    }
  }
}

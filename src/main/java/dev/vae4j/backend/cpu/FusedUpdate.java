package dev.vae4j.backend.cpu;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.RmspropParams;
import dev.vae4j.backend.SgdParams;

/**
 * One call's update rule of {@link dev.vae4j.backend.OptimizerOps#update} other than plain Adam
 * (which keeps {@link LoopKernels#adam}): its constants rounded to float once per call, and its
 * loop over elements [from, to) of arrays that share one index (the training case, which C2
 * vectorizes; {@link CpuOptimizer} copies slices of differing offsets first). The gradient is
 * {@code g[i]}, or {@code g[i] + g2[i]} (two batch parts) when {@code g2} is not null; then {@code
 * + l1 * signum(p)} (a no-op at l1 = 0 and for p = 0, as PyTorch's sign(0) = 0) and the rule's
 * weight decay. The CUDA twin is {@code native/optim.cu}.
 */
sealed interface FusedUpdate {

  void apply(float[] p, float[] g, float[] g2, float[] m, float[] v, int from, int to);

  static FusedUpdate of(OptimizerParams hyper, double l1, long step) {
    float l1f = (float) l1;
    if (hyper instanceof AdamParams a) return new Adam(AdamStep.of(a, step), l1f);
    if (hyper instanceof SgdParams s) {
      return new Sgd((float) s.learningRate(), (float) s.momentum(), step == 1, (float) s.weightDecay(), l1f);
    }
    RmspropParams r = (RmspropParams) hyper; // the sealed interface's last kind
    return new Rmsprop((float) r.learningRate(), (float) r.alpha(), (float) (1 - r.alpha()), (float) r.epsilon(),
        (float) r.weightDecay(), l1f);
  }

  /**
   * SGD: {@code b = g} at the first step (PyTorch's clone of the first gradient), else {@code b =
   * momentum * b + g}; {@code p -= lr * b}. Without momentum no buffer: {@code p -= lr * g}.
   */
  record Sgd(float lr, float momentum, boolean first, float weightDecay, float l1) implements FusedUpdate {
    @Override
    public void apply(float[] p, float[] g, float[] g2, float[] b, float[] unused, int from, int to) {
      float lr = this.lr, mu = momentum, wd = weightDecay, l1 = this.l1;
      if (momentum == 0) {
        for (int i = from; i < to; i++) {
          float pi = p[i];
          float gi = (g2 == null ? g[i] : g[i] + g2[i]) + Math.signum(pi) * l1 + pi * wd;
          p[i] = pi - lr * gi;
        }
      } else if (first) {
        for (int i = from; i < to; i++) {
          float pi = p[i];
          float gi = (g2 == null ? g[i] : g[i] + g2[i]) + Math.signum(pi) * l1 + pi * wd;
          b[i] = gi;
          p[i] = pi - lr * gi;
        }
      } else {
        for (int i = from; i < to; i++) {
          float pi = p[i];
          float gi = (g2 == null ? g[i] : g[i] + g2[i]) + Math.signum(pi) * l1 + pi * wd;
          float bi = b[i] * mu + gi;
          b[i] = bi;
          p[i] = pi - lr * bi;
        }
      }
    }
  }

  /** RMSprop: {@code s = alpha * s + (1 - alpha) * g^2; p -= lr * (g / (sqrt(s) + eps))}. */
  record Rmsprop(float lr, float alpha, float oneMinusAlpha, float eps, float weightDecay, float l1)
      implements FusedUpdate {
    @Override
    public void apply(float[] p, float[] g, float[] g2, float[] unused, float[] s, int from, int to) {
      float lr = this.lr, a = alpha, c = oneMinusAlpha, eps = this.eps, wd = weightDecay, l1 = this.l1;
      for (int i = from; i < to; i++) {
        float pi = p[i];
        float gi = (g2 == null ? g[i] : g[i] + g2[i]) + Math.signum(pi) * l1 + pi * wd;
        float si = s[i] * a + gi * gi * c;
        s[i] = si;
        p[i] = pi - lr * (gi / ((float) Math.sqrt(si) + eps));
      }
    }
  }

  /** Adam/AdamW with an L1 term: {@link ScalarLoopKernels#adam}'s arithmetic on {@code g + l1 * signum(p)}. */
  record Adam(AdamStep k, float l1) implements FusedUpdate {
    @Override
    public void apply(float[] p, float[] g, float[] g2, float[] m, float[] v, int from, int to) {
      float b1 = k.beta1(), b2 = k.beta2(), c1 = k.oneMinusBeta1(), c2 = k.oneMinusBeta2();
      float stepSize = k.stepSize(), bc2Sqrt = k.biasCorrection2Sqrt(), eps = k.eps();
      float l2 = k.l2(), decay = k.decayFactor(), l1 = this.l1;
      for (int i = from; i < to; i++) {
        float pi = p[i];
        float gi = (g2 == null ? g[i] : g[i] + g2[i]) + Math.signum(pi) * l1 + pi * l2;
        float mi = m[i] * b1 + gi * c1;
        float vi = v[i] * b2 + gi * gi * c2;
        m[i] = mi;
        v[i] = vi;
        p[i] = pi * decay - mi * stepSize / ((float) Math.sqrt(vi) / bc2Sqrt + eps);
      }
    }
  }
}

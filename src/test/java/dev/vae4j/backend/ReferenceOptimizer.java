package dev.vae4j.backend;

/**
 * {@link OptimizerOps#update} in double, written from its Javadoc and PyTorch 1.13's {@code
 * _single_tensor_sgd}, {@code _single_tensor_rmsprop} and {@code _single_tensor_adam(w)}: one step
 * over {@code p, m, v} in place, with gradient {@code g} (one tensor: the caller sums parts first).
 */
final class ReferenceOptimizer {
  private ReferenceOptimizer() {}

  static void step(OptimizerParams hyper, double l1, long step, double[] p, double[] g, double[] m, double[] v) {
    for (int i = 0; i < p.length; i++) {
      double gi = g[i] + l1 * Math.signum(p[i]);
      if (hyper instanceof SgdParams s) {
        gi += s.weightDecay() * p[i];
        if (s.momentum() != 0) {
          m[i] = step == 1 ? gi : s.momentum() * m[i] + gi;
          gi = m[i];
        }
        p[i] -= s.learningRate() * gi;
      } else if (hyper instanceof RmspropParams r) {
        gi += r.weightDecay() * p[i];
        v[i] = r.alpha() * v[i] + (1 - r.alpha()) * gi * gi;
        p[i] -= r.learningRate() * gi / (Math.sqrt(v[i]) + r.epsilon());
      } else {
        AdamParams a = (AdamParams) hyper;
        if (a.decoupled()) p[i] *= 1 - a.learningRate() * a.weightDecay();
        else gi += a.weightDecay() * p[i];
        m[i] = a.beta1() * m[i] + (1 - a.beta1()) * gi;
        v[i] = a.beta2() * v[i] + (1 - a.beta2()) * gi * gi;
        double mhat = m[i] / (1 - Math.pow(a.beta1(), step)), vhat = v[i] / (1 - Math.pow(a.beta2(), step));
        p[i] -= a.learningRate() * mhat / (Math.sqrt(vhat) + a.epsilon());
      }
    }
  }

  static double[] widen(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }
}

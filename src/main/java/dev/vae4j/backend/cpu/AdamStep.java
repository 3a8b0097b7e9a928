package dev.vae4j.backend.cpu;

import dev.vae4j.backend.AdamParams;

/**
 * The per-step constants of one Adam/AdamW update in float, computed once per call in double (as
 * PyTorch does) rather than per element. Without weight decay {@code l2 = 0} and {@code
 * decayFactor = 1}, which make those terms exact no-ops, so one branch-free loop serves all cases:
 * {@code g += l2 * p; p *= decayFactor; m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= stepSize * m / (sqrt(v) / bc2Sqrt + eps)}.
 */
record AdamStep(float stepSize, float biasCorrection2Sqrt, float beta1, float oneMinusBeta1,
    float beta2, float oneMinusBeta2, float eps, float l2, float decayFactor) {

  static AdamStep of(AdamParams h, long step) {
    double bc1 = 1 - Math.pow(h.beta1(), step);
    double bc2 = 1 - Math.pow(h.beta2(), step);
    return new AdamStep(
        (float) (h.learningRate() / bc1),
        (float) Math.sqrt(bc2),
        (float) h.beta1(), (float) (1 - h.beta1()),
        (float) h.beta2(), (float) (1 - h.beta2()),
        (float) h.epsilon(),
        h.decoupled() ? 0f : (float) h.weightDecay(),
        h.decoupled() ? (float) (1 - h.learningRate() * h.weightDecay()) : 1f);
  }
}

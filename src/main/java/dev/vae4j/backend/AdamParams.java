package dev.vae4j.backend;

/**
 * Hyper-parameters of one Adam/AdamW update.
 *
 * @param learningRate step size
 * @param beta1 decay of the first moment
 * @param beta2 decay of the second moment
 * @param epsilon added to sqrt(v-hat)
 * @param weightDecay decay coefficient; 0 disables it
 * @param decoupled true for AdamW (p -= lr*wd*p before the Adam step), false for classic Adam's
 *     L2 term (g += wd*p), as in PyTorch's {@code Adam(weight_decay=...)}
 */
public record AdamParams(
    float learningRate,
    float beta1,
    float beta2,
    float epsilon,
    float weightDecay,
    boolean decoupled) {

  /** PyTorch's defaults with the given learning rate. */
  public static AdamParams pytorchDefaults(float learningRate) {
    return new AdamParams(learningRate, 0.9f, 0.999f, 1e-8f, 0f, false);
  }

  public AdamParams withLearningRate(float lr) {
    return new AdamParams(lr, beta1, beta2, epsilon, weightDecay, decoupled);
  }
}

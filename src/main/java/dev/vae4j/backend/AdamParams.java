package dev.vae4j.backend;

/**
 * Hyper-parameters of one Adam/AdamW update. Doubles, as in PyTorch, because derived constants
 * such as {@code 1 - beta2} lose five digits when computed from a float {@code 0.999f}.
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
    double learningRate,
    double beta1,
    double beta2,
    double epsilon,
    double weightDecay,
    boolean decoupled) implements OptimizerParams {

  /** PyTorch's defaults with the given learning rate. */
  public static AdamParams pytorchDefaults(double learningRate) {
    return new AdamParams(learningRate, 0.9, 0.999, 1e-8, 0, false);
  }

  @Override
  public AdamParams withLearningRate(double lr) {
    return new AdamParams(lr, beta1, beta2, epsilon, weightDecay, decoupled);
  }
}

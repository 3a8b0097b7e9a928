package dev.vae4j.backend;

/**
 * PyTorch's {@code torch.optim.RMSprop(lr, alpha, eps, weight_decay)}, neither centered nor with
 * momentum: {@code g += wd * p; s = alpha * s + (1 - alpha) * g^2; p -= lr * g / (sqrt(s) + eps)},
 * the square average {@code s} starting at zero.
 *
 * @param learningRate step size
 * @param alpha decay of the square average
 * @param epsilon added to sqrt(s)
 * @param weightDecay the L2 coefficient added to the gradient (0: none)
 */
public record RmspropParams(double learningRate, double alpha, double epsilon, double weightDecay)
    implements OptimizerParams {

  /** PyTorch's defaults (alpha 0.99, eps 1e-8) with the given step size and weight decay. */
  public static RmspropParams pytorchDefaults(double learningRate, double weightDecay) {
    return new RmspropParams(learningRate, 0.99, 1e-8, weightDecay);
  }

  @Override
  public RmspropParams withLearningRate(double lr) {
    return new RmspropParams(lr, alpha, epsilon, weightDecay);
  }
}

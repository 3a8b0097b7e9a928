package dev.vae4j.backend;

/**
 * PyTorch's {@code torch.optim.SGD(lr, momentum, weight_decay)}, without dampening or Nesterov:
 * {@code g += wd * p}; with momentum, {@code b = g} at the first step and {@code b = momentum * b +
 * g} after it, then {@code p -= lr * b}; without momentum {@code p -= lr * g} (no buffer).
 *
 * @param learningRate step size
 * @param momentum the momentum factor, in [0, 1); 0 for plain SGD
 * @param weightDecay the L2 coefficient added to the gradient (0: none)
 */
public record SgdParams(double learningRate, double momentum, double weightDecay) implements OptimizerParams {

  public SgdParams {
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("SGD momentum must be in [0, 1), got " + momentum);
  }

  @Override
  public SgdParams withLearningRate(double lr) {
    return new SgdParams(lr, momentum, weightDecay);
  }
}

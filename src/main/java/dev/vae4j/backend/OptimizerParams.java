package dev.vae4j.backend;

/**
 * The hyper-parameters of one update rule of {@link OptimizerOps#update}: Adam/AdamW ({@link
 * AdamParams}), SGD with momentum ({@link SgdParams}) or RMSprop ({@link RmspropParams}), each as
 * PyTorch 1.13's optimizer of that name. Doubles, as in PyTorch; backends round them once per call.
 */
public sealed interface OptimizerParams permits AdamParams, SgdParams, RmspropParams {

  /** The step size. */
  double learningRate();

  /** The weight decay coefficient (0: none), applied as the rule's PyTorch optimizer applies it. */
  double weightDecay();

  /** These parameters with step size {@code lr}. */
  OptimizerParams withLearningRate(double lr);
}

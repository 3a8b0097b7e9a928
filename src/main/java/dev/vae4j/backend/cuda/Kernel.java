package dev.vae4j.backend.cuda;

/**
 * Every kernel the Java side launches: its {@code extern "C"} symbol in {@code native/*.cu} and
 * its parameter count. A unit test checks that the built fatbin holds each symbol for every
 * target architecture, so a renamed kernel fails the build rather than a GPU run.
 */
enum Kernel {
  BIAS_ACTIVATION("vae4j_bias_activation", 7),
  ACTIVATION_BACKWARD("vae4j_activation_backward", 7),
  RELU_MASK("vae4j_relu_mask", 3),
  GATHER_ROWS("vae4j_gather_rows", 10),
  FILL("vae4j_fill", 3),
  ACCUMULATE_SUM("vae4j_accumulate_sum", 4),
  ADVANCE_COUNTER("vae4j_advance_counter", 1),
  NORMAL_NOISE("vae4j_normal_noise", 6),
  DROPOUT("vae4j_dropout", 11),
  REPARAMETERIZE("vae4j_reparameterize", 5),
  REPARAMETERIZE_BACKWARD("vae4j_reparameterize_backward", 6),
  KL_DIVERGENCE("vae4j_kl_divergence", 6),
  BERNOULLI_LOSS("vae4j_bernoulli_loss", 7),
  GAUSSIAN_LOSS("vae4j_gaussian_loss", 7),
  CONTINUOUS_BERNOULLI_LOSS("vae4j_continuous_bernoulli_loss", 7),
  GAUSSIAN_LEARNED_LOSS("vae4j_gaussian_learned_loss", 7),
  ADAM("vae4j_adam", 19),
  OPTIMIZER_UPDATE("vae4j_optimizer_update", 21),
  GRADIENT_SQUARED_NORM("vae4j_gradient_squared_norm", 3),
  CLIP_GRADIENTS("vae4j_clip_gradients", 5),
  SCALE_ROWS("vae4j_scale_rows", 4),
  TO_BF16("vae4j_to_bf16", 3),
  STACKED_BIAS_ACTIVATION("vae4j_stacked_bias_activation", 7, true),
  STACKED_ACTIVATION_BACKWARD("vae4j_stacked_activation_backward", 8, true),
  STACKED_NORMAL_NOISE("vae4j_stacked_normal_noise", 7, true),
  STACKED_KL_DIVERGENCE("vae4j_stacked_kl_divergence", 8, true),
  STACKED_LOSS_SUMS("vae4j_stacked_loss_sums", 4, true),
  STACKED_ADAM("vae4j_stacked_adam", 11, true),
  REPEAT_ROWS("vae4j_repeat_rows", 5, true),
  IWAE_REPARAMETERIZE("vae4j_iwae_reparameterize", 6, true),
  IWAE_WEIGHTS("vae4j_iwae_weights", 11, true),
  SCALE_DRAWS("vae4j_scale_draws", 5, true),
  IWAE_LATENT_BACKWARD("vae4j_iwae_latent_backward", 10, true);

  final String symbol;
  final int arity;
  /**
   * Looked up at its first launch rather than when the module loads: the stacked kernels, which a
   * single model's run never launches, so that its transcript (the golden default step) is as it was.
   */
  final boolean onDemand;

  Kernel(String symbol, int arity) {
    this(symbol, arity, false);
  }

  Kernel(String symbol, int arity, boolean onDemand) {
    this.symbol = symbol;
    this.arity = arity;
    this.onDemand = onDemand;
  }
}

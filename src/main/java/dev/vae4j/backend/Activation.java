package dev.vae4j.backend;

/**
 * Elementwise activations that the backends fuse with a bias add. The ordinals are the CUDA
 * kernels' activation codes ({@code native/activations.cu}): append, never reorder.
 */
public enum Activation {
  IDENTITY,
  RELU,
  /** Logistic sigmoid; forward only (the training step works on logits, never on sigmoid outputs). */
  SIGMOID,
  /** {@code x > 0 ? x : expm1(x)} (alpha 1); its derivative from the output is {@code y > 0 ? 1 : y + 1}. */
  ELU,
  /** {@code tanh(x)}; its derivative from the output is {@code 1 - y^2}. */
  TANH,
  /**
   * {@code x > 0 ? x : slope x} for a slope in (0, 1) ({@link ActivationFunction#slope}, 0.01
   * by default); its derivative from the output is {@code y > 0 ? 1 : slope} (the slope is
   * positive, so the output's sign is the input's).
   */
  LEAKY_RELU,
  /**
   * {@code x Phi(x)}, Phi the standard normal CDF: PyTorch's default {@code nn.GELU()}, the exact
   * erf form. Its derivative {@code Phi(x) + x phi(x)} cannot be told from the output (GELU is not
   * monotonic), so its backward takes the pre-activation ({@link #backwardFromPreActivation}).
   */
  GELU;

  /** {@link #LEAKY_RELU}'s default negative slope, {@code nn.LeakyReLU()}'s. */
  public static final float LEAKY_SLOPE = 0.01f;

  /**
   * Whether {@link DenseOps#activationBackward} takes this activation's derivative from the
   * pre-activation (which the forward must then keep) rather than from the output.
   */
  public boolean backwardFromPreActivation() {
    return this == GELU;
  }
}

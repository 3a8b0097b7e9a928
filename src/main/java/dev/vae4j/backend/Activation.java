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
  TANH
}

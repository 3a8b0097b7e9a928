package dev.vae4j.backend;

/** Elementwise activations that the backends fuse with a bias add. */
public enum Activation {
  IDENTITY,
  RELU,
  /** Logistic sigmoid; forward only (the training step works on logits, never on sigmoid outputs). */
  SIGMOID
}

package dev.vae4j;

import dev.vae4j.backend.Likelihood;
import java.util.Arrays;

/**
 * The shape of an MLP VAE: input features, encoder hidden sizes (the decoder mirrors them),
 * latent size and the decoder's likelihood. The classic PyTorch example is {@code 784-400-20}; the
 * tutorial's is {@code 784-128-2}.
 *
 * @param inputSize pixels per image (height * width)
 * @param hidden encoder hidden layer sizes, input side first; the decoder uses them reversed
 * @param latent latent dimensions
 * @param likelihood the decoder's output distribution
 */
public record VaeConfig(int inputSize, int[] hidden, int latent, Likelihood likelihood) {

  /** Checks every size; a bad one throws {@link IllegalArgumentException} naming it. */
  public VaeConfig {
    if (inputSize <= 0) throw new IllegalArgumentException("input size must be > 0, got " + inputSize);
    if (latent <= 0) throw new IllegalArgumentException("latent size must be > 0, got " + latent);
    if (hidden == null || hidden.length == 0) {
      throw new IllegalArgumentException("at least one hidden layer is required");
    }
    for (int h : hidden) {
      if (h <= 0) throw new IllegalArgumentException("hidden sizes must be > 0, got " + h);
    }
    if (likelihood == null) throw new IllegalArgumentException("likelihood is required");
    hidden = hidden.clone();
  }

  /** The default model of the classic PyTorch example: 784-400-20, Bernoulli pixels. */
  public static VaeConfig mnistDefault() {
    return new VaeConfig(784, new int[] {400}, 20, Likelihood.BERNOULLI);
  }

  /** A copy of the encoder hidden sizes. */
  @Override
  public int[] hidden() {
    return hidden.clone();
  }

  /** E.g. {@code 784-400-20}. */
  public String describe() {
    StringBuilder s = new StringBuilder().append(inputSize);
    for (int h : hidden) s.append('-').append(h);
    return s.append('-').append(latent).toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VaeConfig c
        && c.inputSize == inputSize
        && Arrays.equals(c.hidden, hidden)
        && c.latent == latent
        && c.likelihood == likelihood;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * inputSize + Arrays.hashCode(hidden)) + latent) + likelihood.hashCode();
  }

  @Override
  public String toString() {
    return "VaeConfig[" + describe() + ", " + likelihood + "]";
  }
}

package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ConvShape;

/**
 * A transposed 2-D convolution ({@code torch.nn.ConvTranspose2d}, {@code output_padding} 0) to
 * {@code outChannels} channels with a square {@code kernel}, {@code stride} and {@code padding},
 * bias, then {@code activation} ({@link Activation#IDENTITY} or {@link Activation#RELU}): image
 * rows of H x W become {@code ((H - 1) * stride - 2 * padding + kernel)} high, and as wide by the same rule.
 */
public record ConvTranspose2dSpec(int outChannels, int kernel, int stride, int padding, Activation activation)
    implements LayerSpec {
  public ConvTranspose2dSpec {
    ConvSpecs.check("ConvTranspose2d", outChannels, kernel, stride, padding, activation);
  }

  @Override
  public ConvLayer build(String name, Shape input, long offset) {
    if (input.isFlat()) {
      throw new IllegalArgumentException(
          name + " (ConvTranspose2d) needs image rows (C x H x W), got flat rows of " + input + "; reshape them first");
    }
    try {
      return new ConvLayer(name, ConvShape.transposed(1, input.channels(), input.height(), input.width(), outChannels,
          kernel, stride, padding), activation, offset);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " (ConvTranspose2d) on " + input + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean convolutional() {
    return true;
  }
}

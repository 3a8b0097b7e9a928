package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ConvShape;

/**
 * A 2-D convolution ({@code torch.nn.Conv2d}) to {@code outChannels} channels with a square
 * {@code kernel}, {@code stride} and zero {@code padding}, bias, then {@code activation} ({@link
 * Activation#IDENTITY} or {@link Activation#RELU}). It takes image rows whose height and width the
 * stride divides exactly: {@code (size + 2 * padding - kernel)} a multiple of {@code stride}.
 */
public record Conv2dSpec(int outChannels, int kernel, int stride, int padding, Activation activation)
    implements LayerSpec {
  public Conv2dSpec {
    ConvSpecs.check("Conv2d", outChannels, kernel, stride, padding, activation);
  }

  @Override
  public ConvLayer build(String name, Shape input, long offset) {
    if (input.isFlat()) {
      throw new IllegalArgumentException(name + " (Conv2d) needs image rows (C x H x W), got flat rows of " + input);
    }
    try {
      return new ConvLayer(name, ConvShape.conv(1, input.channels(), input.height(), input.width(), outChannels,
          kernel, stride, padding), activation, offset);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " (Conv2d) on " + input + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean convolutional() {
    return true;
  }
}

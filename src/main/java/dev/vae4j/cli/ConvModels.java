package dev.vae4j.cli;

import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.model.layer.Shape;

/** What {@code --conv} builds, for {@code train} and {@code bench} alike. */
final class ConvModels {
  /** The option's help, shared by the commands. */
  static final String HELP = "A convolutional VAE: stride-2 convolutions (kernel 4, padding 1, ReLU) of these output "
      + "channels, then the --hidden dense layers (256 unless given), the heads; the decoder mirrors it with transposed "
      + "convolutions. Height and width must be multiples of 2^layers. --conv alone: 32,64 on 28x28, 32,64,128 on "
      + "32x32, 32,64,128,256 on 64x64 (as many layers as halve the image down to no less than 4x4).";

  /** The dense layers of a conv model when {@code --hidden} is not given. */
  static final int[] DEFAULT_HIDDEN = {256};

  private ConvModels() {}

  /**
   * The model {@code --conv conv} (empty: the defaults for {@code input}) describes.
   *
   * @throws IllegalArgumentException naming the option and, when the strides do not divide the
   *     image, sizes that would work
   */
  static VaeConfig build(String conv, Shape input, int[] hidden, int latent, Likelihood likelihood,
      ActivationFunction dense) {
    int[] channels;
    if (conv.isBlank()) {
      channels = VaeConfig.defaultConvChannels(input);
    } else {
      String[] parts = conv.split(",");
      channels = new int[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          channels[i] = Integer.parseInt(parts[i].trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("--conv takes channel counts separated by commas, got '" + conv + "'");
        }
      }
    }
    try {
      return VaeConfig.conv(input, channels, hidden, latent, likelihood, dense);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--conv " + (conv.isBlank() ? "(default " + join(channels) + ")" : conv)
          + " on " + input + " images: " + e.getMessage(), e);
    }
  }

  private static String join(int[] values) {
    StringBuilder s = new StringBuilder();
    for (int v : values) s.append(s.length() == 0 ? "" : ",").append(v);
    return s.toString();
  }
}

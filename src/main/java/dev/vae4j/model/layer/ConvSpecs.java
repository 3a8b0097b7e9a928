package dev.vae4j.model.layer;

import dev.vae4j.backend.Activation;

/** The checks both convolution specs make of their sizes. */
final class ConvSpecs {
  private ConvSpecs() {}

  static void check(String kind, int outChannels, int kernel, int stride, int padding, Activation activation) {
    if (outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0) {
      throw new IllegalArgumentException(kind + " needs channels, kernel and stride > 0 and padding >= 0, got "
          + outChannels + ", " + kernel + ", " + stride + ", " + padding);
    }
    if (activation != Activation.IDENTITY && activation != Activation.RELU) {
      throw new IllegalArgumentException(kind + " supports the activations IDENTITY and RELU, not " + activation);
    }
  }
}

package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Tensor;

/**
 * Images as 8-bit pixels on the CPU backend ({@code Backend#allocatePixels}): byte k stands for
 * k / 255, converted when {@code gatherRows} copies a batch out, so a training set resident for a
 * whole run takes a quarter of the memory a float tensor would.
 */
final class CpuPixelTensor implements Tensor {
  final byte[] data;

  CpuPixelTensor(long length) {
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("pixel tensor of " + length + " bytes is too large for the CPU backend");
    }
    data = new byte[(int) length];
  }

  @Override
  public long length() {
    return data.length;
  }
}

package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Tensor;

/**
 * Images as 8-bit pixels on the CPU backend ({@code Backend#allocatePixels}): byte k stands for
 * k / 255, converted when {@code gatherRows} copies a batch out, so a training set resident for a
 * whole run takes a quarter of the memory a float tensor would.
 */
final class CpuPixelTensor implements Tensor {
  /**
   * VALUE[k] = k / 255f, the same floats as the division: the scalar loop's lookup ({@code
   * LoopKernels#pixelsToFloats}; gathering 64 shuffled rows of 784 pixels took 40 us with it
   * against 53 us dividing per pixel, a C2 loop mixing byte and float lanes not being vectorized
   * either way). The Vector API's loop divides in lanes instead.
   */
  static final float[] VALUE = new float[256];

  static {
    for (int k = 0; k < 256; k++) VALUE[k] = k / 255f;
  }

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

package dev.vae4j.data;

/**
 * One decoded image as 8-bit planes, channel-major like {@link Dataset}: one plane when the image
 * is grey, else red, green and blue; alpha already composited on black.
 *
 * @param pixels {@code channels * height * width} values, (b & 0xff) / 255 being the pixel
 */
record DecodedImage(int channels, int height, int width, byte[] pixels) {
  DecodedImage {
    if ((long) channels * height * width != pixels.length) {
      throw new IllegalArgumentException(pixels.length + " bytes for " + channels + "x" + height + "x" + width);
    }
  }

  /** The pixels as floats in [0, 255], for resizing and colour conversion. */
  float[] floats() {
    float[] out = new float[pixels.length];
    for (int i = 0; i < out.length; i++) out[i] = pixels[i] & 0xff;
    return out;
  }
}

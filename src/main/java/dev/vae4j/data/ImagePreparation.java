package dev.vae4j.data;

/**
 * What {@code --image-size} and {@code --channels} do to each image: the colour conversion (to grey
 * first, so that resizing has one plane to work on; to colour last), then the resize and centre
 * crop. Without either option an image passes unchanged.
 *
 * @param size the size every image is brought to, or null to keep each image's own
 * @param channels 1 or 3, or 0 to keep each image's own
 */
record ImagePreparation(ImageSize size, int channels) {
  /** The preparation {@code data} asks for. */
  static ImagePreparation of(DataSpec data) {
    return new ImagePreparation(data.size(), data.channels());
  }

  /** Whether it changes nothing. */
  boolean isNone() {
    return size == null && channels == 0;
  }

  /** Channels of a prepared image that had {@code from}. */
  int channels(int from) {
    return channels == 0 ? from : channels;
  }

  /** Height of a prepared image that was {@code from} pixels high. */
  int height(int from) {
    return size == null ? from : size.height();
  }

  /** Width of a prepared image that was {@code from} pixels wide. */
  int width(int from) {
    return size == null ? from : size.width();
  }

  /** {@code src}, {@code c x h x w} planes of any scale (bytes as 0..255, or [0, 1]), prepared. */
  float[] apply(float[] src, int c, int h, int w) {
    int target = channels(c);
    float[] pixels = target < c ? ColourConversion.convert(src, c, target, h * w) : src;
    int planes = Math.min(c, target);
    if (size != null && (size.height() != h || size.width() != w)) {
      pixels = ImageResize.resizeAndCrop(pixels, planes, h, w, size.height(), size.width());
    }
    return target > c ? ColourConversion.convert(pixels, c, target, height(h) * width(w)) : pixels;
  }

  /** Whether images of {@code c x h x w} come out as they are. */
  boolean keeps(int c, int h, int w) {
    return channels(c) == c && height(h) == h && width(w) == w;
  }

  /** {@code image} prepared, as 8-bit planes written into {@code out} from {@code at}. */
  void applyTo(DecodedImage image, byte[] out, int at) {
    int c = image.channels(), h = image.height(), w = image.width();
    if (keeps(c, h, w)) {
      System.arraycopy(image.pixels(), 0, out, at, image.pixels().length);
      return;
    }
    float[] prepared = apply(image.floats(), c, h, w);
    for (int i = 0; i < prepared.length; i++) out[at + i] = (byte) Math.min(255, Math.max(0, Math.round(prepared[i])));
  }

  @Override
  public String toString() {
    return (size == null ? "" : "--image-size " + size.height() + "x" + size.width()) + (channels == 0 ? ""
        : (size == null ? "" : " ") + "--channels " + channels);
  }
}

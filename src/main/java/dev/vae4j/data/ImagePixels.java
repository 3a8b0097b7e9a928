package dev.vae4j.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;

/**
 * The 8-bit planes of a decoded {@link BufferedImage}, whatever its colour model: grey images (and
 * palettes whose every entry is grey) give one plane, the rest red, green and blue. Transparent
 * pixels are composited on black (value times alpha), as a VAE has no place for alpha. Grey and
 * sRGB samples are read from the raster as stored, scaled from their bit depth (16-bit values to 8
 * bits, rounded): the JDK's own conversion ({@code getRGB}) would treat grey as linear light and
 * brighten it. Other colour models go through {@code getRGB}, which is exact for packed and palette
 * pixels and converts the rest to sRGB.
 */
final class ImagePixels {
  private ImagePixels() {}

  /** The planes of {@code image}. */
  static DecodedImage of(BufferedImage image) {
    ColorModel model = image.getColorModel();
    if (model instanceof IndexColorModel palette) return isGrey(palette) ? greyPalette(image, palette) : viaRgb(image);
    if (model instanceof ComponentColorModel && isIntegral(image.getRaster())) {
      ColorSpace space = model.getColorSpace();
      if (space.getType() == ColorSpace.TYPE_GRAY && model.getNumColorComponents() == 1) return samples(image, 1);
      if (space.isCS_sRGB() && model.getNumColorComponents() == 3) return samples(image, 3);
    }
    return viaRgb(image);
  }

  /** Whether every palette entry is grey (red = green = blue), as grey GIFs and BMPs store them. */
  static boolean isGrey(IndexColorModel palette) {
    for (int i = 0; i < palette.getMapSize(); i++) {
      if (palette.getRed(i) != palette.getGreen(i) || palette.getGreen(i) != palette.getBlue(i)) return false;
    }
    return true;
  }

  /** Whether images of {@code model} are grey: a grey colour space, or a palette of greys. */
  static boolean isGrey(ColorModel model) {
    if (model instanceof IndexColorModel palette) return isGrey(palette);
    return model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
  }

  private static boolean isIntegral(Raster raster) {
    int type = raster.getDataBuffer().getDataType();
    return type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT || type == DataBuffer.TYPE_INT;
  }

  /** Colour bands 0..colours-1 (then alpha, if any) straight from the raster. */
  private static DecodedImage samples(BufferedImage image, int colours) {
    ColorModel model = image.getColorModel();
    Raster raster = image.getRaster();
    int w = image.getWidth(), h = image.getHeight(), plane = w * h;
    boolean alpha = model.hasAlpha(), premultiplied = model.isAlphaPremultiplied();
    double alphaMax = alpha ? (1L << model.getComponentSize(colours)) - 1 : 1;
    byte[] out = new byte[colours * plane];
    int[] value = new int[w], opacity = new int[w];
    int minX = raster.getMinX(), minY = raster.getMinY();
    double[] scales = new double[colours];
    for (int c = 0; c < colours; c++) scales[c] = 255.0 / ((1L << model.getComponentSize(c)) - 1);
    for (int y = 0; y < h; y++) {
      if (alpha) raster.getSamples(minX, minY + y, w, 1, colours, opacity);
      for (int c = 0; c < colours; c++) {
        double scale = scales[c];
        raster.getSamples(minX, minY + y, w, 1, c, value);
        for (int x = 0; x < w; x++) {
          double v = value[x] * scale;
          // Premultiplied samples are already composited on black.
          if (alpha && !premultiplied) v *= opacity[x] / alphaMax;
          out[c * plane + y * w + x] = (byte) Math.min(255, (int) Math.round(v));
        }
      }
    }
    return new DecodedImage(colours, h, w, out);
  }

  private static DecodedImage greyPalette(BufferedImage image, IndexColorModel palette) {
    Raster raster = image.getRaster();
    int w = image.getWidth(), h = image.getHeight();
    byte[] out = new byte[w * h];
    int[] index = new int[w];
    for (int y = 0; y < h; y++) {
      raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, index);
      for (int x = 0; x < w; x++) {
        int i = Math.min(index[x], palette.getMapSize() - 1);
        out[y * w + x] = (byte) onBlack(palette.getRed(i), palette.getAlpha(i));
      }
    }
    return new DecodedImage(1, h, w, out);
  }

  private static DecodedImage viaRgb(BufferedImage image) {
    int w = image.getWidth(), h = image.getHeight(), plane = w * h;
    byte[] out = new byte[3 * plane];
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w); // non-premultiplied sRGB ARGB
      for (int x = 0; x < w; x++) {
        int argb = row[x], a = argb >>> 24, i = y * w + x;
        out[i] = (byte) onBlack((argb >> 16) & 0xff, a);
        out[plane + i] = (byte) onBlack((argb >> 8) & 0xff, a);
        out[2 * plane + i] = (byte) onBlack(argb & 0xff, a);
      }
    }
    return new DecodedImage(3, h, w, out);
  }

  private static int onBlack(int value, int alpha) {
    return alpha == 255 ? value : (value * alpha + 127) / 255;
  }
}

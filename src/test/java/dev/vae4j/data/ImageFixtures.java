package dev.vae4j.data;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small images of known pixels in the modes image folders hold, written with ImageIO. */
final class ImageFixtures {
  private ImageFixtures() {}

  /** An 8-bit grey image whose pixel (x, y) is {@code (seed + 7x + 13y) mod 256}. */
  static BufferedImage grey(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = image.getRaster();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) r.setSample(x, y, 0, greyAt(x, y, seed));
    }
    return image;
  }

  static int greyAt(int x, int y, int seed) {
    return (seed + 7 * x + 13 * y) & 0xff;
  }

  /** A colour image whose pixel (x, y) is {@link #rgbAt}. */
  static BufferedImage rgb(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) image.setRGB(x, y, rgbAt(x, y, seed));
    }
    return image;
  }

  static int rgbAt(int x, int y, int seed) {
    return (((seed + 5 * x) & 0xff) << 16) | (((seed + 11 * y) & 0xff) << 8) | ((seed * 3 + x * y) & 0xff);
  }

  /** A 16-bit grey image whose pixel (x, y) is {@code 257 * greyAt + x} (not a multiple of 257). */
  static BufferedImage grey16(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
    WritableRaster r = image.getRaster();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) r.setSample(x, y, 0, grey16At(x, y, seed));
    }
    return image;
  }

  static int grey16At(int x, int y, int seed) {
    return Math.min(65535, 257 * greyAt(x, y, seed) + 100 * (x % 2));
  }

  /** A 16-bit RGB image: band b of pixel (x, y) is {@code 257 * byte b of rgbAt}. */
  static BufferedImage rgb16(int width, int height, int seed) {
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster r = model.createCompatibleWritableRaster(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = rgbAt(x, y, seed);
        for (int b = 0; b < 3; b++) r.setSample(x, y, b, 257 * ((rgb >> (16 - 8 * b)) & 0xff));
      }
    }
    return new BufferedImage(model, r, false, null);
  }

  /** A colour image with alpha: {@link #rgbAt} at opacity {@code alphaAt}. */
  static BufferedImage rgba(int width, int height, int seed) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) image.setRGB(x, y, (alphaAt(x, y) << 24) | rgbAt(x, y, seed));
    }
    return image;
  }

  static int alphaAt(int x, int y) {
    return (x * 37 + y * 91) & 0xff;
  }

  /** A grey image with alpha: {@link #greyAt} at opacity {@link #alphaAt}. */
  static BufferedImage greyAlpha(int width, int height, int seed) {
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster r = model.createCompatibleWritableRaster(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        r.setSample(x, y, 0, greyAt(x, y, seed));
        r.setSample(x, y, 1, alphaAt(x, y));
      }
    }
    return new BufferedImage(model, r, false, null);
  }

  /** A palette image: pixel (x, y) is entry {@code (x + y) % 4} of {@link #PALETTE}. */
  static BufferedImage palette(int width, int height, boolean grey) {
    int[] colours = grey ? GREY_PALETTE : PALETTE;
    IndexColorModel model = new IndexColorModel(2, 4, colours, 0, false, -1, DataBuffer.TYPE_BYTE);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, model);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) image.getRaster().setSample(x, y, 0, (x + y) % 4);
    }
    return image;
  }

  static final int[] PALETTE = {0x000000, 0xff0000, 0x00c080, 0x2040ff};
  static final int[] GREY_PALETTE = {0x000000, 0x404040, 0xa0a0a0, 0xffffff};

  /** Writes {@code image} as {@code format} ("png", "bmp", "gif", "jpeg") to {@code file}. */
  static Path write(BufferedImage image, String format, Path file) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      if (!ImageIO.write(image, format, file.toFile())) throw new IllegalStateException("no " + format + " writer for " + image);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A folder {@code dir/<class>/<i>.png} of {@code perClass} RGB images per class, {@code size} square. */
  static void colourClasses(Path dir, String[] classes, int perClass, int size, long seed) {
    Random random = new Random(seed);
    for (int c = 0; c < classes.length; c++) {
      for (int i = 0; i < perClass; i++) {
        write(rgb(size, size, c * 80 + random.nextInt(40)), "png", dir.resolve(classes[c]).resolve(i + ".png"));
      }
    }
  }
}

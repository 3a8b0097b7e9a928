package dev.vae4j.plot;

import dev.vae4j.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Grayscale images in a grid, as an 8-bit PNG: {@code cols} cells per row, {@code pad} pixels of
 * a mid-gray background between cells and around the edge, each pixel value {@code v} in [0, 1]
 * drawn as {@code round(255 v)} (values outside are clamped, NaN drawn black), each image pixel
 * enlarged to {@code scale x scale} screen pixels.
 */
public final class ImageGrid {
  /** The gray of the gaps between cells, distinct from both ink (white) and paper (black). */
  public static final int BACKGROUND = 96;

  private ImageGrid() {}

  /**
   * Renders {@code count} images of {@code height x width} values from {@code pixels} (row-major,
   * image after image) into a grid of {@code cols} columns.
   */
  public static BufferedImage render(float[] pixels, int count, int height, int width, int cols, int pad, int scale) {
    if (count <= 0 || height <= 0 || width <= 0 || cols <= 0 || pad < 0 || scale <= 0) {
      throw new IllegalArgumentException("bad grid: " + count + " images of " + height + "x" + width
          + ", " + cols + " columns, pad " + pad + ", scale " + scale);
    }
    if ((long) count * height * width > pixels.length) {
      throw new IllegalArgumentException(count + " images of " + height + "x" + width + " need more than " + pixels.length + " values");
    }
    int columns = Math.min(cols, count), rows = (count + cols - 1) / cols;
    int cellW = width * scale, cellH = height * scale;
    BufferedImage image = new BufferedImage(pad + columns * (cellW + pad), pad + rows * (cellH + pad), BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster raster = image.getRaster();
    int[] background = new int[image.getWidth()];
    java.util.Arrays.fill(background, BACKGROUND);
    for (int y = 0; y < image.getHeight(); y++) raster.setPixels(0, y, image.getWidth(), 1, background);
    for (int n = 0; n < count; n++) {
      int x0 = pad + (n % cols) * (cellW + pad), y0 = pad + (n / cols) * (cellH + pad);
      for (int y = 0; y < cellH; y++) {
        for (int x = 0; x < cellW; x++) {
          float v = pixels[n * height * width + (y / scale) * width + x / scale];
          raster.setSample(x0 + x, y0 + y, 0, toByte(v));
        }
      }
    }
    return image;
  }

  /** Renders a grid (see {@link #render}) and writes it as a PNG, atomically. */
  public static void write(Path file, float[] pixels, int count, int height, int width, int cols, int pad, int scale)
      throws IOException {
    writePng(file, render(pixels, count, height, width, cols, pad, scale));
  }

  /**
   * Originals above their reconstructions, row by row: {@code count} originals in rows of {@link
   * #balancedColumns} (at most {@code cols}) columns, each row directly above the row of their
   * reconstructions, so that reconstruction i sits right below original i. Unused cells (of a last
   * row that is not full) show the background.
   */
  public static BufferedImage pairs(float[] originals, float[] reconstructions, int count, int height, int width,
      int cols, int pad, int scale) {
    int d = height * width, columns = balancedColumns(count, cols), rows = (count + columns - 1) / columns;
    float[] both = new float[2 * rows * columns * d];
    for (int i = 0; i < count; i++) {
      int row = i / columns, column = i % columns;
      System.arraycopy(originals, i * d, both, ((2 * row) * columns + column) * d, d);
      System.arraycopy(reconstructions, i * d, both, ((2 * row + 1) * columns + column) * d, d);
    }
    BufferedImage image = render(both, 2 * rows * columns, height, width, columns, pad, scale);
    int unused = rows * columns - count, cellW = width * scale, cellH = height * scale;
    for (int c = columns - unused; c < columns; c++) {
      for (int r = 2 * rows - 2; r < 2 * rows; r++) {
        int x0 = pad + c * (cellW + pad), y0 = pad + r * (cellH + pad);
        for (int y = y0; y < y0 + cellH; y++) {
          for (int x = x0; x < x0 + cellW; x++) image.getRaster().setSample(x, y, 0, BACKGROUND);
        }
      }
    }
    return image;
  }

  /**
   * Columns for {@code count} images in rows of at most {@code cols}: as many rows as {@code cols}
   * needs, filled evenly (4 images: 4 columns; 10 in rows of 8: two rows of 5), never an empty column.
   */
  public static int balancedColumns(int count, int cols) {
    if (count <= 0 || cols <= 0) throw new IllegalArgumentException("bad grid: " + count + " images in rows of " + cols);
    int rows = (count + cols - 1) / cols;
    return (count + rows - 1) / rows;
  }

  /** Writes an image as a PNG, atomically. */
  public static void writePng(Path file, BufferedImage image) throws IOException {
    AtomicFiles.write(file, out -> {
      if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer available");
    });
  }

  static int toByte(float v) {
    if (!(v > 0f)) return 0; // also NaN
    return v >= 1f ? 255 : Math.round(v * 255f);
  }
}

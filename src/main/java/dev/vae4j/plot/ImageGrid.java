package dev.vae4j.plot;

import dev.vae4j.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Images in a grid, as an 8-bit PNG: grey images (one plane) as a grayscale PNG, colour images
 * (three planes, red, green, blue, each image channel-major as {@link dev.vae4j.data.Dataset} holds
 * them) as an RGB one. {@code cols} cells per row, {@code pad} pixels of a mid-gray background
 * between cells and around the edge, each pixel value {@code v} in [0, 1] drawn as {@code round(255
 * v)} (values outside are clamped, NaN drawn black), each image pixel enlarged to {@code scale x
 * scale} screen pixels, so that a cell has its image's aspect ratio.
 */
public final class ImageGrid {
  /** The gray of the gaps between cells, distinct from both ink (white) and paper (black). */
  public static final int BACKGROUND = 96;

  private ImageGrid() {}

  /** {@link #render(float[], int, int, int, int, int, int, int)} of grey images. */
  public static BufferedImage render(float[] pixels, int count, int height, int width, int cols, int pad, int scale) {
    return render(pixels, count, 1, height, width, cols, pad, scale);
  }

  /**
   * Renders {@code count} images of {@code channels x height x width} values from {@code pixels}
   * (channel-major, rows top to bottom, image after image) into a grid of {@code cols} columns:
   * a grayscale image for one channel, an RGB one for three.
   */
  public static BufferedImage render(float[] pixels, int count, int channels, int height, int width, int cols, int pad,
      int scale) {
    if (count <= 0 || height <= 0 || width <= 0 || cols <= 0 || pad < 0 || scale <= 0 || (channels != 1 && channels != 3)) {
      throw new IllegalArgumentException("bad grid: " + count + " images of " + channels + "x" + height + "x" + width
          + ", " + cols + " columns, pad " + pad + ", scale " + scale);
    }
    int plane = height * width, d = channels * plane;
    if ((long) count * d > pixels.length) {
      throw new IllegalArgumentException(count + " images of " + channels + "x" + height + "x" + width + " need more than "
          + pixels.length + " values");
    }
    int columns = Math.min(cols, count), rows = (count + cols - 1) / cols;
    int cellW = width * scale, cellH = height * scale;
    BufferedImage image = new BufferedImage(pad + columns * (cellW + pad), pad + rows * (cellH + pad),
        channels == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
    WritableRaster raster = image.getRaster();
    fill(raster, 0, 0, image.getWidth(), image.getHeight());
    for (int n = 0; n < count; n++) {
      int x0 = pad + (n % cols) * (cellW + pad), y0 = pad + (n / cols) * (cellH + pad);
      for (int y = 0; y < cellH; y++) {
        for (int x = 0; x < cellW; x++) {
          int at = n * d + (y / scale) * width + x / scale;
          for (int c = 0; c < channels; c++) raster.setSample(x0 + x, y0 + y, c, toByte(pixels[at + c * plane]));
        }
      }
    }
    return image;
  }

  /** Paints a rectangle of {@code raster} in the background grey, every band. */
  private static void fill(WritableRaster raster, int x0, int y0, int w, int h) {
    int bands = raster.getNumBands();
    int[] row = new int[w * bands];
    java.util.Arrays.fill(row, BACKGROUND);
    for (int y = y0; y < y0 + h; y++) raster.setPixels(x0, y, w, 1, row);
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
    return pairs(originals, reconstructions, count, 1, height, width, cols, pad, scale);
  }

  /** {@link #pairs(float[], float[], int, int, int, int, int, int)} of images of {@code channels} planes. */
  public static BufferedImage pairs(float[] originals, float[] reconstructions, int count, int channels, int height,
      int width, int cols, int pad, int scale) {
    int d = channels * height * width, columns = balancedColumns(count, cols), rows = (count + columns - 1) / columns;
    float[] both = new float[2 * rows * columns * d];
    for (int i = 0; i < count; i++) {
      int row = i / columns, column = i % columns;
      System.arraycopy(originals, i * d, both, ((2 * row) * columns + column) * d, d);
      System.arraycopy(reconstructions, i * d, both, ((2 * row + 1) * columns + column) * d, d);
    }
    BufferedImage image = render(both, 2 * rows * columns, channels, height, width, columns, pad, scale);
    int unused = rows * columns - count, cellW = width * scale, cellH = height * scale;
    for (int c = columns - unused; c < columns; c++) {
      for (int r = 2 * rows - 2; r < 2 * rows; r++) {
        fill(image.getRaster(), pad + c * (cellW + pad), pad + r * (cellH + pad), cellW, cellH);
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

  /** A value in [0, 1] as the 8-bit pixel this class draws: {@code round(255 v)}, clamped, NaN as 0. */
  public static int toByte(float v) {
    if (!(v > 0f)) return 0; // also NaN
    return v >= 1f ? 255 : Math.round(v * 255f);
  }
}

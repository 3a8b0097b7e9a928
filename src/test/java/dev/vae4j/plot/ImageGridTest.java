package dev.vae4j.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grid layout, pixel for pixel, through a PNG round trip. */
class ImageGridTest {
  @TempDir Path dir;

  @Test
  void goldenLayoutOfThreeImagesInTwoColumns() throws Exception {
    // Three 2x2 images: a gradient, all ink, a diagonal; 2 columns, 1-pixel gaps, no scaling.
    float[] pixels = {0f, 0.2f, 0.6f, 1.0f, 1, 1, 1, 1, 1, 0, 0, 1};
    Path file = dir.resolve("grid.png");
    ImageGrid.write(file, pixels, 3, 2, 2, 2, 1, 1);
    BufferedImage image = ImageIO.read(file.toFile());
    int g = ImageGrid.BACKGROUND;
    int[] expected = {
        g, g, g, g, g, g, g,
        g, 0, 51, g, 255, 255, g,
        g, 153, 255, g, 255, 255, g,
        g, g, g, g, g, g, g,
        g, 255, 0, g, g, g, g,
        g, 0, 255, g, g, g, g,
        g, g, g, g, g, g, g};
    assertEquals(7, image.getWidth());
    assertEquals(7, image.getHeight());
    assertArrayEquals(expected, image.getRaster().getPixels(0, 0, 7, 7, (int[]) null));
  }

  @Test
  void scalingEnlargesEachPixelAndClampsValues() {
    BufferedImage image = ImageGrid.render(new float[] {-1f, 2f, Float.NaN, 0.5f}, 1, 2, 2, 1, 0, 2);
    assertArrayEquals(new int[] {0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 128, 128, 0, 0, 128, 128},
        image.getRaster().getPixels(0, 0, 4, 4, (int[]) null));
  }

  /** Colour images come out as RGB PNGs, each plane in its band; a 1 x 3 image keeps its shape. */
  @Test
  void colourImagesAreRgbWithTheirPlanesInTheirBands() throws Exception {
    // One 1x3 image: red plane 1, 0, 0.2; green 0, 1, 0.4; blue 0, 0, 1.
    float[] pixels = {1, 0, 0.2f, 0, 1, 0.4f, 0, 0, 1};
    Path file = dir.resolve("colour.png");
    ImageGrid.writePng(file, ImageGrid.render(pixels, 1, 3, 1, 3, 1, 1, 2));
    BufferedImage image = ImageIO.read(file.toFile());
    assertEquals(1 + 3 * 2 + 1, image.getWidth());
    assertEquals(1 + 2 + 1, image.getHeight());
    assertEquals(3, image.getRaster().getNumBands());
    int g = ImageGrid.BACKGROUND;
    assertArrayEquals(new int[] {g, g, g}, image.getRaster().getPixel(0, 0, (int[]) null));
    assertArrayEquals(new int[] {255, 0, 0}, image.getRaster().getPixel(1, 1, (int[]) null));
    assertArrayEquals(new int[] {0, 255, 0}, image.getRaster().getPixel(4, 2, (int[]) null));
    assertArrayEquals(new int[] {51, 102, 255}, image.getRaster().getPixel(6, 1, (int[]) null));
  }

  /** Unused cells of a colour pair grid are background grey in every band. */
  @Test
  void colourPairsFillUnusedCells() {
    float[] a = new float[3 * 3], b = new float[3 * 3];
    java.util.Arrays.fill(a, 1f);
    BufferedImage image = ImageGrid.pairs(a, b, 3, 3, 1, 1, 2, 1, 1);
    assertEquals(3, image.getRaster().getNumBands());
    int g = ImageGrid.BACKGROUND;
    assertArrayEquals(new int[] {255, 255, 255}, image.getRaster().getPixel(1, 1, (int[]) null));
    assertArrayEquals(new int[] {0, 0, 0}, image.getRaster().getPixel(1, 3, (int[]) null));
    assertArrayEquals(new int[] {g, g, g}, image.getRaster().getPixel(3, 5, (int[]) null));
    assertArrayEquals(new int[] {g, g, g}, image.getRaster().getPixel(3, 7, (int[]) null));
  }
}

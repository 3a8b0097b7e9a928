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
}

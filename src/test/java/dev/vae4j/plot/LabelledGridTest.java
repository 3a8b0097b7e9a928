package dev.vae4j.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Grid layout for any count, originals right above their reconstructions, and label margins. */
class LabelledGridTest {
  @Test
  void anyCountFillsRowsEvenlyWithoutEmptyColumns() {
    assertEquals(4, ImageGrid.balancedColumns(4, 8));
    assertEquals(8, ImageGrid.balancedColumns(16, 8));
    assertEquals(5, ImageGrid.balancedColumns(10, 8));
    assertEquals(6, ImageGrid.balancedColumns(11, 8));
    assertEquals(1, ImageGrid.balancedColumns(1, 8));
    assertEquals(7, ImageGrid.balancedColumns(7, 7));
  }

  @Test
  void eachReconstructionSitsRightBelowItsOriginal() {
    // Three 1x1 images in rows of 2: originals 0.1, 0.2 | recon 0.6, 0.7 | original 0.3 | recon 0.8.
    BufferedImage g = ImageGrid.pairs(new float[] {0.1f, 0.2f, 0.3f}, new float[] {0.6f, 0.7f, 0.8f}, 3, 1, 1, 2, 1, 1);
    assertEquals(2 * 2 + 1, g.getWidth());
    assertEquals(4 * 2 + 1, g.getHeight());
    int[][] expected = {{26, 51}, {153, 179}, {77, ImageGrid.BACKGROUND}, {204, ImageGrid.BACKGROUND}};
    for (int r = 0; r < 4; r++) {
      for (int c = 0; c < 2; c++) assertEquals(expected[r][c], g.getRaster().getSample(1 + 2 * c, 1 + 2 * r, 0), r + "," + c);
    }
  }

  @Test
  void labelsGoInMarginsBesideAndAboveTheCells() {
    BufferedImage grid = ImageGrid.render(new float[4 * 100], 4, 10, 10, 2, 2, 1);
    String[] rows = {"z3", "z12"}, cols = {"-3.0", "+3.0"};
    BufferedImage labelled = LabelledGrid.render(grid, 10, 10, 2, rows, cols);
    assertEquals(LabelledGrid.leftMargin(rows) + grid.getWidth(), labelled.getWidth());
    assertEquals(LabelledGrid.TOP + grid.getHeight(), labelled.getHeight());
    boolean ink = false;
    for (int x = 0; x < LabelledGrid.leftMargin(rows); x++) {
      for (int y = 0; y < labelled.getHeight(); y++) {
        ink |= labelled.getRaster().getSample(x, y, 0) != ImageGrid.BACKGROUND;
      }
    }
    assertNotEquals(false, ink, "row labels drawn in the left margin");
    assertEquals(0, labelled.getRaster().getSample(LabelledGrid.leftMargin(rows) + 2, LabelledGrid.TOP + 2, 0),
        "the grid itself, shifted by the margins");
  }
}

package dev.vae4j.plot;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * An image grid ({@link ImageGrid}) with a label beside each row and above each column (e.g. the
 * latent dimension and the offset of a traversal), in margins of a size fixed by the labels'
 * lengths. Where the JDK cannot draw text (no fonts: {@link ChartUnavailableException}) the grid
 * comes back without them rather than not at all.
 */
public final class LabelledGrid {
  /** Height of the column labels' margin. */
  public static final int TOP = 16;
  private static final int CHAR_WIDTH = 7, GAP = 6;

  private LabelledGrid() {}

  /** Width of the row labels' margin for {@code labels} (0 for none). */
  public static int leftMargin(String[] labels) {
    if (labels == null) return 0;
    int longest = 0;
    for (String l : labels) longest = Math.max(longest, l.length());
    return CHAR_WIDTH * longest + 2 * GAP;
  }

  /**
   * {@code grid} (cells of {@code cellWidth x cellHeight} screen pixels, {@code pad} apart and
   * around) with {@code rowLabels} to the left of its rows and {@code colLabels} above its
   * columns; either may be null.
   */
  public static BufferedImage render(BufferedImage grid, int cellWidth, int cellHeight, int pad, String[] rowLabels,
      String[] colLabels) {
    try {
      return Charts.drawingText(() -> draw(grid, cellWidth, cellHeight, pad, rowLabels, colLabels));
    } catch (ChartUnavailableException e) {
      return grid;
    }
  }

  private static BufferedImage draw(BufferedImage grid, int cellWidth, int cellHeight, int pad, String[] rowLabels,
      String[] colLabels) {
    int left = leftMargin(rowLabels), top = colLabels == null ? 0 : TOP;
    BufferedImage out = new BufferedImage(left + grid.getWidth(), top + grid.getHeight(), grid.getType());
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(new Color(ImageGrid.BACKGROUND, ImageGrid.BACKGROUND, ImageGrid.BACKGROUND));
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.drawImage(grid, left, top, null);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.setColor(Color.WHITE);
      FontMetrics m = g.getFontMetrics();
      if (rowLabels != null) {
        for (int r = 0; r < rowLabels.length; r++) {
          int middle = top + pad + r * (cellHeight + pad) + cellHeight / 2;
          g.drawString(rowLabels[r], left - GAP - m.stringWidth(rowLabels[r]), middle + m.getAscent() / 2 - 1);
        }
      }
      if (colLabels != null) {
        for (int c = 0; c < colLabels.length; c++) {
          int middle = left + pad + c * (cellWidth + pad) + cellWidth / 2;
          g.drawString(colLabels[c], middle - m.stringWidth(colLabels[c]) / 2, top - 4);
        }
      }
    } finally {
      g.dispose();
    }
    return out;
  }
}

package dev.vae4j.plot;

import java.awt.AWTError;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** What every vae4j chart shares: headless rendering, a white theme, a colour-blind-safe palette, PNG output. */
public final class Charts {
  /**
   * Tableau 10 (Tableau's 2016 default, Maureen Stone's redesign of the older set that matplotlib
   * calls "tab10"): ten colours chosen to stay apart for the common colour-vision deficiencies
   * too, where tab10's olive and green, or grey and brown, run together.
   */
  static final Color[] PALETTE = {
      new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2), new Color(0x59a14f),
      new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f), new Color(0xbab0ac)};

  static {
    // Charts are drawn into images, never shown: no display is needed or wanted.
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** An XY chart of the given size and titles with the common styling. */
  static XYChart xyChart(int width, int height, String title, String xAxis, String yAxis) {
    XYChart chart = new XYChartBuilder().width(width).height(height).title(title)
        .xAxisTitle(xAxis).yAxisTitle(yAxis).build();
    Styler s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setLegendPosition(Styler.LegendPosition.OutsideE);
    s.setAntiAlias(true);
    chart.getStyler().setPlotBackgroundColor(Color.WHITE);
    chart.getStyler().setPlotGridLinesColor(new Color(0xdddddd));
    return chart;
  }

  /** {@code PALETTE[i]} cycling, with the given alpha in [0, 255]. */
  static Color colour(int i, int alpha) {
    Color c = PALETTE[Math.floorMod(i, PALETTE.length)];
    return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
  }

  /** Renders a chart into an image; see {@link ChartUnavailableException} for when it cannot. */
  static BufferedImage render(XYChart chart) {
    return drawingText(() -> BitmapEncoder.getBufferedImage(chart));
  }

  /**
   * Runs {@code drawing}, turning the JDK's failures to load its font libraries (a link error
   * at the first use of text, a class-initialization error after) into one clear exception.
   */
  static BufferedImage drawingText(Supplier<BufferedImage> drawing) {
    try {
      return drawing.get();
    } catch (LinkageError | AWTError e) {
      throw new ChartUnavailableException(e);
    }
  }

  /** Writes a rendered chart as a PNG, atomically. */
  static void write(Path file, XYChart chart) throws IOException {
    ImageGrid.writePng(file, render(chart));
  }
}

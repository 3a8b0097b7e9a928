package dev.vae4j.plot;

import dev.vae4j.eval.Roc;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** ROC curves, one per named case, with the chance diagonal; the legend gives each curve's AUC. */
public final class RocChart {
  public static final int WIDTH = 820, HEIGHT = 640;

  private RocChart() {}

  /** Renders the curves of {@code curves} (legend name to ROC), in iteration order. */
  public static BufferedImage render(Map<String, Roc> curves, String title, int width, int height) {
    XYChart chart = Charts.xyChart(width, height, title, "false positive rate", "true positive rate");
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    XYSeries chance = chart.addSeries("chance (AUC 0.5)", new double[] {0, 1}, new double[] {0, 1});
    chance.setMarker(SeriesMarkers.NONE);
    chance.setLineColor(Color.GRAY);
    chance.setLineStyle(SeriesLines.DASH_DASH);
    int i = 0;
    for (Map.Entry<String, Roc> e : curves.entrySet()) {
      Roc roc = e.getValue();
      String name = String.format(Locale.ROOT, "%s (AUC %.3f)", e.getKey(), roc.auc());
      XYSeries s = chart.addSeries(name, roc.falsePositiveRates(), roc.truePositiveRates());
      s.setMarker(SeriesMarkers.NONE);
      s.setLineColor(Charts.colour(i++, 255));
    }
    return Charts.render(chart);
  }

  /** Renders at the default size and writes a PNG, atomically. */
  public static void write(Path file, Map<String, Roc> curves, String title) throws IOException {
    ImageGrid.writePng(file, render(curves, title, WIDTH, HEIGHT));
  }
}

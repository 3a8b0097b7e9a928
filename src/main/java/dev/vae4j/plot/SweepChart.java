package dev.vae4j.plot;

import java.io.IOException;
import java.nio.file.Path;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A sweep's metric against one swept option: one dot per finished trial (repeats show the spread). */
public final class SweepChart {
  public static final int WIDTH = 720, HEIGHT = 480;

  private SweepChart() {}

  /** Writes the chart as a PNG, atomically; {@code logX} for options swept over orders of magnitude. */
  public static void write(Path file, String parameter, double[] values, double[] metric, String metricName, boolean logX)
      throws IOException {
    XYChart chart = Charts.xyChart(WIDTH, HEIGHT, metricName + " by " + parameter, parameter, metricName + " (lower is better)");
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setXAxisLogarithmic(logX);
    XYSeries s = chart.addSeries("trials", values, metric);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(Charts.colour(0, 255));
    Charts.write(file, chart);
  }
}

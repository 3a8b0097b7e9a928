package dev.vae4j.plot;

import dev.vae4j.eval.LatentProjection;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A scatter plot of latent codes, one colour per label, with a legend and titled axes. */
public final class LatentScatter {
  /** Default size in pixels. */
  public static final int WIDTH = 900, HEIGHT = 720;

  private LatentScatter() {}

  /** Renders {@code points} as a {@code width x height} chart titled {@code title}. */
  public static BufferedImage render(LatentProjection points, String title, int width, int height) {
    XYChart chart = Charts.xyChart(width, height, title, points.xAxis(), points.yAxis());
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(4);
    // Translucent markers so that dense clusters show their density rather than one blot.
    int alpha = points.count() > 2000 ? 110 : 200;
    Map<Integer, int[]> byLabel = groups(points);
    int series = 0;
    for (Map.Entry<Integer, int[]> e : byLabel.entrySet()) {
      int[] members = e.getValue();
      double[] x = new double[members.length], y = new double[members.length];
      for (int i = 0; i < members.length; i++) {
        x[i] = points.x()[members[i]];
        y[i] = points.y()[members[i]];
      }
      String name = points.labels() == null ? "images" : "label " + e.getKey();
      XYSeries s = chart.addSeries(name, x, y);
      s.setMarker(SeriesMarkers.CIRCLE);
      s.setMarkerColor(Charts.colour(series++, alpha));
    }
    return Charts.render(chart);
  }

  /** Renders at the default size and writes a PNG, atomically. */
  public static void write(Path file, LatentProjection points, String title) throws IOException {
    ImageGrid.writePng(file, render(points, title, WIDTH, HEIGHT));
  }

  private static Map<Integer, int[]> groups(LatentProjection points) {
    Map<Integer, int[]> out = new TreeMap<>();
    int n = points.count();
    if (points.labels() == null) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) all[i] = i;
      out.put(0, all);
      return out;
    }
    Map<Integer, Integer> sizes = new TreeMap<>();
    for (int l : points.labels()) sizes.merge(l, 1, Integer::sum);
    Map<Integer, Integer> filled = new TreeMap<>();
    for (Map.Entry<Integer, Integer> e : sizes.entrySet()) {
      out.put(e.getKey(), new int[e.getValue()]);
      filled.put(e.getKey(), 0);
    }
    for (int i = 0; i < n; i++) {
      int l = points.labels()[i];
      int at = filled.merge(l, 1, Integer::sum) - 1;
      out.get(l)[at] = i;
    }
    return out;
  }
}

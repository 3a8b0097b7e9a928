package dev.vae4j.plot;

import dev.vae4j.eval.LatentProjection;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** A scatter plot of latent codes, one colour per label, with a legend (the class names where known) and titled axes. */
public final class LatentScatter {
  /** Default size in pixels. */
  public static final int WIDTH = 900, HEIGHT = 720;

  private LatentScatter() {}

  /** Renders {@code points} as a {@code width x height} chart titled {@code title}, the legend naming labels. */
  public static BufferedImage render(LatentProjection points, String title, int width, int height) {
    return render(points, null, title, width, height);
  }

  /**
   * Renders {@code points} as a {@code width x height} chart titled {@code title}, the legend
   * naming label {@code i} as {@code classNames.get(i)} ({@code "label i"} where {@code classNames}
   * is null or has no name for it).
   */
  public static BufferedImage render(LatentProjection points, List<String> classNames, String title, int width, int height) {
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
      String name = points.labels() == null ? "images" : legendName(e.getKey(), classNames);
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

  /** A class's name, or "label i" where there is none or the name is only the number (the digits' "0" to "9"). */
  private static String legendName(int label, List<String> classNames) {
    boolean named = classNames != null && label >= 0 && label < classNames.size()
        && !classNames.get(label).equals(Integer.toString(label));
    return named ? classNames.get(label) : "label " + label;
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

package dev.vae4j.plot;

import dev.vae4j.eval.BenchmarkTable;
import dev.vae4j.eval.ScoreKind;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;

/** An anomaly benchmark's ROC AUCs as grouped bars: one group per class (and the mean), one bar per score. */
public final class AucChart {
  public static final int WIDTH = 1000, HEIGHT = 560;

  private AucChart() {}

  /** Renders {@code table} and writes it as a PNG, atomically. */
  public static void write(Path file, BenchmarkTable table, String title) throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("class").yAxisTitle("ROC AUC").build();
    var s = chart.getStyler();
    s.setChartBackgroundColor(Color.WHITE);
    s.setPlotBackgroundColor(Color.WHITE);
    s.setPlotGridLinesColor(new Color(0xdddddd));
    s.setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    s.setAntiAlias(true);
    chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisLabelRotation(30);
    List<String> groups = new ArrayList<>();
    for (String label : table.cases()) groups.add(table.name(label));
    groups.add("mean");
    int i = 0;
    for (ScoreKind score : table.scores()) {
      List<Double> aucs = new ArrayList<>();
      for (String label : table.cases()) aucs.add(table.roc(label, score).auc());
      aucs.add(table.meanAuc(score));
      CategorySeries series = chart.addSeries(String.format(Locale.ROOT, "%s (mean %.3f)", score.cliName(),
          table.meanAuc(score)), groups, aucs);
      series.setFillColor(Charts.colour(i++, 255));
    }
    ImageGrid.writePng(file, Charts.drawingText(() -> org.knowm.xchart.BitmapEncoder.getBufferedImage(chart)));
  }
}

package dev.vae4j.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How well scores separate positives (anomalies) from negatives, higher scores meaning "more
 * positive": the ROC curve, the area under it, and average precision. Tied scores are treated as
 * one threshold, as scikit-learn's {@code roc_curve}, {@code roc_auc_score} and {@code
 * average_precision_score} do.
 *
 * @param falsePositiveRates the ROC curve's x coordinates, from 0 to 1, one point per distinct
 *     score threshold plus the origin
 * @param truePositiveRates the ROC curve's y coordinates
 * @param auc the area under the ROC curve (trapezoids, so ties count half): the probability that
 *     a random positive scores above a random negative
 * @param averagePrecision {@code sum_n (R_n - R_{n-1}) P_n} over thresholds from high to low
 */
public record Roc(double[] falsePositiveRates, double[] truePositiveRates, double auc, double averagePrecision,
    int positives, int negatives) {

  /** The ROC analysis of {@code scores}, where {@code positive[i]} marks the anomalies. */
  public static Roc of(double[] scores, boolean[] positive) {
    if (scores.length != positive.length) throw new IllegalArgumentException(scores.length + " scores for " + positive.length + " labels");
    int pos = 0;
    for (boolean p : positive) if (p) pos++;
    int neg = scores.length - pos;
    if (pos == 0 || neg == 0) {
      throw new IllegalArgumentException("ROC analysis needs both positives and negatives, got " + pos + " and " + neg);
    }
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      if (Double.isNaN(scores[i])) throw new IllegalArgumentException("score " + i + " is NaN");
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    List<double[]> points = new ArrayList<>();
    points.add(new double[] {0, 0});
    double auc = 0, ap = 0, lastFpr = 0, lastTpr = 0;
    int tp = 0, fp = 0;
    for (int i = 0; i < order.length; ) {
      double threshold = scores[order[i]];
      for (; i < order.length && scores[order[i]] == threshold; i++) {
        if (positive[order[i]]) tp++;
        else fp++;
      }
      double tpr = (double) tp / pos, fpr = (double) fp / neg;
      auc += (fpr - lastFpr) * (tpr + lastTpr) / 2;
      ap += (tpr - lastTpr) * tp / (tp + fp);
      points.add(new double[] {fpr, tpr});
      lastFpr = fpr;
      lastTpr = tpr;
    }
    double[] x = new double[points.size()], y = new double[points.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = points.get(i)[0];
      y[i] = points.get(i)[1];
    }
    return new Roc(x, y, auc, ap, pos, neg);
  }
}

package dev.vae4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RocTest {
  private final long seed = System.nanoTime();

  @Test
  void aucIsThePairwiseProbabilityAndApFollowsItsDefinition() {
    SplittableRandom random = new SplittableRandom(seed);
    for (int trial = 0; trial < 20; trial++) {
      int n = 20 + random.nextInt(300);
      double[] s = new double[n];
      boolean[] p = new boolean[n];
      for (int i = 0; i < n; i++) {
        p[i] = i < 3 || (i >= 6 && random.nextDouble() < 0.3);
        if (i >= 3 && i < 6) p[i] = false;
        s[i] = random.nextInt(25) + (p[i] ? 5 : 0); // coarse scores: many ties
      }
      Roc roc = Roc.of(s, p);
      double wins = 0;
      int pos = 0, neg = 0;
      for (int i = 0; i < n; i++) {
        if (p[i]) pos++;
        else neg++;
        for (int j = 0; j < n; j++) {
          if (p[i] && !p[j]) wins += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
        }
      }
      assertEquals(wins / ((double) pos * neg), roc.auc(), 1e-12, "seed " + seed);
      // AP: sum over distinct thresholds t (high to low) of (recall(t) - recall(prev)) * precision(t).
      double ap = 0, lastRecall = 0;
      double[] thresholds = java.util.Arrays.stream(s).distinct().sorted().toArray();
      for (int t = thresholds.length - 1; t >= 0; t--) {
        int tp = 0, fp = 0;
        for (int i = 0; i < n; i++) {
          if (s[i] >= thresholds[t]) {
            if (p[i]) tp++;
            else fp++;
          }
        }
        double recall = (double) tp / pos;
        ap += (recall - lastRecall) * tp / (tp + fp);
        lastRecall = recall;
      }
      assertEquals(ap, roc.averagePrecision(), 1e-12, "seed " + seed);
      assertEquals(1.0, roc.truePositiveRates()[roc.truePositiveRates().length - 1], 0);
      assertEquals(1.0, roc.falsePositiveRates()[roc.falsePositiveRates().length - 1], 0);
    }
  }

  @Test
  void perfectAndReversedSeparation() {
    double[] s = {0.1, 0.2, 0.8, 0.9};
    assertEquals(1.0, Roc.of(s, new boolean[] {false, false, true, true}).auc(), 0);
    assertEquals(1.0, Roc.of(s, new boolean[] {false, false, true, true}).averagePrecision(), 0);
    assertEquals(0.0, Roc.of(s, new boolean[] {true, true, false, false}).auc(), 0);
    assertThrows(IllegalArgumentException.class, () -> Roc.of(s, new boolean[4]));
  }

  @Test
  void flagsByThresholdAndContamination() {
    double[] s = {5, 1, 4, 2, 3, 9, 0, 7, 8, 6};
    double t = Flagging.thresholdForContamination(s, 0.3);
    assertEquals(6, t, 0);
    boolean[] f = Flagging.above(s, t);
    assertEquals("[false, false, false, false, false, true, false, true, true, false]", java.util.Arrays.toString(f));
    assertThrows(IllegalArgumentException.class, () -> Flagging.thresholdForContamination(s, 1.0));
  }

  @Test
  void anomalyEvaluationPerHeldOutClass() {
    double[] s = {1, 2, 3, 10, 11, 5, 12};
    int[] labels = {0, 0, 1, 2, 2, 3, 3};
    AnomalyEvaluation e = AnomalyEvaluation.of(s, labels, java.util.Set.of(0, 1));
    assertEquals(java.util.List.of(2, 3), java.util.List.copyOf(e.perClass().keySet()));
    assertEquals(1.0, e.perClass().get(2).auc(), 0);
    assertEquals(4, e.allHeldOut().positives());
    assertEquals(3, e.allHeldOut().negatives());
    assertThrows(IllegalArgumentException.class, () -> AnomalyEvaluation.of(s, labels, java.util.Set.of(0, 1, 2, 3)));
  }

  @Test
  void handComputedCaseWithTies() {
    // Positives score 2 and 3, negatives 1 and 2: of the 4 pairs 3 wins, 1 ties -> AUC 3.5/4.
    // AP: threshold 3 recalls 1/2 at precision 1, threshold 2 the rest at precision 2/3 -> 1/2 + 1/3.
    Roc roc = Roc.of(new double[] {1, 2, 2, 3}, new boolean[] {false, true, false, true});
    assertEquals(0.875, roc.auc(), 1e-15);
    assertEquals(0.5 + 1.0 / 3, roc.averagePrecision(), 1e-15);
    Roc allTied = Roc.of(new double[] {4, 4, 4}, new boolean[] {true, false, false});
    assertEquals(0.5, allTied.auc(), 1e-15);
    assertEquals(1.0 / 3, allTied.averagePrecision(), 1e-15);
  }
}

package dev.vae4j.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Vizier's median-stopping rule on hand-computed histories. */
class MedianStoppingTest {
  private static final MedianStopping TWO = new MedianStopping(2);

  @Test
  void aTrialWhoseBestIsWorseThanTheMedianRunningAverageStops() {
    // Running averages to epoch 2: (10+6)/2 = 8, (12+8)/2 = 10, (9+9)/2 = 9: median 9.
    List<double[]> finished = List.of(new double[] {10, 6, 5}, new double[] {12, 8, 7}, new double[] {9, 9, 9});
    String why = TWO.judge(new double[] {11, 9.5}, finished, "val_loss").orElseThrow();
    assertTrue(why.startsWith("pruned after epoch 2: best val_loss 9.5000 is worse than 9.0000, the median of 3"), why);
    // Its best so far (8.9 at epoch 1) beats the median: on it goes, however bad its last epoch.
    assertTrue(TWO.judge(new double[] {8.9, 20}, finished, "val_loss").isEmpty());
    // Equal to the median is not worse.
    assertTrue(TWO.judge(new double[] {9, 9}, finished, "val_loss").isEmpty());
  }

  @Test
  void anEvenCountTakesTheMeanOfTheMiddleTwoAndOnlyTrialsThatReachedTheEpochCount() {
    List<double[]> finished = List.of(new double[] {4, 4}, new double[] {6, 6}, new double[] {100});
    // At epoch 2 only the first two count: median (4 + 6) / 2 = 5.
    assertTrue(TWO.judge(new double[] {5.5, 5.2}, finished, "m").orElseThrow().contains("5.0000, the median of 2"));
    assertTrue(TWO.judge(new double[] {5.5, 4.9}, finished, "m").isEmpty());
    // Too few finished trials reached epoch 2 for a median of 3.
    assertTrue(new MedianStopping(3).judge(new double[] {50, 50}, finished, "m").isEmpty());
  }

  @Test
  void nanValuesAreNeverJudged() {
    List<double[]> finished = List.of(new double[] {1}, new double[] {1});
    assertTrue(TWO.judge(new double[] {Double.NaN}, finished, "val_loss").isEmpty());
    assertTrue(TWO.judge(new double[0], finished, "val_loss").isEmpty());
  }

  @Test
  void parsesMedianAndMedianNAndRefusesTheRest() {
    assertEquals(new MedianStopping(MedianStopping.DEFAULT_MIN_FINISHED), MedianStopping.parse("median"));
    assertEquals(new MedianStopping(5), MedianStopping.parse("median:5"));
    assertEquals("median:5", MedianStopping.parse("median:5").toString());
    for (String bad : List.of("mean", "median:", "median:0", "median:x", "median:2:3")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MedianStopping.parse(bad), bad);
      assertTrue(e.getMessage().startsWith("--prune"), e.getMessage());
    }
  }
}

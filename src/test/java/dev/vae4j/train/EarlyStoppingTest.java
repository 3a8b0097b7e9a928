package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  @Test
  void stopsAfterPatienceEpochsWithoutImprovementKeepingTheBestWeights() {
    EarlyStopping early = new EarlyStopping(2);
    float[] weights = {1, 2};
    assertTrue(early.record(1, 10, weights));
    weights[0] = 5; // the kept copy does not follow
    assertTrue(early.record(2, 9, new float[] {3, 4}));
    assertFalse(early.record(3, 9, new float[] {0, 0}), "equal is no improvement");
    assertFalse(early.stopsAfter(3, 10));
    assertFalse(early.record(4, 11, new float[] {0, 0}));
    assertTrue(early.stopsAfter(4, 10));
    assertFalse(early.stopsAfter(10, 10), "the last epoch ends training anyway, not patience");
    assertEquals(9, early.bestLoss());
    assertEquals(2, early.bestEpoch());
    assertEquals(2, early.sinceBest());
    assertArrayEquals(new float[] {3, 4}, early.bestParameters());
  }

  @Test
  void withoutPatienceNeverStopsNorKeepsWeights() {
    EarlyStopping early = new EarlyStopping(0);
    assertEquals(Double.POSITIVE_INFINITY, early.bestLoss());
    assertEquals(0, early.bestEpoch());
    assertTrue(early.record(1, 5, new float[] {1}));
    for (int e = 2; e < 20; e++) assertFalse(early.record(e, 6, new float[] {1}));
    assertFalse(early.stopsAfter(19, 100));
    assertNull(early.bestParameters());
    assertEquals(1, early.bestEpoch());
    assertThrows(IllegalArgumentException.class, () -> new EarlyStopping(-1));
  }

  @Test
  void restoresFromATrainingState() {
    float[] best = {7, 8};
    TrainingState state = TrainingState.builder().parameters(new float[2]).bestLoss(3.5).sinceBest(4)
        .bestParameters(best).build();
    EarlyStopping early = new EarlyStopping(5);
    early.restore(state);
    assertEquals(3.5, early.bestLoss());
    assertEquals(4, early.sinceBest());
    assertArrayEquals(best, early.bestParameters());
    best[0] = 0;
    assertEquals(7, early.bestParameters()[0], "a copy");
    assertFalse(early.record(1, 3.5, new float[2]));
    assertTrue(early.stopsAfter(1, 10));

    TrainingState saved = early.saveTo(TrainingState.builder().parameters(new float[2])).build();
    assertEquals(3.5, saved.bestLoss());
    assertEquals(5, saved.sinceBest());
    assertArrayEquals(new float[] {7, 8}, saved.bestParameters());
  }
}

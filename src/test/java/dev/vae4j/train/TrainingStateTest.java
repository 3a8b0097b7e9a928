package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingStateTest {
  @Test
  void aFreshRunStartsFromItsParametersWithNothingElse() {
    float[] params = {1, 2, 3};
    TrainingState s = TrainingState.start(params);
    assertSame(params, s.parameters());
    assertArrayEquals(new float[3], s.firstMoment());
    assertArrayEquals(new float[3], s.secondMoment());
    assertArrayEquals(new float[2], s.epochLossSums());
    assertEquals(0, s.epoch());
    assertEquals(0, s.batch());
    assertEquals(0, s.adamSteps());
    assertEquals(Double.POSITIVE_INFINITY, s.bestLoss());
    assertEquals(0, s.bestEpoch());
    assertEquals(0, s.sinceBest());
    assertNull(s.bestParameters());
    assertEquals(List.of(), s.history());
    assertFalse(s.finished());
  }

  @Test
  void theBuilderNamesEveryFieldAndTheRecordStillChecks() {
    float[] p = {1}, m = {2}, v = {3}, best = {4}, sums = {5, 6};
    EpochMetrics e = new EpochMetrics(1, 1, 1, 0, 1, 1, 0, 1, 1, 1, true);
    TrainingState s = TrainingState.builder().epoch(1).batch(3).adamSteps(9).parameters(p).firstMoment(m)
        .secondMoment(v).epochLossSums(sums).bestLoss(0.5).bestEpoch(1).sinceBest(0).bestParameters(best)
        .history(List.of(e)).finished(true).build();
    assertEquals(new TrainingState(1, 3, 9, p, m, v, sums, 0.5, 1, 0, best, List.of(e), true), s);
    assertThrows(IllegalArgumentException.class, () -> TrainingState.builder().build(), "parameters are required");
    assertThrows(IllegalArgumentException.class, () -> TrainingState.builder().parameters(p).epoch(1).build(),
        "one completed epoch needs its metrics");
  }
}

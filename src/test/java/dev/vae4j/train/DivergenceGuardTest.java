package dev.vae4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DivergenceGuardTest {
  private static final float[][] GOOD = {{1, 2}, {3}};
  private static final float[][] BAD = {{1, Float.NaN}, {3}};
  private static final TrainingState LAST_GOOD = TrainingState.builder().epoch(1).batch(2).adamSteps(12)
      .parameters(new float[1]).history(List.of(new EpochMetrics(1, 1, 1, 0, 1, 1, 0, 1, 1, 1, true))).build();

  /** An epoch whose steps in {@code bad} go non-finite unless the guard skips them. */
  private static class FakeEpoch implements DivergenceGuard.Epoch {
    final DivergenceGuard guard;
    final List<Long> bad;
    final List<TrainingListener> listeners = new ArrayList<>();
    int restores;

    FakeEpoch(DivergenceGuard guard, List<Long> bad) {
      this.guard = guard;
      this.bad = bad;
    }

    @Override
    public float[][] train(TrainingListener listener) {
      listeners.add(listener);
      return firstNonFiniteStep() >= 0 ? BAD : GOOD;
    }

    @Override
    public long firstNonFiniteStep() {
      return bad.stream().filter(s -> !guard.skips(s)).findFirst().orElse(-1L);
    }

    @Override
    public TrainingState restoreLastGood() {
      restores++;
      return LAST_GOOD;
    }
  }

  @Test
  void aHealthyEpochRunsOnce() {
    DivergenceGuard guard = new DivergenceGuard(false, 10);
    FakeEpoch epoch = new FakeEpoch(guard, List.of());
    TrainingListener listener = new TrainingListener() {};
    assertSame(GOOD, guard.train(2, listener, epoch));
    assertEquals(List.of(listener), epoch.listeners);
    assertEquals(0, epoch.restores);
  }

  @Test
  void stopsAtTheFirstNonFiniteStepWithTheModelAtTheLastGoodState() {
    DivergenceGuard guard = new DivergenceGuard(false, 10);
    FakeEpoch epoch = new FakeEpoch(guard, List.of(15L, 17L));
    TrainingDivergedException e =
        assertThrows(TrainingDivergedException.class, () -> guard.train(2, new TrainingListener() {}, epoch));
    assertEquals(15, e.step());
    assertEquals(2, e.epoch());
    assertEquals("training diverged: the loss or the weights became NaN or infinite at step 15 (epoch 2, batch 5);"
        + " the model holds the last good weights (in epoch 2 after batch 2, step 12)", e.getMessage());
    assertEquals(1, epoch.restores);
    assertFalse(guard.skips(15));
  }

  @Test
  void skipsNonFiniteStepsAndReplaysWithoutTheListener() {
    DivergenceGuard guard = new DivergenceGuard(true, 10);
    FakeEpoch epoch = new FakeEpoch(guard, List.of(15L, 17L));
    TrainingListener listener = new TrainingListener() {};
    assertSame(GOOD, guard.train(2, listener, epoch));
    assertTrue(guard.skips(15) && guard.skips(17));
    assertEquals(3, epoch.listeners.size());
    assertSame(listener, epoch.listeners.get(0));
    assertNotSame(listener, epoch.listeners.get(1), "replays repeat steps the listener has seen");
    assertEquals(2, epoch.restores);
  }

  @Test
  void aStepCheckpointsNonFiniteStepCountsWhenTheReplayFindsNone() {
    DivergenceGuard guard = new DivergenceGuard(true, 10);
    DivergenceGuard.Epoch epoch = new FakeEpoch(guard, List.of()) {
      @Override
      public float[][] train(TrainingListener listener) {
        if (!guard.skips(13)) throw new DivergenceGuard.NonFiniteStep(13);
        return GOOD;
      }
    };
    assertSame(GOOD, guard.train(2, new TrainingListener() {}, epoch));
    assertTrue(guard.skips(13));
  }

  @Test
  void givesUpAfterTooManySkipsInOneEpoch() {
    DivergenceGuard guard = new DivergenceGuard(true, 100);
    List<Long> bad = new ArrayList<>();
    for (long s = 1; s <= RunControl.MAX_SKIPPED_PER_EPOCH + 1; s++) bad.add(s);
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> guard.train(1, new TrainingListener() {}, new FakeEpoch(guard, bad)));
    assertEquals(RunControl.MAX_SKIPPED_PER_EPOCH + 1, e.step());
    assertTrue(e.getMessage().contains("after skipping " + RunControl.MAX_SKIPPED_PER_EPOCH + " batches"), e.getMessage());
  }

  @Test
  void anEpochNonFiniteWithoutAStepIsNamedByEpoch() {
    DivergenceGuard guard = new DivergenceGuard(true, 10);
    DivergenceGuard.Epoch epoch = new FakeEpoch(guard, List.of()) {
      @Override
      public float[][] train(TrainingListener listener) {
        return BAD; // no single step to blame
      }
    };
    TrainingDivergedException e =
        assertThrows(TrainingDivergedException.class, () -> guard.train(3, new TrainingListener() {}, epoch));
    assertEquals(-1, e.step());
    assertTrue(e.getMessage().contains("infinite at epoch 3;"), e.getMessage());
  }
}

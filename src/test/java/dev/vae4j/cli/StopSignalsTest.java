package dev.vae4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Trainings open at once in one process (sweep --parallel) are each asked to stop by one signal. */
class StopSignalsTest {

  @Test
  void aSignalReachesEveryOpenTrainingAndNoClosedOne() {
    StopSignals closed = StopSignals.install();
    closed.close();
    try (StopSignals a = StopSignals.install(); StopSignals b = StopSignals.install()) {
      assertFalse(a.requested() || b.requested());
      StopSignals.signalled(); // once only: a second signal while they are open exits the JVM
      assertTrue(a.requested(), "the first training");
      assertTrue(b.requested(), "the second training");
      assertFalse(closed.requested(), "a training that had closed");
    }
  }
}

package dev.vae4j.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The warm-up's stopping rule, on a simulated clock and compiler. */
class JitWarmupTest {
  private final SplittableRandom random = new SplittableRandom();

  /**
   * Steps of {@code stepSeconds} each; the compiler works {@code busyMillisPerStep} per step during
   * steps [busyFrom, busyTo), and not at all before or after.
   */
  private static final class Simulation {
    final double stepSeconds;
    final long busyFrom;
    final long busyTo;
    final double busyMillisPerStep;
    final List<Integer> stretches = new ArrayList<>();
    long stepsRun;
    double compileMillis;

    Simulation(double stepSeconds, long busySteps, double busyMillisPerStep) {
      this(stepSeconds, 0, busySteps, busyMillisPerStep);
    }

    Simulation(double stepSeconds, long busyFrom, long busyTo, double busyMillisPerStep) {
      this.stepSeconds = stepSeconds;
      this.busyFrom = busyFrom;
      this.busyTo = busyTo;
      this.busyMillisPerStep = busyMillisPerStep;
    }

    double run(int steps) {
      stretches.add(steps);
      for (int i = 0; i < steps; i++, stepsRun++) {
        if (stepsRun >= busyFrom && stepsRun < busyTo) compileMillis += busyMillisPerStep;
      }
      return steps * stepSeconds;
    }

    long compiled() {
      return (long) compileMillis;
    }
  }

  @Test
  void stopsAfterTwoQuietStretchesOnceTheCompilerIsDone() {
    double stepSeconds = 1e-3 * (1 + random.nextDouble()); // 1-2 ms a step
    long busySteps = 1_000 + random.nextInt(3_000);
    Simulation sim = new Simulation(stepSeconds, busySteps, 0.5); // compiling 25-50% of the time
    JitWarmup.Outcome outcome = JitWarmup.run(sim::run, sim::compiled, 60);
    assertTrue(outcome.quiet());
    assertTrue(outcome.steps() > busySteps, outcome + " ended before the compiler did (" + busySteps + " steps)");
    // Once quiet, two stretches of about half a second each, plus at most the stretch that straddled the end.
    double afterBusy = (outcome.steps() - busySteps) * stepSeconds;
    assertTrue(afterBusy >= 2 * JitWarmup.STRETCH_SECONDS && afterBusy < 4 * JitWarmup.STRETCH_SECONDS, outcome.toString());
    assertEquals(outcome.steps() * stepSeconds, outcome.seconds(), 1e-9);
  }

  @Test
  void stretchesGrowFromOneStepToHalfASecond() {
    Simulation sim = new Simulation(1e-4, 0, 0);
    JitWarmup.run(sim::run, sim::compiled, 60);
    assertEquals(1, sim.stretches.get(0));
    int last = sim.stretches.get(sim.stretches.size() - 1);
    assertTrue(last * 1e-4 >= JitWarmup.STRETCH_SECONDS && last * 1e-4 < 0.6, sim.stretches.toString());
  }

  @Test
  void aCompilerThatNeverRestsEndsTheWarmupAtTheLimit() {
    Simulation sim = new Simulation(1e-3, Long.MAX_VALUE, 0.1); // compiling 10% of the time
    double limit = 2 + random.nextDouble() * 3;
    JitWarmup.Outcome outcome = JitWarmup.run(sim::run, sim::compiled, limit);
    assertFalse(outcome.quiet());
    assertTrue(outcome.seconds() >= limit && outcome.seconds() < limit + 0.6, outcome.toString());
  }

  @Test
  void aBusyStretchStartsTheCountAgain() {
    // Quiet for the first half-second stretch, then a late compilation, then quiet for good: the
    // quiet stretch before it does not count towards the two.
    double stepSeconds = 1e-3;
    Simulation sim = new Simulation(stepSeconds, 700, 1_300, 0.2);
    JitWarmup.Outcome outcome = JitWarmup.run(sim::run, sim::compiled, 60);
    assertTrue(outcome.quiet());
    assertTrue(sim.stretches.get(1) * stepSeconds >= JitWarmup.STRETCH_SECONDS, sim.stretches.toString());
    assertTrue(outcome.steps() >= 1_300 + 2 * JitWarmup.STRETCH_SECONDS / stepSeconds, outcome.toString());
  }

  @Test
  void noTimeAllowedMeansNoWarmup() {
    Simulation sim = new Simulation(1e-3, 0, 0);
    assertEquals(new JitWarmup.Outcome(0, 0, false), JitWarmup.run(sim::run, sim::compiled, 0));
  }
}

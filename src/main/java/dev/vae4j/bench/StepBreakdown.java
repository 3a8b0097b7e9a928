package dev.vae4j.bench;

import java.util.List;

/**
 * Where a training step's (or an inference pass's) time goes on a backend that runs each op before returning (the CPU), from
 * {@code bench --breakdown}: each op's time per step on one batch part's core, beside what the
 * step's GEMMs take alone, so that time spent outside the GEMMs shows itself on any machine.
 *
 * @param msPerStep milliseconds per step while every op was timed (a little above the untimed rate)
 * @param parts batch parts per step, each on a core of its own; op times are per part
 * @param ops each op's calls and milliseconds per step and part, slowest first
 * @param forwardGemmsMs the forward passes' GEMMs run alone, ms per step and part: what {@code
 *     linearForward}/{@code convForward} would take if their bias, activation and copies were free
 * @param backwardGemmsMs the same for the weight and input gradient GEMMs ({@code linearBackward},
 *     {@code convBackwardWeights}, {@code convBackwardData}); 0 for inference
 * @param subnormalMoments the optimizer's moments that were subnormal after the timed steps (x86
 *     processors compute with those through microcode assists: Intel's slowly); 0 for inference
 * @param moments the optimizer's moments (first and second); 0 for inference
 * @param busy each thread's time in the ops, ms per step (the thread that starts the step also runs
 *     what comes before and between the parts, the noise and the loss sums): a step lasts as long as
 *     its busiest core plus the hand-offs, so their difference is time the others wait
 */
public record StepBreakdown(double msPerStep, int parts, List<OpTime> ops, double forwardGemmsMs,
    double backwardGemmsMs, long subnormalMoments, long moments, List<ThreadTime> busy) {

  public StepBreakdown {
    ops = List.copyOf(ops);
    busy = List.copyOf(busy);
  }

  /** One thread's time in the step's ops, ms per step. */
  public record ThreadTime(String thread, double msPerStep) {}

  /**
   * One op's share.
   *
   * @param op the {@code Backend} method
   * @param callsPerStep calls per step and part
   * @param msPerStep milliseconds per step and part, summed over its calls
   */
  public record OpTime(String op, double callsPerStep, double msPerStep) {}

  /** Milliseconds per step and part of the named ops together (0 for those that were not called). */
  public double msOf(String... names) {
    List<String> wanted = List.of(names);
    return ops.stream().filter(o -> wanted.contains(o.op())).mapToDouble(OpTime::msPerStep).sum();
  }

  /** How much longer a step takes than its busiest thread's time in the ops (0 with one thread): hand-offs and waits. */
  public double beyondBusiestThreadMs() {
    return msPerStep - busy.stream().mapToDouble(ThreadTime::msPerStep).max().orElse(msPerStep);
  }

  /** Milliseconds per step and part spent outside every op: orchestration, and waiting for the other parts. */
  public double betweenOpsMs() {
    return msPerStep - ops.stream().mapToDouble(OpTime::msPerStep).sum();
  }
}

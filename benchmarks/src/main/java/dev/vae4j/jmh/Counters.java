package dev.vae4j.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH secondary results: each public field is reported as its rate over the measured time, in the
 * unit its name says (GFLOP/s, GB/s, samples/s). These, not the primary ops/s, are the numbers to
 * read: an invocation may hold several ops.
 */
public final class Counters {
  private Counters() {}

  /** Floating-point work done, in GFLOP: reported as GFLOP/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Gflop {
    public double gflop;

    @Setup(Level.Iteration)
    public void reset() {
      gflop = 0;
    }
  }

  /** Bytes an op must read and write, in GB: reported as GB/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Gigabytes {
    public double gigabytes;

    @Setup(Level.Iteration)
    public void reset() {
      gigabytes = 0;
    }
  }

  /** Training or inference samples processed: reported as samples/s. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Samples {
    public double samples;

    @Setup(Level.Iteration)
    public void reset() {
      samples = 0;
    }
  }
}

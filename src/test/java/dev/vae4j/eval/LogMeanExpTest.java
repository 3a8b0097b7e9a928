package dev.vae4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LogMeanExpTest {
  private final long seed = System.nanoTime();

  /** The textbook formula, accurate in double for values of moderate size. */
  private static double naive(double[] v) {
    double sum = 0;
    for (double x : v) sum += Math.exp(x);
    return Math.log(sum / v.length);
  }

  @Test
  void matchesTheDoubleReferenceAndStaysFiniteFarFromZero() {
    SplittableRandom random = new SplittableRandom(seed);
    for (int trial = 0; trial < 50; trial++) {
      double[] v = new double[1 + random.nextInt(2000)];
      for (int i = 0; i < v.length; i++) v[i] = random.nextDouble(-30, 30);
      double reference = naive(v);
      assertEquals(reference, LogMeanExp.of(v), 1e-12 * Math.max(1, Math.abs(reference)), "seed " + seed);
      LogMeanExp.Accumulator online = new LogMeanExp.Accumulator();
      for (double x : v) online.add(x);
      assertEquals(reference, online.value(), 1e-12 * Math.max(1, Math.abs(reference)), "seed " + seed);
      // Log-weights of real images sit near -10,000 nats, where exp underflows to 0.
      double shift = -1e4;
      double[] shifted = v.clone();
      for (int i = 0; i < v.length; i++) shifted[i] += shift;
      assertEquals(Double.NEGATIVE_INFINITY, naive(shifted));
      assertEquals(reference + shift, LogMeanExp.of(shifted), 1e-9, "seed " + seed);
      LogMeanExp.Accumulator far = new LogMeanExp.Accumulator();
      for (double x : shifted) far.add(x);
      assertEquals(reference + shift, far.value(), 1e-9, "seed " + seed);
    }
  }

  @Test
  void exactCases() {
    assertEquals(-7.5, LogMeanExp.of(-7.5, -7.5, -7.5), 1e-15);
    assertEquals(Math.log(1.5), LogMeanExp.of(0, Math.log(2)), 1e-15);
    assertEquals(Math.log(0.5), LogMeanExp.of(0, Double.NEGATIVE_INFINITY), 1e-15);
    LogMeanExp.Accumulator a = new LogMeanExp.Accumulator();
    a.add(Double.NEGATIVE_INFINITY);
    a.add(0);
    assertEquals(Math.log(0.5), a.value(), 1e-15);
    assertTrue(Double.isNaN(LogMeanExp.of(1, Double.NaN)));
  }

  @Test
  void isAtLeastTheMean() {
    SplittableRandom random = new SplittableRandom(seed);
    double[] v = new double[100];
    double mean = 0;
    for (int i = 0; i < v.length; i++) mean += (v[i] = random.nextDouble(-500, 0)) / v.length;
    assertTrue(LogMeanExp.of(v) >= mean, "Jensen's inequality, seed " + seed);
  }
}

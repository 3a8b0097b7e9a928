package dev.vae4j.train;

import java.util.SplittableRandom;

/**
 * The order in which an epoch visits the training rows: a Fisher-Yates shuffle seeded from the
 * run's seed and the epoch number alone, so any epoch's order can be recomputed (a resumed run
 * needs no stored permutation). {@link Trainer} shuffles every epoch; {@code bench.Benchmark} draws one
 * fixed order with {@link #shuffledRange}.
 */
public final class EpochOrder {
  private final int[] rows;
  private final long seed;

  /** Orders of {@code rows} (copied) for a run seeded with {@code seed}. */
  EpochOrder(int[] rows, long seed) {
    this.rows = rows.clone();
    this.seed = seed;
  }

  /** How many rows an epoch visits. */
  int size() {
    return rows.length;
  }

  /** Epoch {@code epoch}'s (1-based) order: a fresh array, the same every time it is asked for. */
  int[] of(int epoch) {
    return shuffle(rows, new SplittableRandom(mix(seed, epoch)));
  }

  /** {@code 0 .. n-1}, shuffled once by {@code random}. */
  public static int[] shuffledRange(int n, SplittableRandom random) {
    return shuffle(range(0, n), random);
  }

  /** A Fisher-Yates shuffle of a copy of {@code rows}, one {@code nextInt} draw per position from the end. */
  static int[] shuffle(int[] rows, SplittableRandom random) {
    int[] p = rows.clone();
    for (int i = p.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** {@code from, from + 1, ..., to - 1}. */
  static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) r[i] = from + i;
    return r;
  }

  /** A well-mixed seed for epoch {@code epoch}'s shuffle (SplitMix64's finalizer). */
  static long mix(long seed, int epoch) {
    long z = seed + 0x9E3779B97F4A7C15L * epoch;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

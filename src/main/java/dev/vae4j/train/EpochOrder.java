package dev.vae4j.train;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The order in which an epoch visits the training rows: a Fisher-Yates shuffle seeded from the
 * run's seed and the epoch number alone, so any epoch's order can be recomputed (a resumed run
 * needs no stored permutation). {@link Trainer} shuffles every epoch; {@code bench.Benchmark} draws one
 * fixed order with {@link #shuffledRange}.
 *
 * <p>Balanced ({@link #balanced}), an epoch draws {@code per} rows of every class present, where
 * {@code per} is the largest class's count (oversample) or the smallest's (undersample): each row
 * of a class of {@code c} rows appears {@code per / c} times, plus {@code per % c} of its rows
 * chosen by a seeded shuffle, and the {@code classes * per} rows are then shuffled together. An
 * epoch thus has {@code ceil(classes * per / batch)} batches, not {@code ceil(rows / batch)}.
 */
public final class EpochOrder {
  private final int[][] classRows; // one group per class; a single group of all rows when not balanced
  private final int per;
  private final boolean balanced;
  private final long seed;

  private EpochOrder(int[][] classRows, int per, boolean balanced, long seed) {
    this.classRows = classRows;
    this.per = per;
    this.balanced = balanced;
    this.seed = seed;
  }

  /** Orders of {@code rows} (copied) for a run seeded with {@code seed}: every row once per epoch. */
  EpochOrder(int[] rows, long seed) {
    this(new int[][] {rows.clone()}, rows.length, false, seed);
  }

  /**
   * Class-balanced orders of {@code rows}, whose labels are {@code labels[rows[i]]}; {@link
   * Balance#NONE} gives the plain orders of {@link #EpochOrder(int[], long)}.
   */
  static EpochOrder balanced(int[] rows, int[] labels, Balance balance, long seed) {
    if (balance == Balance.NONE) return new EpochOrder(rows, seed);
    if (labels == null) throw new IllegalArgumentException("--balance needs labelled training images");
    int[][] groups = Arrays.stream(rows).map(r -> labels[r]).distinct().sorted()
        .mapToObj(label -> Arrays.stream(rows).filter(r -> labels[r] == label).toArray()).toArray(int[][]::new);
    int per = balance == Balance.OVERSAMPLE
        ? Arrays.stream(groups).mapToInt(g -> g.length).max().orElse(0)
        : Arrays.stream(groups).mapToInt(g -> g.length).min().orElse(0);
    return new EpochOrder(groups, per, true, seed);
  }

  /** How many rows an epoch visits. */
  int size() {
    return per * classRows.length;
  }

  /** Epoch {@code epoch}'s (1-based) order: a fresh array, the same every time it is asked for. */
  int[] of(int epoch) {
    SplittableRandom random = new SplittableRandom(mix(seed, epoch));
    if (!balanced) return shuffle(classRows[0], random);
    int[] drawn = new int[size()];
    int at = 0;
    for (int[] group : classRows) {
      for (int k = 0; k < per / group.length; k++, at += group.length) System.arraycopy(group, 0, drawn, at, group.length);
      int remainder = per % group.length;
      System.arraycopy(shuffle(group, random), 0, drawn, at, remainder);
      at += remainder;
    }
    return shuffle(drawn, random);
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

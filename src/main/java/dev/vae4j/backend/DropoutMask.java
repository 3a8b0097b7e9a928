package dev.vae4j.backend;

/**
 * Which elements inverted dropout keeps, as a pure function of (seed, step, layer, row, column), so
 * that a row's mask does not depend on how a batch is split into parts, a resumed run drops exactly
 * what it would have dropped, and a backward pass can regenerate the forward's mask instead of
 * storing it. Columns {@code 4b .. 4b+3} of a row take the words w0..w3 of the {@link Philox} block
 * with counter {@code (b, 0x80000000 | layer << 24 | row, lo(step), hi(step))} and key {@code
 * (lo(seed), hi(seed))}; column {@code 4b+j} is kept iff {@code (w_j >>> 8) >= }{@link #threshold}.
 * The set top bit of the second counter word keeps this stream apart from {@link
 * LatentOps#normalNoise}'s, whose second word {@code hi(i/4)} is below 2^29 for any index.
 */
public final class DropoutMask {
  /** Layers are numbered below this (7 bits of the counter). */
  public static final int MAX_LAYERS = 128;
  /** Rows of one pass are numbered below this (24 bits of the counter). */
  public static final int MAX_ROWS = 1 << 24;

  private DropoutMask() {}

  /**
   * The integer threshold on a word's top 24 bits for drop probability {@code p} in [0, 1): an
   * element is dropped with probability {@code threshold / 2^24}, the nearest such to {@code p}.
   */
  public static int threshold(float p) {
    if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
    return (int) Math.round(p * (double) (1 << 24));
  }

  /** What kept elements are multiplied by: {@code 1 / (1 - p)} in float. */
  public static float scale(float p) {
    return (float) (1.0 / (1.0 - p));
  }

  /**
   * The four words deciding columns {@code 4*block .. 4*block+3} of row {@code row}, into {@code
   * words} (the caller's scratch of 4 ints).
   */
  public static void block(long seed, long step, int layer, int row, int block, int[] words) {
    if (layer < 0 || layer >= MAX_LAYERS) throw new IllegalArgumentException("dropout layer " + layer + " out of range");
    if (row < 0 || row >= MAX_ROWS) throw new IllegalArgumentException("dropout row " + row + " out of range");
    words[0] = block;
    words[1] = 0x80000000 | layer << 24 | row;
    words[2] = (int) step;
    words[3] = (int) (step >>> 32);
    Philox.block(words, (int) seed, (int) (seed >>> 32));
  }

  /** Whether a word keeps its element under {@code threshold}. */
  public static boolean keeps(int word, int threshold) {
    return (word >>> 8) >= threshold;
  }
}

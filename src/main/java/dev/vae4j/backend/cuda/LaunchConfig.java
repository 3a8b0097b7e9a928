package dev.vae4j.backend.cuda;

/**
 * The grid and block a kernel is launched with. Each factory matches the indexing of a kernel
 * family in {@code native/}: grid-stride element loops, one block per row, one warp per row, or
 * 32-column tiles. A grid of zero blocks means there is nothing to do and the launch is skipped.
 *
 * @param gridX blocks
 * @param blockX threads per block along x
 * @param blockY threads per block along y
 */
record LaunchConfig(int gridX, int blockX, int blockY) {
  /** Threads per block of 1-D kernels; {@code VAE4J_BLOCK} in {@code native/common.cuh}. */
  static final int BLOCK = 256;

  /** Columns per block of {@code vae4j_activation_backward} and its rows per pass. */
  static final int COLUMN_TILE = 32;

  static final int ROWS_PER_PASS = 8;

  /**
   * Blocks per multiprocessor for grid-stride loops: enough resident warps to hide memory latency,
   * and no more, since each thread then loops.
   */
  static final int BLOCKS_PER_SM = 8;

  /** Nothing to launch. */
  static final LaunchConfig NONE = new LaunchConfig(0, BLOCK, 1);

  /** A grid-stride loop over {@code n} items on a GPU with {@code multiprocessors} SMs. */
  static LaunchConfig elementwise(long n, int multiprocessors) {
    if (n < 0) throw new IllegalArgumentException("negative element count " + n);
    long needed = (n + BLOCK - 1) / BLOCK;
    long cap = (long) BLOCKS_PER_SM * Math.max(1, multiprocessors);
    return new LaunchConfig((int) Math.min(needed, cap), BLOCK, 1);
  }

  /** One block of {@link #BLOCK} threads per row. */
  static LaunchConfig blockPerRow(int rows) {
    return new LaunchConfig(requireNonNegative(rows), BLOCK, 1);
  }

  /** One warp per row, {@code BLOCK / 32} rows per block. */
  static LaunchConfig warpPerRow(int rows) {
    int rowsPerBlock = BLOCK / 32;
    return new LaunchConfig(ceilDiv(requireNonNegative(rows), rowsPerBlock), BLOCK, 1);
  }

  /** One block of 32 x 8 threads per {@link #COLUMN_TILE} columns. */
  static LaunchConfig columnTiles(int cols) {
    return new LaunchConfig(ceilDiv(requireNonNegative(cols), COLUMN_TILE), COLUMN_TILE, ROWS_PER_PASS);
  }

  /** {@link #columnTiles} for each of {@code models} matrices, flattened: model-major. */
  static LaunchConfig stackedColumnTiles(int models, int cols) {
    int tiles = ceilDiv(requireNonNegative(cols), COLUMN_TILE);
    return new LaunchConfig(Math.multiplyExact(requireNonNegative(models), tiles), COLUMN_TILE, ROWS_PER_PASS);
  }

  /** {@code count} blocks of {@link #BLOCK} threads, one per reduction. */
  static LaunchConfig blocks(int count) {
    return new LaunchConfig(requireNonNegative(count), BLOCK, 1);
  }

  /** A single block, for the one-block reductions. */
  static LaunchConfig singleBlock() {
    return new LaunchConfig(1, BLOCK, 1);
  }

  boolean isEmpty() {
    return gridX == 0;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  private static int requireNonNegative(int n) {
    if (n < 0) throw new IllegalArgumentException("negative size " + n);
    return n;
  }
}

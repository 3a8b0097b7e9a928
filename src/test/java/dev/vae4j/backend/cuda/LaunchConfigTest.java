package dev.vae4j.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Grid and block computation for any size: every item is covered exactly once. */
class LaunchConfigTest {

  /** Replays a kernel's grid-stride loop on the host and counts the visits of each index. */
  private static int[] gridStrideVisits(LaunchConfig c, int n) {
    int[] visits = new int[n];
    long threads = (long) c.gridX() * c.blockX();
    for (long t = 0; t < threads; t++) {
      for (long i = t; i < n; i += threads) visits[(int) i]++;
    }
    return visits;
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 31, 255, 256, 257, 1000, 4097, 100_003, 400_000})
  void elementwiseCoversEveryIndexOnce(int n) {
    for (int sms : new int[] {1, 7, 132}) {
      LaunchConfig c = LaunchConfig.elementwise(n, sms);
      assertTrue(c.gridX() >= 1 && c.gridX() <= LaunchConfig.BLOCKS_PER_SM * sms, c.toString());
      assertEquals(LaunchConfig.BLOCK, c.blockX());
      for (int v : gridStrideVisits(c, n)) assertEquals(1, v);
    }
  }

  @Test
  void elementwiseNeverLaunchesIdleBlocks() {
    assertEquals(1, LaunchConfig.elementwise(1, 132).gridX());
    assertEquals(2, LaunchConfig.elementwise(257, 132).gridX());
    assertEquals(8 * 132, LaunchConfig.elementwise(1L << 40, 132).gridX()); // capped, grid-stride
  }

  @Test
  void emptySizesLaunchNothing() {
    assertTrue(LaunchConfig.elementwise(0, 132).isEmpty());
    assertTrue(LaunchConfig.blockPerRow(0).isEmpty());
    assertTrue(LaunchConfig.warpPerRow(0).isEmpty());
    assertTrue(LaunchConfig.columnTiles(0).isEmpty());
    assertTrue(LaunchConfig.NONE.isEmpty());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8, 9, 128, 129, 60_001})
  void warpPerRowHasAWarpForEveryRow(int rows) {
    LaunchConfig c = LaunchConfig.warpPerRow(rows);
    int warps = c.gridX() * c.blockX() / 32;
    assertTrue(warps >= rows && warps - rows < c.blockX() / 32, c + " for " + rows);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 20, 31, 32, 33, 400, 784})
  void columnTilesCoverEveryColumn(int cols) {
    LaunchConfig c = LaunchConfig.columnTiles(cols);
    assertEquals(32, c.blockX());
    assertEquals(8, c.blockY());
    assertTrue(c.gridX() * 32 >= cols && (c.gridX() - 1) * 32 < cols);
  }

  @Test
  void blockPerRowIsOneBlockPerRow() {
    assertEquals(129, LaunchConfig.blockPerRow(129).gridX());
    assertEquals(1, LaunchConfig.singleBlock().gridX());
  }

  @Test
  void negativeSizesAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> LaunchConfig.elementwise(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> LaunchConfig.blockPerRow(-1));
  }
}

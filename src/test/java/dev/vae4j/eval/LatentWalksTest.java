package dev.vae4j.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class LatentWalksTest {
  @Test
  void normalQuantilesMatchPublishedValues() {
    assertEquals(0, NormalQuantile.of(0.5), 0);
    assertEquals(1.959963984540054, NormalQuantile.of(0.975), 1e-15);
    assertEquals(-1.6448536269514722, NormalQuantile.of(0.05), 1e-15);
    assertEquals(-6.361340902404056, NormalQuantile.of(1e-10), 1e-12);
    assertEquals(-NormalQuantile.of(0.3), NormalQuantile.of(0.7), 1e-15);
  }

  @Test
  void manifoldGridRunsLeftToRightAndBottomToTop() {
    float[] z = LatentWalks.manifold(4);
    double q = NormalQuantile.of(0.125);
    assertEquals(q, z[0], 1e-6); // top-left: smallest z1,
    assertEquals(-q, z[1], 1e-6); // largest z2
    assertEquals(-q, z[2 * 3], 1e-6); // top-right: largest z1
    assertEquals(q, z[2 * 15 + 1], 1e-6); // bottom row: smallest z2
  }

  @Test
  void traversalAndInterpolation() {
    float[] t = LatentWalks.traverse(new float[] {1, 2}, new int[] {1}, 3, 2);
    assertArrayEquals(new float[] {1, 0, 1, 2, 1, 4}, t, 1e-6f);
    float[] line = LatentWalks.interpolate(new float[] {0, 10}, new float[] {1, 20}, 3);
    assertArrayEquals(new float[] {0, 10, 0.5f, 15, 1, 20}, line, 1e-6f);
  }
}

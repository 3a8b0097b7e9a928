package dev.vae4j.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The contract of {@link LatentOps}, every op against a double-precision reference written from its
 * Javadoc: Philox noise, the reparameterization and its backward, the KL term and its gradient. A
 * backend's test runs it by implementing this interface (as {@link BackendContractTest} does for
 * all families), which supplies the backend and the seeded randomness.
 */
public interface LatentOpsContract extends OpsContract {

  @Test
  default void normalNoiseFollowsPhilox() {
    int n = 4 * 1000 + 3;
    Tensor t = poisoned(n);
    long s = random().nextLong(), stream = random().nextInt(1000);
    backend().normalNoise(t, s, stream);
    float[] expected = new float[n];
    Philox.normals(s, stream, expected, 0, n);
    float[] out = backend().download(t);
    for (int i = 0; i < n; i++) assertClose(expected[i], out[i], 1e-5, 1e-5, "noise " + i);
  }

  @Test
  default void reparameterizeAndBackward() {
    int rows = 21, latent = 7;
    float[] stats = gaussian(rows * 2 * latent, 1), eps = gaussian(rows * latent, 1);
    float[] dz = gaussian(rows * latent, 1), dstats0 = gaussian(rows * 2 * latent, 1);
    Tensor z = poisoned(rows * latent), dstats = upload(dstats0);
    Tensor st = upload(stats), ep = upload(eps);
    backend().reparameterize(st, ep, z, rows, latent);
    backend().reparameterizeBackward(upload(dz), st, ep, dstats, rows, latent);
    float[] zo = backend().download(z), ds = backend().download(dstats);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < latent; j++) {
        double mu = stats[r * 2 * latent + j], lv = stats[r * 2 * latent + latent + j];
        double e = eps[r * latent + j], g = dz[r * latent + j];
        assertClose(mu + Math.exp(lv / 2) * e, zo[r * latent + j], 1e-6, 1e-6, "z");
        assertClose(dstats0[r * 2 * latent + j] + g, ds[r * 2 * latent + j], 1e-6, 1e-6, "dmu");
        assertClose(dstats0[r * 2 * latent + latent + j] + g * e * 0.5 * Math.exp(lv / 2),
            ds[r * 2 * latent + latent + j], 1e-6, 1e-6, "dlogvar");
      }
    }
  }

  @Test
  default void klDivergence() {
    int rows = 33, latent = 20;
    float[] stats = gaussian(rows * 2 * latent, 1.5);
    Tensor kl = poisoned(rows), dstats = poisoned(rows * 2 * latent);
    float scale = 0.37f;
    backend().klDivergence(upload(stats), rows, latent, kl, dstats, scale);
    float[] k = backend().download(kl), d = backend().download(dstats);
    for (int r = 0; r < rows; r++) {
      double sum = 0;
      for (int j = 0; j < latent; j++) {
        double mu = stats[r * 2 * latent + j], lv = stats[r * 2 * latent + latent + j];
        sum += -0.5 * (1 + lv - mu * mu - Math.exp(lv));
        assertClose(scale * mu, d[r * 2 * latent + j], 1e-6, 1e-7, "dmu");
        assertClose(scale * 0.5 * (Math.exp(lv) - 1), d[r * 2 * latent + latent + j], 1e-6, 1e-7, "dlogvar");
      }
      assertClose(sum, k[r], 1e-5, 1e-6, "kl row " + r);
    }
  }

  /**
   * Whether dropout keeps element (row, col) of the key, from the Philox block the {@link
   * DropoutMask} Javadoc names and the drop probability compared in double.
   */
  private static boolean referenceKeeps(long seed, long step, int layer, int row, int col, float p) {
    int[] words = {col / 4, 0x80000000 | layer << 24 | row, (int) step, (int) (step >>> 32)};
    Philox.block(words, (int) seed, (int) (seed >>> 32));
    return (words[col % 4] >>> 8) >= Math.round(p * (double) (1 << 24));
  }

  @Test
  default void dropoutFollowsItsMaskAndKeepsAboutOneMinusP() {
    int rows = 101, cols = 203, firstRow = random().nextInt(1000), layer = random().nextInt(DropoutMask.MAX_LAYERS);
    long key = random().nextLong(), step = 1 + random().nextInt(1 << 20);
    float p = 0.3f;
    float[] x = gaussian(rows * cols, 1);
    Tensor t = upload(x);
    backend().dropout(t, rows, cols, firstRow, key, step, layer, p);
    float[] out = backend().download(t);
    int kept = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        boolean keeps = referenceKeeps(key, step, layer, firstRow + r, c, p);
        if (keeps) kept++;
        double expected = keeps ? x[r * cols + c] / (1.0 - p) : 0;
        assertClose(expected, out[r * cols + c], 1e-6, 0, "dropout (" + r + ", " + c + ")");
      }
    }
    double fraction = (double) kept / (rows * cols); // standard deviation 0.0032
    assertTrue(Math.abs(fraction - (1 - p)) < 0.02, "kept " + fraction + " (seed " + seed() + ")");
  }

  @Test
  default void dropoutBackwardRegeneratesTheForwardMask() {
    int rows = 17, cols = 39;
    long key = random().nextLong();
    float p = 0.5f;
    float[] ones = new float[rows * cols];
    java.util.Arrays.fill(ones, 1f);
    Tensor forward = upload(ones), backward = upload(ones);
    backend().dropout(forward, rows, cols, 5, key, 9, 2, p);
    backend().dropoutBackward(backward, rows, cols, 5, key, 9, 2, p);
    assertArrayEquals(backend().download(forward), backend().download(backward), "seed " + seed());
  }

  @Test
  default void dropoutMasksDifferPerLayerAndStep() {
    int rows = 40, cols = 50;
    long key = random().nextLong();
    float p = 0.5f;
    float[] base = mask(rows, cols, key, 3, 1, p);
    for (float[] other : new float[][] {mask(rows, cols, key, 3, 2, p), mask(rows, cols, key, 4, 1, p)}) {
      int same = 0;
      for (int i = 0; i < base.length; i++) if (base[i] == other[i]) same++;
      double agreement = (double) same / base.length; // about 0.5 for independent masks
      assertTrue(agreement > 0.4 && agreement < 0.6, "masks agree on " + agreement + " (seed " + seed() + ")");
    }
    assertArrayEquals(base, mask(rows, cols, key, 3, 1, p), "same key, same mask");
  }

  /** Dropout of ones: the mask times the scale. */
  private float[] mask(int rows, int cols, long key, long step, int layer, float p) {
    float[] ones = new float[rows * cols];
    java.util.Arrays.fill(ones, 1f);
    Tensor t = upload(ones);
    backend().dropout(t, rows, cols, 0, key, step, layer, p);
    return backend().download(t);
  }

  @Test
  default void dropoutOfAPartIsItsRowsOfTheWholeBatch() {
    int rows = 29, cols = 13, split = 1 + random().nextInt(rows - 1);
    long key = random().nextLong();
    float[] x = gaussian(rows * cols, 1);
    Tensor whole = upload(x), parts = upload(x);
    backend().dropout(whole, rows, cols, 0, key, 77, 1, 0.25f);
    backend().dropout(backend().slice(parts, 0, (long) split * cols), split, cols, 0, key, 77, 1, 0.25f);
    backend().dropout(backend().slice(parts, (long) split * cols, (long) (rows - split) * cols), rows - split, cols,
        split, key, 77, 1, 0.25f);
    assertArrayEquals(backend().download(whole), backend().download(parts), "split at " + split + " (seed " + seed() + ")");
  }
}

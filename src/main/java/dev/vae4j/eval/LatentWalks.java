package dev.vae4j.eval;

/**
 * Latent points to decode for pictures of a latent space: a grid over a 2-D latent space, a
 * traversal of each dimension around one code, and the line between two codes. Every method
 * returns points row-major, {@code [count, latent]}, ready for {@code Vae.decode}.
 */
public final class LatentWalks {
  private LatentWalks() {}

  /**
   * A {@code side x side} grid over a 2-D latent space at standard-normal quantiles, as in Kingma
   * and Welling's figures: coordinate {@code Phi^-1((i + 0.5) / side)}, so the grid covers the
   * prior's mass evenly. Row by row from the top: z2 decreases downwards, z1 increases rightwards.
   */
  public static float[] manifold(int side) {
    if (side < 2) throw new IllegalArgumentException("manifold grid side must be >= 2, got " + side);
    float[] z = new float[2 * side * side];
    for (int row = 0; row < side; row++) {
      for (int col = 0; col < side; col++) {
        int p = row * side + col;
        z[2 * p] = (float) NormalQuantile.of((col + 0.5) / side);
        z[2 * p + 1] = (float) NormalQuantile.of((side - row - 0.5) / side);
      }
    }
    return z;
  }

  /**
   * For each of the {@code dims} dimensions (one row each), {@code steps} copies of {@code code}
   * with that dimension moved by evenly spaced offsets from {@code -range} to {@code +range} (in
   * prior standard deviations; the middle step of an odd count is the code itself).
   */
  public static float[] traverse(float[] code, int[] dims, int steps, double range) {
    if (steps < 2) throw new IllegalArgumentException("traversal needs at least 2 steps, got " + steps);
    if (!(range > 0)) throw new IllegalArgumentException("traversal range must be > 0, got " + range);
    int latent = code.length;
    float[] z = new float[dims.length * steps * latent];
    for (int r = 0; r < dims.length; r++) {
      if (dims[r] < 0 || dims[r] >= latent) {
        throw new IllegalArgumentException("latent dimension " + dims[r] + " is not in [0, " + latent + ")");
      }
      for (int s = 0; s < steps; s++) {
        int p = (r * steps + s) * latent;
        System.arraycopy(code, 0, z, p, latent);
        z[p + dims[r]] = (float) (code[dims[r]] - range + 2 * range * s / (steps - 1));
      }
    }
    return z;
  }

  /** {@code steps} points from {@code from} to {@code to} (both included), evenly spaced on the line. */
  public static float[] interpolate(float[] from, float[] to, int steps) {
    if (steps < 2) throw new IllegalArgumentException("interpolation needs at least 2 steps, got " + steps);
    if (from.length != to.length) throw new IllegalArgumentException("codes differ in length");
    int latent = from.length;
    float[] z = new float[steps * latent];
    for (int s = 0; s < steps; s++) {
      double t = (double) s / (steps - 1);
      for (int j = 0; j < latent; j++) z[s * latent + j] = (float) ((1 - t) * from[j] + t * to[j]);
    }
    return z;
  }
}

package dev.vae4j.backend;

/**
 * The latent family of {@link Backend}: the VAE's latent layer, from the encoder heads' one
 * output {@code stats [rows, 2*latent]} (mu, then logvar) to the code z and back, with the noise
 * it draws and the KL term it costs. The conventions of every family are on {@link Backend}.
 */
public interface LatentOps {

  /**
   * Fills {@code out} with standard-normal noise from Philox4x32-10, reproducibly for (seed,
   * stream). Element i comes from the Philox block with counter {@code (lo(i/4), hi(i/4),
   * lo(stream), hi(stream))} and key {@code (lo(seed), hi(seed))}; that block's words w0..w3 become
   * uniforms {@code u_j = ((w_j >>> 8) + 0.5) / 2^24} in (0, 1), and Box-Muller turns (u0, u1) into
   * elements 4b, 4b+1 = {@code r cos(t), r sin(t)} and (u2, u3) into 4b+2, 4b+3, with {@code r =
   * sqrt(-2 ln u_even)} and {@code t = 2 pi u_odd}. See {@link Philox}.
   */
  void normalNoise(Tensor out, long seed, long stream);

  /**
   * The reparameterization trick. {@code stats[rows, 2*latent]} holds mu in columns {@code
   * [0,latent)} and logvar in {@code [latent, 2*latent)} (the encoder heads' one output); {@code
   * z = mu + exp(logvar / 2) * eps} with {@code eps, z} of shape {@code [rows, latent]}.
   */
  void reparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int latent);

  /**
   * Backward of {@link #reparameterize}, accumulating into {@code dstats[rows, 2*latent]}: {@code
   * dmu += dz} and {@code dlogvar += dz * eps * 0.5 * exp(logvar / 2)}.
   */
  void reparameterizeBackward(
      Tensor dz, Tensor stats, Tensor eps, Tensor dstats, int rows, int latent);

  /**
   * KL(N(mu, exp(logvar)) || N(0, I)) per row: {@code klPerRow[r] = sum_j -0.5 * (1 + logvar -
   * mu^2 - exp(logvar))}, and its gradient times {@code gradScale}, <em>overwriting</em> {@code
   * dstats}: {@code dmu = gradScale * mu}, {@code dlogvar = gradScale * 0.5 * (exp(logvar) - 1)}.
   * {@code dstats} may be null (forward only).
   */
  void klDivergence(Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats, float gradScale);

  /**
   * Inverted dropout in place on {@code x [rows, cols]}, rows {@code [firstRow, firstRow + rows)}
   * of a pass: element (r, c) is kept, times {@link DropoutMask#scale}{@code (p)}, when {@link
   * DropoutMask} keeps (seed, step, layer, firstRow + r, c), else set to 0. {@code p} in [0, 1).
   */
  void dropout(Tensor x, int rows, int cols, int firstRow, long seed, long step, int layer, float p);

  /**
   * Backward of {@link #dropout} with the same key, in place on {@code grad [rows, cols]}: kept
   * elements times the scale, dropped ones 0. The mask is regenerated from the key.
   */
  void dropoutBackward(Tensor grad, int rows, int cols, int firstRow, long seed, long step, int layer, float p);
}

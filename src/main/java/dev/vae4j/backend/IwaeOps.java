package dev.vae4j.backend;

/**
 * The importance-weighted family of {@link Backend}: what a training step on the IWAE bound
 * (Burda et al., 2016) needs beyond the ELBO's ops. Each of {@code rows} batch rows is encoded once
 * and gets {@code draws} (K) latent samples; draw k of row r is row {@code r * draws + k} of the
 * draw-sized tensors ({@code [rows * draws, ...]}), so a row's draws sit together and its noise,
 * drawn for the whole batch, does not depend on how the batch is split into parts. Per draw the log
 * weight is {@code log w = log p(x|z) + beta * (log p(z) - log q(z|x))}, the sampled terms (the
 * Gaussian log densities, whose log(2 pi) terms cancel), beta 1 giving the IWAE bound. The
 * conventions of every family are on {@link Backend}; every op checks its operands through {@link
 * IwaeShape}.
 */
public interface IwaeOps {

  /** {@code dst[r * draws + k, c] = src[r, c]}: each of {@code rows} rows of {@code cols} repeated {@code draws} times. */
  void repeatRows(Tensor src, Tensor dst, int rows, int cols, int draws);

  /**
   * The reparameterization for K draws per row: {@code z[r * draws + k, j] = mu[r, j] +
   * exp(logvar[r, j] / 2) * eps[r * draws + k, j]}, with {@code stats [rows, 2*latent]} (mu, then
   * logvar) and {@code eps, z [rows * draws, latent]}.
   */
  void iwaeReparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int draws, int latent);

  /**
   * Per draw i = r * draws + k, from its reconstruction loss {@code recon[i]} (= -log p(x|z)) and
   * its code: {@code log w_i = -recon[i] - beta * sum_j (z_ij^2 / 2 - logvar_rj / 2 - eps_ij^2 / 2)}
   * (the sampled log q - log p, with (z - mu) / sigma = eps). Writes, in double inside each row:
   * {@code weights[i] = exp(log w_i - lse_r)}, the normalized weight (softmax over the row's draws),
   * {@code bound[r] = -(lse_r - log draws)} with {@code lse_r = log sum_k exp(log w_rk)} (the
   * row's negative IWAE bound, a loss in nats), and {@code reconMean[r]} = the mean of the row's
   * {@code recon}.
   */
  void iwaeWeights(Tensor recon, Tensor stats, Tensor eps, Tensor z, int rows, int draws, int latent, float beta,
      Tensor weights, Tensor bound, Tensor reconMean);

  /** {@code x[i, c] *= weights[i]} for the {@code rows * draws} rows of {@code cols} of {@code x}, in place. */
  void scaleDraws(Tensor x, Tensor weights, int rows, int draws, int cols);

  /**
   * Backward of the latent step of one row's loss {@code bound[r]}, with the weights held as the
   * constants they are in its gradient: {@code dz [rows * draws, latent]} is the decoder's gradient
   * with respect to z of the weight-scaled reconstruction losses (see {@link #scaleDraws}); the
   * sampled {@code beta * (log q - log p)} adds {@code c * weights_i * z_ij} through z and {@code -0.5
   * * c * weights_i} to logvar, {@code c = gradScale} (beta over the batch's rows). With {@code g_ij =
   * dz_ij + c * weights_i * z_ij}, <em>overwrites</em> {@code dstats [rows, 2*latent]} with the sums
   * over a row's draws: {@code dmu_rj = sum_k g_ij}, {@code dlogvar_rj = sum_k (g_ij * eps_ij * 0.5
   * * exp(logvar_rj / 2) - 0.5 * c * weights_i)}.
   */
  void iwaeLatentBackward(Tensor dz, Tensor stats, Tensor eps, Tensor z, Tensor weights, int rows, int draws,
      int latent, float gradScale, Tensor dstats);
}

package dev.vae4j.model;

import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Tensor;

/**
 * A training pass on the importance-weighted bound with K draws (Burda et al., 2016), as backend
 * calls ({@link dev.vae4j.backend.IwaeOps}) around the network's own layers. Each row is encoded
 * once; its K codes {@code z_k = mu + sigma * eps_k} (rows {@code r * K + k} of the workspace's
 * draw-sized buffers) are decoded as {@code rows * K} rows; per draw {@code log w_k = log p(x|z_k) +
 * beta * (log p(z_k) - log q(z_k|x))}; the row's loss is {@code -(logsumexp_k log w_k - log K)}
 * (beta 1: the negative IWAE bound). Its gradient reaches each draw scaled by the normalized weight
 * {@code w~_k}: the reconstruction gradient of draw k times {@code w~_k} ({@link Backend#scaleDraws}
 * on d logits), plus, through z, mu and logvar, that of the sampled log q - log p; the encoder's is
 * that summed over the draws ({@link Backend#iwaeLatentBackward}).
 *
 * <p>The workspace must hold {@code rows * K} rows ({@link #workspaceRows}): the decoder's buffers
 * need them (the encoder's use the first {@code rows}). Its {@code reconPerRow} gets the draws'
 * reconstruction losses, its {@code klPerRow} the rows' analytic KL (for the ELBO reported beside
 * the bound); this object's {@link #reconMean} the rows' mean reconstruction loss over the draws and
 * {@link #bound} the rows' losses.
 */
public final class IwaeObjective {
  private final Backend backend;
  private final VaeNetwork network;
  private final int draws;
  /** The batch rows repeated per draw, the reconstruction's targets: {@code [capacity * K, inputSize]}. */
  private final Tensor targets;
  private final Tensor weights;
  private final Tensor bound;
  private final Tensor reconMean;

  /** Buffers for passes of up to {@code capacity} batch rows of {@code network} with {@code draws} draws each. */
  public IwaeObjective(VaeNetwork network, int capacity, int draws) {
    if (draws < 2) throw new IllegalArgumentException("an importance-weighted pass needs >= 2 draws, got " + draws);
    this.backend = network.backend();
    this.network = network;
    this.draws = draws;
    this.targets = backend.allocate((long) workspaceRows(capacity, draws) * network.config().inputSize());
    this.weights = backend.allocate(workspaceRows(capacity, draws));
    this.bound = backend.allocate(capacity);
    this.reconMean = backend.allocate(capacity);
  }

  /** The rows a workspace for {@code capacity} batch rows of {@code draws} draws each must hold. */
  public static int workspaceRows(int capacity, int draws) {
    return Math.multiplyExact(capacity, draws);
  }

  /**
   * Forward pass, losses and gradients of the mean over the batch of the rows' losses, for {@code
   * rows} rows of {@code ws.input} that are one part of a batch of {@code batchRows} (the
   * gradient is of the part's sum divided by {@code batchRows}), with the noise already in {@code
   * ws.eps} ({@code [rows * K, latent]}).
   */
  public void lossesAndGradients(Workspace ws, int rows, int batchRows, float beta, VaeNetwork.LayerGradients grads) {
    if (ws.statsGrad == null) throw new IllegalStateException("workspace was made without gradient buffers");
    VaeConfig config = network.config();
    int d = config.inputSize(), latent = config.latent(), drawRows = rows * draws;
    float perRow = 1f / batchRows;
    network.encode(ws, rows);
    backend.iwaeReparameterize(ws.stats, ws.eps, ws.z, rows, draws, latent);
    network.decode(ws, drawRows);
    backend.repeatRows(ws.input, targets, rows, d, draws);
    Tensor dlogits = ws.decodedGrad[ws.decodedGrad.length - 1];
    backend.reconstructionLoss(config.likelihood(), ws.logits(), targets, drawRows, d, ws.reconPerRow, dlogits, perRow);
    backend.klDivergence(ws.stats, rows, latent, ws.klPerRow, null, 0f);
    backend.iwaeWeights(ws.reconPerRow, ws.stats, ws.eps, ws.z, rows, draws, latent, beta, weights, bound, reconMean);
    backend.scaleDraws(dlogits, weights, rows, draws, config.likelihood().outputsPerValue() * d);
    network.backwardDecoder(ws, drawRows, grads, null);
    backend.iwaeLatentBackward(ws.zGrad, ws.stats, ws.eps, ws.z, weights, rows, draws, latent, beta * perRow,
        ws.statsGrad);
    network.backwardEncoder(ws, rows, grads, null);
  }

  public int draws() {
    return draws;
  }

  /** The last pass's loss per row, {@code -(logsumexp_k log w_k - log K)}, {@code [capacity]}. */
  public Tensor bound() {
    return bound;
  }

  /** The last pass's reconstruction loss per row, averaged over its draws, {@code [capacity]}. */
  public Tensor reconMean() {
    return reconMean;
  }

  /** The last pass's normalized weights, {@code [capacity * K]} (for tests). */
  Tensor weights() {
    return weights;
  }

  /** Frees the buffers (not the workspace). */
  public void release() {
    for (Tensor t : new Tensor[] {targets, weights, bound, reconMean}) backend.release(t);
  }
}

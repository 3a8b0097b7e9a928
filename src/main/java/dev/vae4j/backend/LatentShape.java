package dev.vae4j.backend;

/**
 * The shape of the latent ops ({@link LatentOps}): {@code rows} codes of {@code latent}
 * dimensions, so stats (mu, logvar) are {@code [rows, 2*latent]} and eps, z {@code [rows,
 * latent]}.
 */
public record LatentShape(int rows, int latent) {
  /** Floats in {@code [rows, latent]}. */
  public long codes() {
    return (long) rows * latent;
  }

  /** Floats in {@code [rows, 2*latent]}. */
  public long stats() {
    return 2L * rows * latent;
  }

  /** {@link LatentOps#reparameterize}: stats, eps, z. */
  public void checkReparameterize(Tensor stats, Tensor eps, Tensor z) {
    Lengths.require("reparameterize", "stats", stats, stats());
    Lengths.require("reparameterize", "eps", eps, codes());
    Lengths.require("reparameterize", "z", z, codes());
  }

  /** {@link LatentOps#reparameterizeBackward}: dz, stats, eps, dstats. */
  public void checkReparameterizeBackward(Tensor dz, Tensor stats, Tensor eps, Tensor dstats) {
    Lengths.require("reparameterizeBackward", "dz", dz, codes());
    Lengths.require("reparameterizeBackward", "stats", stats, stats());
    Lengths.require("reparameterizeBackward", "eps", eps, codes());
    Lengths.require("reparameterizeBackward", "dstats", dstats, stats());
  }

  /** {@link LatentOps#klDivergence}: stats, klPerRow {@code [rows]}, dstats (optional). */
  public void checkKlDivergence(Tensor stats, Tensor klPerRow, Tensor dstats) {
    Lengths.require("klDivergence", "stats", stats, stats());
    Lengths.require("klDivergence", "klPerRow", klPerRow, rows);
    Lengths.requireIfPresent("klDivergence", "dstats", dstats, stats());
  }
}

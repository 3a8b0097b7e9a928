package dev.vae4j.backend;

/**
 * The shape of the importance-weighted ops ({@link IwaeOps}): {@code rows} batch rows of {@code
 * width} columns (the latent size, or the columns repeated or scaled), each with {@code draws}
 * draws, so a draw-sized tensor is {@code [rows * draws, width]}.
 */
public record IwaeShape(int rows, int draws, int width) {
  public IwaeShape {
    if (rows < 0 || draws < 1 || width < 0) {
      throw new IllegalArgumentException("iwae shape: rows " + rows + ", draws " + draws + ", width " + width);
    }
  }

  /** Rows of the draw-sized tensors. */
  public long drawRows() {
    return (long) rows * draws;
  }

  /** {@link IwaeOps#repeatRows}: src {@code [rows, width]}, dst {@code [rows * draws, width]}. */
  public void checkRepeatRows(Tensor src, Tensor dst) {
    Lengths.require("repeatRows", "src", src, (long) rows * width);
    Lengths.require("repeatRows", "dst", dst, drawRows() * width);
  }

  /** {@link IwaeOps#iwaeReparameterize}: stats {@code [rows, 2*width]}, eps and z {@code [rows * draws, width]}. */
  public void checkReparameterize(Tensor stats, Tensor eps, Tensor z) {
    Lengths.require("iwaeReparameterize", "stats", stats, 2L * rows * width);
    Lengths.require("iwaeReparameterize", "eps", eps, drawRows() * width);
    Lengths.require("iwaeReparameterize", "z", z, drawRows() * width);
  }

  /** {@link IwaeOps#iwaeWeights}: recon, weights {@code [rows * draws]}, bound, reconMean {@code [rows]}, and the codes. */
  public void checkWeights(Tensor recon, Tensor stats, Tensor eps, Tensor z, Tensor weights, Tensor bound,
      Tensor reconMean) {
    Lengths.require("iwaeWeights", "recon", recon, drawRows());
    Lengths.require("iwaeWeights", "stats", stats, 2L * rows * width);
    Lengths.require("iwaeWeights", "eps", eps, drawRows() * width);
    Lengths.require("iwaeWeights", "z", z, drawRows() * width);
    Lengths.require("iwaeWeights", "weights", weights, drawRows());
    Lengths.require("iwaeWeights", "bound", bound, rows);
    Lengths.require("iwaeWeights", "reconMean", reconMean, rows);
  }

  /** {@link IwaeOps#scaleDraws}: x {@code [rows * draws, width]}, weights {@code [rows * draws]}. */
  public void checkScaleDraws(Tensor x, Tensor weights) {
    Lengths.require("scaleDraws", "x", x, drawRows() * width);
    Lengths.require("scaleDraws", "weights", weights, drawRows());
  }

  /** {@link IwaeOps#iwaeLatentBackward}: dz, eps, z {@code [rows * draws, width]}, weights, stats and dstats {@code [rows, 2*width]}. */
  public void checkLatentBackward(Tensor dz, Tensor stats, Tensor eps, Tensor z, Tensor weights, Tensor dstats) {
    Lengths.require("iwaeLatentBackward", "dz", dz, drawRows() * width);
    Lengths.require("iwaeLatentBackward", "stats", stats, 2L * rows * width);
    Lengths.require("iwaeLatentBackward", "eps", eps, drawRows() * width);
    Lengths.require("iwaeLatentBackward", "z", z, drawRows() * width);
    Lengths.require("iwaeLatentBackward", "weights", weights, drawRows());
    Lengths.require("iwaeLatentBackward", "dstats", dstats, 2L * rows * width);
  }
}

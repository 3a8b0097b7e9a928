package dev.vae4j.backend;

/**
 * The shape of {@link LossOps#reconstructionLoss}: {@code rows} targets of {@code cols} values,
 * each value with {@link Likelihood#outputsPerValue()} decoder outputs.
 */
public record LossShape(Likelihood likelihood, int rows, int cols) {
  /** Decoder outputs per row: {@code outputsPerValue * cols}. */
  public long width() {
    return (long) likelihood.outputsPerValue() * cols;
  }

  /** logits {@code [rows, width]}, target {@code [rows, cols]}, lossPerRow {@code [rows]}, dlogits (optional) as logits. */
  public void check(Tensor logits, Tensor target, Tensor lossPerRow, Tensor dlogits) {
    Lengths.require("reconstructionLoss", "logits", logits, rows * width());
    Lengths.require("reconstructionLoss", "target", target, (long) rows * cols);
    Lengths.require("reconstructionLoss", "lossPerRow", lossPerRow, rows);
    Lengths.requireIfPresent("reconstructionLoss", "dlogits", dlogits, rows * width());
  }
}

package dev.vae4j.backend;

/**
 * A row-major matrix {@code [rows, cols]}, the shape of the elementwise dense ops ({@link
 * DenseOps#biasActivation}, {@link DenseOps#activationBackward}) and of {@link
 * MemoryOps#gatherRows}' output, and of {@link LossOps#scaleRows}. Each {@code check} validates every tensor of one op.
 */
public record Rows(int rows, int cols) {
  /** Floats in the matrix. */
  public long length() {
    return (long) rows * cols;
  }

  /** {@link DenseOps#biasActivation}: x {@code [rows, cols]}, bias (optional) {@code [cols]}, pre (optional) {@code [rows, cols]}. */
  public void checkBiasActivation(Tensor x, Tensor bias, Tensor pre) {
    Lengths.require("biasActivation", "x", x, length());
    Lengths.requireIfPresent("biasActivation", "bias", bias, cols);
    Lengths.requireIfPresent("biasActivation", "pre", pre, length());
  }

  /** {@link DenseOps#activationBackward}: grad and output {@code [rows, cols]}, biasGrad (optional) {@code [cols]}. */
  public void checkActivationBackward(Tensor grad, Tensor output, Tensor biasGrad) {
    Lengths.require("activationBackward", "grad", grad, length());
    Lengths.require("activationBackward", "output", output, length());
    Lengths.requireIfPresent("activationBackward", "biasGrad", biasGrad, cols);
  }

  /** {@link LossOps#scaleRows}: values {@code [rows, cols]}, rowScales {@code [rows]}. */
  public void checkScaleRows(Tensor values, Tensor rowScales) {
    Lengths.require("scaleRows", "values", values, length());
    Lengths.require("scaleRows", "rowScales", rowScales, rows);
  }

  /** {@link MemoryOps#gatherRows}: dst {@code [rows, cols]}. */
  public void checkGatherRows(Tensor dst) {
    Lengths.require("gatherRows", "dst", dst, length());
  }

  /**
   * {@link MemoryOps#gatherRows}' index positions {@code [first, first + rows)} lie in an index
   * buffer of {@code indexCount}.
   *
   * @throws IndexOutOfBoundsException when they do not
   */
  public void checkIndexWindow(int first, int indexCount) {
    if (first < 0 || first + rows > indexCount) {
      throw new IndexOutOfBoundsException(
          "gatherRows [" + first + ", " + (first + rows) + ") of " + indexCount + " indices");
    }
  }
}

package dev.vae4j.backend;

/**
 * The shape of a dense layer ({@link DenseOps#linearForward}, {@link DenseOps#linearBackward}):
 * {@code rows} inputs of {@code in} features to {@code out} features, weights {@code [out, in]}.
 */
public record LayerDims(int rows, int in, int out) {
  /** {@link DenseOps#linearForward}: x {@code [rows, in]}, w {@code [out, in]}, bias (optional) {@code [out]}, y {@code [rows, out]}. */
  public void checkLinearForward(Tensor x, Tensor w, Tensor bias, Tensor y) {
    Lengths.require("linearForward", "x", x, (long) rows * in);
    Lengths.require("linearForward", "w", w, (long) out * in);
    Lengths.requireIfPresent("linearForward", "bias", bias, out);
    Lengths.require("linearForward", "y", y, (long) rows * out);
  }

  /**
   * {@link DenseOps#linearBackward}: x {@code [rows, in]}, w {@code [out, in]}, y and dy {@code
   * [rows, out]}, weightGrad {@code [out, in]}, biasGrad (optional) {@code [out]}, dx (optional)
   * {@code [rows, in]}.
   */
  public void checkLinearBackward(
      Tensor x, Tensor w, Tensor y, Tensor dy, Tensor weightGrad, Tensor biasGrad, Tensor dx) {
    Lengths.require("linearBackward", "x", x, (long) rows * in);
    Lengths.require("linearBackward", "w", w, (long) out * in);
    Lengths.require("linearBackward", "y", y, (long) rows * out);
    Lengths.require("linearBackward", "dy", dy, (long) rows * out);
    Lengths.require("linearBackward", "weightGrad", weightGrad, (long) out * in);
    Lengths.requireIfPresent("linearBackward", "biasGrad", biasGrad, out);
    Lengths.requireIfPresent("linearBackward", "dx", dx, (long) rows * in);
  }
}

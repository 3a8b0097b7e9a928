package dev.vae4j.backend;

/**
 * The shape of one 2-D convolution of {@link ConvOps}, or of one transposed convolution (PyTorch's
 * {@code ConvTranspose2d}, without output padding), over a batch of {@code batch} images; square
 * kernel, equal stride and padding along height and width, no dilation or groups.
 *
 * <p>Every tensor is NCHW, densely packed: the input {@code x [batch, inChannels, inHeight,
 * inWidth]}, the output {@code y [batch, outChannels, outHeight(), outWidth()]}, the bias {@code
 * [outChannels]}. The weight is PyTorch's layout of the module: {@code [outChannels, inChannels,
 * kernel, kernel]} for a convolution ({@code Conv2d}), {@code [inChannels, outChannels, kernel,
 * kernel]} for a transposed one ({@code ConvTranspose2d}, whose {@code inChannels} are those of its
 * own input, the smaller image). Output sizes:
 *
 * <ul>
 *   <li>convolution: {@code out = (in + 2 * padding - kernel) / stride + 1}; the constructor rejects
 *       sizes that the stride does not divide exactly ({@code (in + 2 * padding - kernel) % stride
 *       != 0}), so that a convolution and the transposed convolution of the same kernel, stride and
 *       padding are exact inverses in shape;
 *   <li>transposed: {@code out = (in - 1) * stride - 2 * padding + kernel}.
 * </ul>
 *
 * A transposed convolution is the adjoint of the convolution that maps its output shape back to
 * its input shape: its forward pass is that convolution's backward-data pass, and the other way
 * round. {@link #adjoint()} gives that convolution.
 */
public record ConvShape(
    int batch,
    int inChannels,
    int inHeight,
    int inWidth,
    int outChannels,
    int kernel,
    int stride,
    int padding,
    boolean transposed) {

  public ConvShape {
    if (batch <= 0 || inChannels <= 0 || inHeight <= 0 || inWidth <= 0 || outChannels <= 0) {
      throw new IllegalArgumentException("convolution sizes must be > 0, got batch " + batch + ", "
          + inChannels + "x" + inHeight + "x" + inWidth + " -> " + outChannels + " channels");
    }
    if (kernel <= 0 || stride <= 0 || padding < 0) {
      throw new IllegalArgumentException(
          "convolution needs kernel > 0, stride > 0, padding >= 0, got " + kernel + ", " + stride + ", " + padding);
    }
    if (!transposed) {
      requireFits(inHeight, "height", kernel, stride, padding);
      requireFits(inWidth, "width", kernel, stride, padding);
    } else if ((inHeight - 1) * stride - 2 * padding + kernel <= 0 || (inWidth - 1) * stride - 2 * padding + kernel <= 0) {
      throw new IllegalArgumentException("transposed convolution of " + inHeight + "x" + inWidth + " with kernel "
          + kernel + ", stride " + stride + ", padding " + padding + " has no output");
    }
  }

  private static void requireFits(int size, String what, int kernel, int stride, int padding) {
    int span = size + 2 * padding - kernel;
    if (span < 0 || span % stride != 0) {
      throw new IllegalArgumentException("convolution input " + what + " " + size + " does not fit kernel " + kernel
          + ", stride " + stride + ", padding " + padding + ": (" + what + " + 2 * padding - kernel) must be a"
          + " non-negative multiple of the stride");
    }
  }

  /** A convolution ({@code Conv2d}). */
  public static ConvShape conv(int batch, int inChannels, int inHeight, int inWidth, int outChannels, int kernel,
      int stride, int padding) {
    return new ConvShape(batch, inChannels, inHeight, inWidth, outChannels, kernel, stride, padding, false);
  }

  /** A transposed convolution ({@code ConvTranspose2d}, no output padding). */
  public static ConvShape transposed(int batch, int inChannels, int inHeight, int inWidth, int outChannels,
      int kernel, int stride, int padding) {
    return new ConvShape(batch, inChannels, inHeight, inWidth, outChannels, kernel, stride, padding, true);
  }

  public int outHeight() {
    return outSize(inHeight);
  }

  public int outWidth() {
    return outSize(inWidth);
  }

  private int outSize(int in) {
    return transposed ? (in - 1) * stride - 2 * padding + kernel : (in + 2 * padding - kernel) / stride + 1;
  }

  /** The same shape for {@code rows} images (a partial batch). */
  public ConvShape withBatch(int rows) {
    return rows == batch ? this : new ConvShape(rows, inChannels, inHeight, inWidth, outChannels, kernel, stride,
        padding, transposed);
  }

  /**
   * The other kind of the same geometry, mapping this one's output shape to its input shape: a
   * transposed convolution's adjoint is the convolution whose backward-data pass is its forward pass
   * (same weight tensor, same layout in memory), and the other way round.
   */
  public ConvShape adjoint() {
    return new ConvShape(batch, outChannels, outHeight(), outWidth(), inChannels, kernel, stride, padding, !transposed);
  }

  /** Floats of one input image, {@code inChannels * inHeight * inWidth}. */
  public long inputSize() {
    return (long) inChannels * inHeight * inWidth;
  }

  /** Floats of one output image, {@code outChannels * outHeight() * outWidth()}. */
  public long outputSize() {
    return (long) outChannels * outHeight() * outWidth();
  }

  /** Floats of the weight, {@code inChannels * outChannels * kernel * kernel} in either layout. */
  public long weightSize() {
    return (long) inChannels * outChannels * kernel * kernel;
  }

  /** Multiply-adds of one forward pass over the batch (the same for each backward pass). */
  public long multiplyAdds() {
    long perImage = transposed ? inputSize() / inChannels * weightSize() : outputSize() / outChannels * weightSize();
    return perImage * batch;
  }

  /** {@link ConvOps#convForward}: x, w, bias (optional), y. */
  public void checkForward(Tensor x, Tensor w, Tensor bias, Tensor y) {
    Lengths.require("convForward", "x", x, batch * inputSize());
    Lengths.require("convForward", "w", w, weightSize());
    Lengths.requireIfPresent("convForward", "bias", bias, outChannels);
    Lengths.require("convForward", "y", y, batch * outputSize());
  }

  /** {@link ConvOps#convBackwardData}: dy, w, dx. */
  public void checkBackwardData(Tensor dy, Tensor w, Tensor dx) {
    Lengths.require("convBackwardData", "dy", dy, batch * outputSize());
    Lengths.require("convBackwardData", "w", w, weightSize());
    Lengths.require("convBackwardData", "dx", dx, batch * inputSize());
  }

  /** {@link ConvOps#convBackwardWeights}: x, dy, weightGrad, biasGrad (optional). */
  public void checkBackwardWeights(Tensor x, Tensor dy, Tensor weightGrad, Tensor biasGrad) {
    Lengths.require("convBackwardWeights", "x", x, batch * inputSize());
    Lengths.require("convBackwardWeights", "dy", dy, batch * outputSize());
    Lengths.require("convBackwardWeights", "weightGrad", weightGrad, weightSize());
    Lengths.requireIfPresent("convBackwardWeights", "biasGrad", biasGrad, outChannels);
  }

  /** E.g. {@code conv 8x3x16x12 -> 4x8x6 k4 s2 p1} or {@code deconv ...}. */
  public String describe() {
    return (transposed ? "deconv " : "conv ") + batch + "x" + inChannels + "x" + inHeight + "x" + inWidth + " -> "
        + outChannels + "x" + outHeight() + "x" + outWidth() + " k" + kernel + " s" + stride + " p" + padding;
  }
}

package dev.vae4j.backend;

/**
 * The convolution family of {@link Backend}: 2-D convolutions and transposed convolutions over NCHW
 * images, forward with bias and activation, and the two backward passes, for the {@code Conv2d}
 * and {@code ConvTranspose2d} layers. Every op takes a {@link ConvShape}, which gives the layouts
 * (NCHW tensors; weights {@code [out, in, k, k]} for a convolution, {@code [in, out, k, k]} for a
 * transposed one, as PyTorch stores them), checks every operand's length and says, with {@link
 * ConvShape#transposed()}, which of the two the op computes. The conventions of every family are on
 * {@link Backend}.
 *
 * <p>The math, for a convolution with kernel K, stride S and padding P (zero padding):
 *
 * <pre>
 * y[n, o, i, j] = act(bias[o] + sum over c, a, b of w[o, c, a, b] * x[n, c, S*i + a - P, S*j + b - P])
 * </pre>
 *
 * (input positions outside the image read 0). A transposed convolution scatters instead: every
 * input value {@code x[n, c, i, j]} adds {@code x[n, c, i, j] * w[c, o, a, b]} to {@code y[n, o,
 * S*i + a - P, S*j + b - P]} (where that lies inside the output), then {@code y = act(y + bias[o])}
 * — exactly PyTorch's {@code ConvTranspose2d} with {@code output_padding = 0}, and exactly the
 * backward-data pass of the convolution {@link ConvShape#adjoint()} with the same weight tensor.
 *
 * <p>Gradients are <b>overwritten</b>, never accumulated (as {@link DenseOps#linearBackward}'s
 * are): each batch part of a training step has a gradient buffer of its own. A training layer's
 * backward pass is: the activation's backward in place on {@code dy} ({@link
 * DenseOps#activationBackward} with a null bias gradient, over {@code [batch, outputSize]}), then
 * {@link #convBackwardWeights} (weight and bias gradients), then, except for a network's first
 * layer, {@link #convBackwardData}.
 *
 * <p>Preparation and memory: whatever a shape needs besides its operands (oneDNN primitives and
 * reorder buffers, cuDNN descriptors, the chosen algorithms and their workspace) is made by {@link
 * #prepareConv}, once per shape, and cached by the backend until it closes. A layer prepares the
 * shape of its workspace's capacity before any step ({@code Layer.prepare}), so the ops of a
 * training step never allocate and may be recorded by {@link Backend#recordStep}. An op on a shape
 * not yet prepared prepares it first (inference over a partial batch); that is an error while a
 * step is being recorded (backends that capture throw {@link IllegalStateException}).
 *
 * <p>Results may differ from the formula above by float rounding in any summation order (a
 * backend may use direct, Winograd, FFT or implicit-GEMM algorithms in float32; TF32 only where the
 * backend's own TF32 option allows it, as for its GEMMs), within the contract test's tolerance; no
 * output may alias an input.
 */
public interface ConvOps {

  /**
   * Creates and caches what the ops of {@code shape} (forward, backward-data, backward-weights, for
   * every activation) need, so that they then run without allocating; does nothing when already
   * prepared. Must not be called while a step is being recorded.
   */
  void prepareConv(ConvShape shape);

  /**
   * {@code y = act(conv(x, w) + bias)}, or the transposed convolution when {@code
   * shape.transposed()}: see the class comment. {@code bias} may be null (no bias). {@code act} is
   * {@link Activation#IDENTITY} or {@link Activation#RELU} (a backend fuses both where its library
   * can: oneDNN post-ops, cuDNN's fused bias + activation); {@link Activation#SIGMOID} throws
   * {@link IllegalArgumentException}. {@code y} is overwritten.
   */
  void convForward(ConvShape shape, Tensor x, Tensor w, Tensor bias, Tensor y, Activation act);

  /**
   * The input gradient {@code dx [batch, inChannels, inHeight, inWidth]} from the output gradient
   * {@code dy} (the pre-activation gradient: apply the activation's backward first) and the weight
   * {@code w}: for a convolution, the transposed convolution of {@code dy} with {@code w}; for a
   * transposed convolution, the convolution of {@code dy} with {@code w} (no bias, no activation).
   * {@code dx} is overwritten.
   */
  void convBackwardData(ConvShape shape, Tensor dy, Tensor w, Tensor dx);

  /**
   * The parameter gradients from the forward input {@code x} and the pre-activation output gradient
   * {@code dy}: {@code weightGrad} in the weight's layout (for a convolution {@code weightGrad[o, c,
   * a, b] = sum over n, i, j of dy[n, o, i, j] * x[n, c, S*i + a - P, S*j + b - P]}; for a transposed
   * one {@code weightGrad[c, o, a, b] = sum over n, i, j of x[n, c, i, j] * dy[n, o, S*i + a - P,
   * S*j + b - P]}), and, unless null, {@code biasGrad[o] = sum over n, i, j of dy[n, o, i, j]}. Both
   * are overwritten.
   */
  void convBackwardWeights(ConvShape shape, Tensor x, Tensor dy, Tensor weightGrad, Tensor biasGrad);
}

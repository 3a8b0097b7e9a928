package dev.vae4j.backend;

/**
 * The dense family of {@link Backend}: the GEMM, bias + activation and its backward, and the
 * dense layer built from them (which a backend may fuse). The conventions of every family are on
 * {@link Backend}.
 */
public interface DenseOps {

  /**
   * {@code C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C}, where {@code op(X)} is X or its
   * transpose. A is stored {@code [m,k]} (or {@code [k,m]} when {@code transA}); B is stored {@code
   * [k,n]} (or {@code [n,k]} when {@code transB}). With {@code beta == 0}, C's old contents are
   * ignored (NaN in C does not propagate).
   */
  void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      Tensor a,
      Tensor b,
      float beta,
      Tensor c);

  // ---------------------------------------------------------------- elementwise

  /**
   * In place, for every row r and column c of {@code x[rows, cols]}: {@code x = act(x + bias[c])},
   * and, unless {@code pre} is null, {@code pre = x + bias[c]} (the pre-activation, {@code [rows,
   * cols]}, what {@link #activationBackward} takes for {@link Activation#backwardFromPreActivation}
   * activations). {@code bias} may be null (no bias); {@code pre} must not alias {@code x}.
   */
  void biasActivation(Tensor x, Tensor bias, Tensor pre, int rows, int cols, ActivationFunction act);

  /** {@link #biasActivation(Tensor, Tensor, Tensor, int, int, ActivationFunction)} keeping no pre-activation. */
  default void biasActivation(Tensor x, Tensor bias, int rows, int cols, ActivationFunction act) {
    biasActivation(x, bias, null, rows, cols, act);
  }

  /** {@link #biasActivation(Tensor, Tensor, int, int, ActivationFunction)} with {@code act}'s default parameter. */
  default void biasActivation(Tensor x, Tensor bias, int rows, int cols, Activation act) {
    biasActivation(x, bias, null, rows, cols, ActivationFunction.of(act));
  }

  /**
   * Backward of {@link #biasActivation}: in place, {@code grad = grad * act'(output)} where {@code
   * output} is the activation's forward result {@code [rows, cols]} (for an activation whose {@link
   * Activation#backwardFromPreActivation} holds, {@link Activation#GELU}, its pre-activation
   * instead: {@code grad = grad * (Phi(pre) + pre phi(pre))}); then {@code biasGrad[c] =
   * sum over rows of grad[r, c]} (overwritten). Supports {@link Activation#RELU} (derivative 1
   * where output > 0, else 0), {@link Activation#ELU} ({@code output + 1} where output <= 0),
   * {@link Activation#TANH} ({@code 1 - output^2}), {@link Activation#LEAKY_RELU} ({@code act}'s
   * slope where output <= 0) and {@link Activation#IDENTITY}. {@code biasGrad} may be null.
   */
  void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, ActivationFunction act);

  /** {@link #activationBackward(Tensor, Tensor, Tensor, int, int, ActivationFunction)} with {@code act}'s default parameter. */
  default void activationBackward(Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, Activation act) {
    activationBackward(grad, output, biasGrad, rows, cols, ActivationFunction.of(act));
  }

  // ---------------------------------------------------------------- dense layers

  /**
   * One dense layer, {@code y[rows, out] = act(x[rows, in] w[out, in]^T + bias[out])}: exactly
   * {@link #gemm}{@code (false, true, rows, out, in, 1, x, w, 0, y)} then {@link
   * #biasActivation}{@code (y, bias, rows, out, act)}, which is what the default does. A backend may
   * fuse the two (the CUDA backend runs the bias and ReLU in a cuBLASLt epilogue); results then
   * differ only by float rounding. {@code bias} may be null; {@code y} must not alias {@code x} or
   * {@code w}.
   */
  default void linearForward(
      Tensor x, Tensor w, Tensor bias, Tensor y, int rows, int in, int out, ActivationFunction act) {
    linearForward(x, w, bias, y, null, rows, in, out, act);
  }

  /**
   * {@link #linearForward(Tensor, Tensor, Tensor, Tensor, int, int, int, ActivationFunction)} that,
   * unless {@code pre} is null, also keeps the pre-activation {@code x w^T + bias} in {@code pre
   * [rows, out]} (as {@link #biasActivation(Tensor, Tensor, Tensor, int, int, ActivationFunction)}),
   * for the backward of a GELU layer. {@code pre} must not alias the others.
   */
  default void linearForward(
      Tensor x, Tensor w, Tensor bias, Tensor y, Tensor pre, int rows, int in, int out, ActivationFunction act) {
    gemm(false, true, rows, out, in, 1f, x, w, 0f, y);
    biasActivation(y, bias, pre, rows, out, act);
  }

  /** {@link #linearForward(Tensor, Tensor, Tensor, Tensor, int, int, int, ActivationFunction)} with {@code act}'s default parameter. */
  default void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y, int rows, int in, int out, Activation act) {
    linearForward(x, w, bias, y, rows, in, out, ActivationFunction.of(act));
  }

  /**
   * Backward of {@link #linearForward} from its output {@code y} (GELU: the pre-activation the
   * forward kept, as {@link #activationBackward} takes) and {@code dy = dL/dy} (both
   * {@code [rows, out]}): exactly {@link #activationBackward}{@code (dy, y, biasGrad, rows, out,
   * act)} (so {@code dy} becomes the pre-activation gradient in place and {@code biasGrad[out]} its
   * column sums), then {@code weightGrad[out, in] = dy^T x} ({@link #gemm}{@code (true, false, out,
   * in, rows, 1, dy, x, 0, weightGrad)}), then, unless {@code dx} is null, {@code dx[rows, in] = dy
   * w} ({@link #gemm}{@code (false, false, rows, in, out, 1, dy, w, 0, dx)}). That sequence is the
   * default; a backend may fuse steps (the CUDA backend sums the bias gradient in the
   * weight-gradient GEMM's cuBLASLt epilogue), differing only by float rounding. {@code biasGrad}
   * and {@code dx} may be null; outputs must not alias inputs. Supports the activations {@link
   * #activationBackward} supports.
   */
  default void linearBackward(
      Tensor x, Tensor w, Tensor y, Tensor dy, Tensor weightGrad, Tensor biasGrad, Tensor dx,
      int rows, int in, int out, ActivationFunction act) {
    activationBackward(dy, y, biasGrad, rows, out, act);
    gemm(true, false, out, in, rows, 1f, dy, x, 0f, weightGrad);
    if (dx != null) gemm(false, false, rows, in, out, 1f, dy, w, 0f, dx);
  }

  /** {@link #linearBackward(Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, Tensor, int, int, int, ActivationFunction)} with {@code act}'s default parameter. */
  default void linearBackward(
      Tensor x, Tensor w, Tensor y, Tensor dy, Tensor weightGrad, Tensor biasGrad, Tensor dx,
      int rows, int in, int out, Activation act) {
    linearBackward(x, w, y, dy, weightGrad, biasGrad, dx, rows, in, out, ActivationFunction.of(act));
  }
}

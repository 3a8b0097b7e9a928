package dev.vae4j.backend;

/**
 * The optimizer family of {@link Backend}: the fused Adam (AdamW) update of the flat parameter
 * buffer, the fused update of any rule ({@link #update}: SGD, RMSprop, Adam, with an L1 term),
 * the gradient sum over a batch's parts that feeds them, and the global-norm clipping of that sum. The conventions of every
 * family are on {@link Backend}.
 */
public interface OptimizerOps {

  /**
   * One fused Adam (or AdamW) update of every element, with bias correction for 1-based {@code
   * step}, as PyTorch's {@code torch.optim.Adam}/{@code AdamW}: {@code g = grads (+ wd * p unless
   * decoupled)}; {@code p -= lr * wd * p} if decoupled; {@code m = b1 m + (1-b1) g}; {@code v = b2 v
   * + (1-b2) g^2}; {@code p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}.
   */
  void adamUpdate(Tensor params, Tensor grads, Tensor m, Tensor v, AdamParams hyper, long step);

  /**
   * {@link #adamUpdate} with the gradient summed over the parts of a batch: {@code ((gradParts[0] +
   * gradParts[1]) + gradParts[2]) + ...}, in float, in that order. {@code gradParts[0]} may be
   * overwritten. The default adds the parts into the first with {@link #addInto}, then updates;
   * the CPU backend reads the last part inside its Adam pass instead, saving a pass over memory.
   */
  default void adamUpdate(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, AdamParams hyper, long step) {
    for (int p = 1; p < gradParts.length; p++) addInto(gradParts[p], gradParts[0]);
    adamUpdate(params, gradParts[0], m, v, hyper, step);
  }

  /**
   * One fused update of every element by {@code hyper}'s rule ({@link OptimizerParams}), over the
   * gradient {@code g} summed over {@code gradParts} as {@link #adamUpdate(Tensor, Tensor[], Tensor,
   * Tensor, AdamParams, long)} sums them, plus {@code l1 * sign(p)} (sign(0) = 0) when {@code l1} is
   * not 0: the gradient of {@code l1 * sum|p|}, taken before the rule's weight decay as PyTorch's
   * autograd does. {@code m} and {@code v} are the rule's state, with the same layout: Adam's two
   * moments; SGD's momentum buffer in {@code m} (v unused); RMSprop's square average in {@code v}
   * (m unused). {@code step} is 1-based (SGD's first step sets its buffer to the gradient). For
   * {@link AdamParams} with {@code l1 == 0} this is exactly {@link #adamUpdate}: the same bits
   * and, on the GPU, the same launches.
   */
  void update(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, OptimizerParams hyper, double l1, long step);

  /**
   * The first half of PyTorch's {@code clip_grad_norm_}: sums the parts of a batch's gradient into
   * {@code parts[0]} (as {@link #update} sums them: in float, in part order, so the same bits), then
   * writes {@code out[0] = sum_i parts[0][i]^2}, its squared global L2 norm, accumulated in double
   * and rounded once to float. Written on the device (no read back), so it runs inside a recorded
   * step.
   */
  void gradientSquaredNorm(Tensor[] parts, Tensor out);

  /**
   * The second half of PyTorch's {@code clip_grad_norm_(params, max)}: with {@code norm =
   * sqrt(squaredNorm[0])} (from {@link #gradientSquaredNorm}), multiplies {@code grads} by {@code
   * scale = max / (norm + 1e-6)} in float when that is below 1. Also adds {@code norm} to {@code
   * normSums[0]} and 1 to {@code normSums[1]}, so that a caller reads the mean pre-clipping norm
   * back once per epoch rather than once per step. Reads the norm on the device: no host round trip.
   */
  void clipGradients(Tensor grads, Tensor squaredNorm, double max, Tensor normSums);

  /**
   * {@code dst += src}, elementwise over equal lengths. Used to sum the gradients of a batch split
   * into parts ({@link Backend#batchParts}). {@link Backend}'s default is {@link #addIntoByGemm},
   * which is correct on every backend; backends that split batches override it with a plain loop.
   */
  void addInto(Tensor src, Tensor dst);

  /**
   * {@link #addInto} as one rank-1 {@link DenseOps#gemm} (ones[1 x 1] times src[1 x n] added into
   * dst), on a one-float tensor allocated, filled and released through {@code memory}: slow, but
   * correct on every backend that has the other two families.
   */
  static void addIntoByGemm(MemoryOps memory, DenseOps dense, Tensor src, Tensor dst) {
    new Elements(src.length()).checkInto("addInto", dst);
    Tensor one = memory.allocate(1);
    try {
      memory.fill(one, 1f);
      dense.gemm(false, false, 1, Math.toIntExact(src.length()), 1, 1f, one, src, 1f, dst);
    } finally {
      memory.release(one);
    }
  }
}

package dev.vae4j.backend;

/**
 * The optimizer family of {@link Backend}: the fused Adam (AdamW) update of the flat parameter
 * buffer, the fused update of any rule ({@link #update}: SGD, RMSprop, Adam, with an L1 term),
 * and the gradient sum over a batch's parts that feeds them. The conventions of every
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

package dev.vae4j.backend;

/**
 * A flat run of {@code count} elements, the shape of the ops that work element by element over
 * whole tensors ({@link OptimizerOps#adamUpdate}, {@link OptimizerOps#addInto}, {@link
 * MemoryOps#copy}, {@link MemoryOps#uploadIndices}) or sum a prefix ({@link
 * LossOps#accumulateSum}).
 */
public record Elements(long count) {
  /**
   * {@link OptimizerOps#adamUpdate} over {@code count} parameters: grads (and a second gradient
   * part, optional), m and v hold at least as many, and {@code step} is 1-based.
   */
  public void checkAdamUpdate(Tensor grads, Tensor moreGrads, Tensor m, Tensor v, long step) {
    Lengths.require("adamUpdate", "grads", grads, count);
    Lengths.requireIfPresent("adamUpdate", "grads", moreGrads, count);
    Lengths.require("adamUpdate", "m", m, count);
    Lengths.require("adamUpdate", "v", v, count);
    if (step < 1) throw new IllegalArgumentException("Adam step is 1-based, got " + step);
  }

  /** {@link OptimizerOps#update} over {@code count} parameters: each gradient part, m and v hold as many; {@code step} is 1-based. */
  public void checkUpdate(Tensor[] gradParts, Tensor m, Tensor v, long step) {
    if (gradParts.length == 0) throw new IllegalArgumentException("update needs at least one gradient part");
    for (Tensor g : gradParts) Lengths.require("update", "grads", g, count);
    Lengths.require("update", "m", m, count);
    Lengths.require("update", "v", v, count);
    if (step < 1) throw new IllegalArgumentException("optimizer step is 1-based, got " + step);
  }

  /** {@code op} (copy, addInto) of {@code count} floats into {@code dst}, which has exactly as many. */
  public void checkInto(String op, Tensor dst) {
    if (dst.length() != count) {
      throw new IllegalArgumentException(op + " of " + count + " floats into " + dst.length());
    }
  }

  /** {@link MemoryOps#uploadIndices} of {@code count} indices into {@code dst}, which has exactly as many. */
  public void checkIndices(IndexTensor dst) {
    if (dst.length() != count) {
      throw new IllegalArgumentException("upload of " + count + " indices into " + dst.length());
    }
  }

  /**
   * {@link LossOps#accumulateSum} of the first {@code count} values into {@code
   * accumulators[slot]}.
   *
   * @throws IndexOutOfBoundsException when {@code slot} is not an element of accumulators
   */
  public void checkAccumulateSum(Tensor values, Tensor accumulators, int slot) {
    Lengths.require("accumulateSum", "values", values, count);
    if (slot < 0 || slot >= accumulators.length()) {
      throw new IndexOutOfBoundsException("accumulateSum slot " + slot + " of " + accumulators.length());
    }
  }

  /**
   * {@link OptimizerOps#gradientSquaredNorm} ({@code normSums} null) or {@link
   * OptimizerOps#clipGradients} (one part) over {@code count} gradient elements: at least one part,
   * each that long, a one-float squared norm and two norm-sum slots.
   */
  public void checkClip(String op, Tensor[] parts, Tensor squaredNorm, Tensor normSums) {
    if (parts.length == 0) throw new IllegalArgumentException(op + " needs at least one gradient part");
    for (Tensor g : parts) Lengths.require(op, "grads", g, count);
    Lengths.require(op, "squared norm", squaredNorm, 1);
    if (normSums != null) Lengths.require(op, "norm sums", normSums, 2);
  }
}

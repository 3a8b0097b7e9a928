package dev.vae4j.backend;

/**
 * The loss family of {@link Backend}: the reconstruction negative log-likelihood of each {@link
 * Likelihood}, fused with its gradient, and the on-device sums that keep an epoch's losses off the
 * host, and the per-row scaling that weights rows' losses and gradients. The conventions of every family are on {@link Backend}.
 */
public interface LossOps {

  /**
   * Reconstruction negative log-likelihood from the decoder's outputs {@code logits [rows,
   * likelihood.outputsPerValue() * cols]} against {@code target [rows, cols]}, fused with its
   * gradient: {@code lossPerRow[r]} = sum over the row's {@code cols} values of the per-value loss
   * of {@code likelihood} (see each {@link Likelihood} constant; a value's outputs are at columns
   * {@code c, c + cols, ...} of its row); {@code dlogits}, laid out as {@code logits}, {@code =
   * gradScale * dloss/dlogits}. {@code dlogits} may be null (forward only) and may alias {@code
   * logits}.
   */
  void reconstructionLoss(
      Likelihood likelihood,
      Tensor logits,
      Tensor target,
      int rows,
      int cols,
      Tensor lossPerRow,
      Tensor dlogits,
      float gradScale);

  /** {@code accumulators[slot] += sum(values[0..count))}, without reading anything back to the host. */
  void accumulateSum(Tensor values, int count, Tensor accumulators, int slot);

  /**
   * Scales each row of {@code values [rows, columns]} in place by its own factor: {@code values[r,
   * c] *= rowScales[r]} for r in [0, rows), c in [0, columns), one float multiplication each (so
   * a scale of 1 leaves a row's bits as they were). {@code --class-weights} weights each training
   * row's loss and gradient by its class's weight this way.
   */
  void scaleRows(Tensor values, int rows, int columns, Tensor rowScales);
}

package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;

import dev.vae4j.backend.Elements;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.LossOps;
import dev.vae4j.backend.LossShape;
import dev.vae4j.backend.Rows;
import dev.vae4j.backend.Tensor;

/**
 * {@link LossOps} on the GPU: one {@code losses.cu} kernel per likelihood, {@code gather.cu}'s
 * on-device sum, {@code rowscale.cu}'s row scaling.
 */
final class CudaLosses implements LossOps {
  private final CudaQueue queue;

  CudaLosses(CudaQueue queue) {
    this.queue = queue;
  }

  @Override
  public void reconstructionLoss(
      Likelihood likelihood, Tensor logits, Tensor target, int rows, int cols,
      Tensor lossPerRow, Tensor dlogits, float gradScale) {
    CudaTensor l = cuda(logits), x = cuda(target), loss = cuda(lossPerRow);
    CudaTensor dl = dlogits == null ? null : cuda(dlogits);
    new LossShape(likelihood, rows, cols).check(l, x, loss, dl);
    Kernel k = switch (likelihood) {
      case BERNOULLI -> Kernel.BERNOULLI_LOSS;
      case CONTINUOUS_BERNOULLI -> Kernel.CONTINUOUS_BERNOULLI_LOSS;
      case GAUSSIAN -> Kernel.GAUSSIAN_LOSS;
      case GAUSSIAN_LEARNED -> Kernel.GAUSSIAN_LEARNED_LOSS;
    };
    queue.kernels.args(k).ptr(l).ptr(x).i32(rows).i32(cols).ptr(loss).ptr(dl).f32(gradScale);
    queue.launch(k, LaunchConfig.blockPerRow(rows), "reconstructionLoss", -1);
  }

  @Override
  public void accumulateSum(Tensor values, int count, Tensor accumulators, int slot) {
    CudaTensor v = cuda(values), acc = cuda(accumulators);
    new Elements(count).checkAccumulateSum(v, acc, slot);
    queue.kernels.args(Kernel.ACCUMULATE_SUM).ptr(v).i32(count).ptr(acc).i32(slot);
    queue.launch(Kernel.ACCUMULATE_SUM, LaunchConfig.singleBlock(), "accumulateSum", -1);
  }

  @Override
  public void scaleRows(Tensor values, int rows, int columns, Tensor rowScales) {
    CudaTensor v = cuda(values), s = cuda(rowScales);
    new Rows(rows, columns).checkScaleRows(v, s);
    if (rows == 0 || columns == 0) return;
    queue.kernels.args(Kernel.SCALE_ROWS).ptr(v).i32(rows).i32(columns).ptr(s);
    queue.launch(Kernel.SCALE_ROWS, LaunchConfig.elementwise((long) rows * columns, queue.context.multiprocessors),
        "scaleRows", -1);
  }
}

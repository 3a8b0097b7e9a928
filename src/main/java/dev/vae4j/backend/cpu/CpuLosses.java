package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.CpuTensor.cpu;

import dev.vae4j.backend.Elements;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.LossOps;
import dev.vae4j.backend.LossShape;
import dev.vae4j.backend.Rows;
import dev.vae4j.backend.Tensor;

/**
 * {@link LossOps} on the CPU: each likelihood's loss and gradient as one row function, the
 * Bernoulli's in {@link LoopKernels} (Vector API or scalar), the others scalar here, over rows
 * split by {@link ParallelRanges}; loss sums in double on one thread.
 */
final class CpuLosses implements LossOps {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final double LOG_TWO = Math.log(2);
  private final ParallelRanges parallel;
  private final LoopKernels loops;

  CpuLosses(ParallelRanges parallel, LoopKernels loops) {
    this.parallel = parallel;
    this.loops = loops;
  }

  @Override
  public void reconstructionLoss(
      Likelihood likelihood, Tensor logits, Tensor target, int rows, int cols,
      Tensor lossPerRow, Tensor dlogits, float gradScale) {
    CpuTensor l = cpu(logits), x = cpu(target), loss = cpu(lossPerRow);
    CpuTensor dl = dlogits == null ? null : cpu(dlogits);
    new LossShape(likelihood, rows, cols).check(l, x, loss, dl);
    int width = likelihood.outputsPerValue() * cols;
    float[] d = dl == null ? null : dl.heap;
    int dOffset = dl == null ? 0 : dl.offset;
    RowLoss row = switch (likelihood) {
      case BERNOULLI -> loops::bernoulliRow;
      case CONTINUOUS_BERNOULLI -> CpuLosses::continuousBernoulliRow;
      case GAUSSIAN -> CpuLosses::gaussianRow;
      case GAUSSIAN_LEARNED -> CpuLosses::learnedGaussianRow;
    };
    parallel.forRows(rows, width, (from, to) -> {
      for (int r = from; r < to; r++) {
        int lo = l.offset + r * width, xo = x.offset + r * cols, dro = dOffset + r * width;
        loss.heap[loss.offset + r] = row.loss(l.heap, lo, x.heap, xo, d, dro, cols, gradScale);
      }
    });
    loss.heapWritten();
    if (dl != null) dl.heapWritten();
  }

  /**
   * One row's negative log-likelihood from the decoder's outputs at {@code l[lo..]} (as many as the
   * likelihood needs for {@code n} values) against {@code x[xo..xo+n)}, with {@code d[dOffset..] =
   * scale * d/dl} unless {@code d} is null.
   */
  @FunctionalInterface
  private interface RowLoss {
    float loss(float[] l, int lo, float[] x, int xo, float[] d, int dOffset, int n, float scale);
  }

  /** Unit-variance Gaussian negative log-likelihood of one row, d/dl = l - x scaled into d. */
  private static float gaussianRow(float[] l, int lo, float[] x, int xo, float[] d, int dOffset, int n, float scale) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float diff = l[lo + i] - x[xo + i];
      sum += 0.5 * diff * diff;
      if (d != null) d[dOffset + i] = scale * diff;
    }
    return (float) (sum + n * HALF_LOG_TWO_PI);
  }

  /**
   * Continuous Bernoulli negative log-likelihood of one row ({@link Likelihood#CONTINUOUS_BERNOULLI}),
   * in double: the Bernoulli terms minus log C(l) = log(l / tanh(l/2)); d/dl = sigmoid(l) - x - (1/l
   * - 1/sinh(l)), scaled into d (which may alias l). Scalar for both loop kinds.
   */
  private static float continuousBernoulliRow(float[] l, int lo, float[] x, int xo, float[] d, int dOffset, int n,
      float scale) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double li = l[lo + i], xi = x[xo + i];
      double e = Math.exp(-Math.abs(li));
      double logNorm, dLogNorm;
      if (Math.abs(li) < Likelihood.CB_TAYLOR_BELOW) {
        double l2 = li * li;
        logNorm = LOG_TWO + l2 * (1.0 / 12 - l2 * (7.0 / 1440));
        dLogNorm = li * (1.0 / 6 - l2 * (7.0 / 360));
      } else {
        logNorm = Math.log(li / Math.tanh(0.5 * li));
        dLogNorm = 1 / li - 1 / Math.sinh(li);
      }
      sum += Math.max(li, 0) - li * xi + Math.log(1.0 + e) - logNorm;
      if (d != null) {
        double inv = 1.0 / (1.0 + e);
        d[dOffset + i] = (float) (scale * ((li >= 0 ? inv : e * inv) - xi - dLogNorm));
      }
    }
    return (float) sum;
  }

  /**
   * Learned-variance Gaussian negative log-likelihood of one row ({@link Likelihood#GAUSSIAN_LEARNED}):
   * means at {@code l[lo..lo+n)}, log-variances at {@code l[lo+n..lo+2n)}, clamped; both gradients
   * scaled into d laid out alike (which may alias l: each pair is read before it is written).
   */
  private static float learnedGaussianRow(float[] l, int lo, float[] x, int xo, float[] d, int dOffset, int n,
      float scale) {
    double sum = 0;
    for (int i = 0; i < n; i++) {
      float mu = l[lo + i], lv = l[lo + n + i];
      float v = Math.min(Likelihood.LOG_VARIANCE_MAX, Math.max(Likelihood.LOG_VARIANCE_MIN, lv));
      double diff = (double) mu - x[xo + i], precision = Math.exp(-v), weighted = diff * diff * precision;
      sum += 0.5 * (v + weighted);
      if (d != null) {
        d[dOffset + i] = (float) (scale * diff * precision);
        d[dOffset + n + i] = v == lv ? (float) (scale * 0.5 * (1 - weighted)) : 0f;
      }
    }
    return (float) (sum + n * HALF_LOG_TWO_PI);
  }

  @Override
  public void accumulateSum(Tensor values, int count, Tensor accumulators, int slot) {
    CpuTensor v = cpu(values), acc = cpu(accumulators);
    new Elements(count).checkAccumulateSum(v, acc, slot);
    double sum = 0;
    for (int i = 0; i < count; i++) sum += v.heap[v.offset + i];
    acc.heap[acc.offset + slot] = (float) (acc.heap[acc.offset + slot] + sum);
    acc.heapWritten();
  }

  /** The reference of {@code rowscale.cu}'s kernel: one multiplication per value, on one thread (a few rows' worth of work). */
  @Override
  public void scaleRows(Tensor values, int rows, int columns, Tensor rowScales) {
    CpuTensor v = cpu(values), s = cpu(rowScales);
    new Rows(rows, columns).checkScaleRows(v, s);
    for (int r = 0; r < rows; r++) {
      float scale = s.heap[s.offset + r];
      int at = v.offset + r * columns;
      for (int c = 0; c < columns; c++) v.heap[at + c] *= scale;
    }
    v.heapWritten();
  }
}

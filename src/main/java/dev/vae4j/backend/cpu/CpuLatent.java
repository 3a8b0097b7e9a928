package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.CpuTensor.cpu;

import dev.vae4j.backend.DropoutMask;
import dev.vae4j.backend.LatentOps;
import dev.vae4j.backend.LatentShape;
import dev.vae4j.backend.Philox;
import dev.vae4j.backend.Tensor;

/**
 * {@link LatentOps} on the CPU: noise from {@link Philox}, the reparameterization and its backward
 * as {@link LoopKernels}, the KL term as a scalar loop summing in double. On one thread each: the
 * latent layer is small (rows x tens of columns). Dropout too: it is one Philox block per four
 * elements of a hidden layer, next to that layer's GEMM.
 */
final class CpuLatent implements LatentOps {
  private final LoopKernels loops;

  CpuLatent(LoopKernels loops) {
    this.loops = loops;
  }

  @Override
  public void normalNoise(Tensor out, long seed, long stream) {
    CpuTensor o = cpu(out);
    int[] philoxWords = new int[4];
    float[] noiseBlock = new float[4];
    for (int i = 0; i < o.length; i += 4) {
      Philox.normalBlock(seed, stream, i / 4, philoxWords, noiseBlock);
      System.arraycopy(noiseBlock, 0, o.heap, o.offset + i, Math.min(4, o.length - i));
    }
    o.heapWritten();
  }

  @Override
  public void reparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int latent) {
    CpuTensor s = cpu(stats), e = cpu(eps), zt = cpu(z);
    new LatentShape(rows, latent).checkReparameterize(s, e, zt);
    loops.reparameterize(s.heap, s.offset, e.heap, e.offset, zt.heap, zt.offset, 0, rows, latent);
    zt.heapWritten();
  }

  @Override
  public void reparameterizeBackward(
      Tensor dz, Tensor stats, Tensor eps, Tensor dstats, int rows, int latent) {
    CpuTensor g = cpu(dz), s = cpu(stats), e = cpu(eps), ds = cpu(dstats);
    new LatentShape(rows, latent).checkReparameterizeBackward(g, s, e, ds);
    loops.reparameterizeBackward(g.heap, g.offset, s.heap, s.offset, e.heap, e.offset, ds.heap, ds.offset, 0, rows, latent);
    ds.heapWritten();
  }

  @Override
  public void klDivergence(
      Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats, float gradScale) {
    CpuTensor s = cpu(stats), kl = cpu(klPerRow);
    CpuTensor ds = dstats == null ? null : cpu(dstats);
    new LatentShape(rows, latent).checkKlDivergence(s, kl, ds);
    for (int r = 0; r < rows; r++) {
      int si = r * 2 * latent;
      double sum = 0;
      for (int j = 0; j < latent; j++) {
        float mu = s.heap[s.offset + si + j], logvar = s.heap[s.offset + si + latent + j];
        double var = Math.exp(logvar);
        sum += -0.5 * (1.0 + logvar - (double) mu * mu - var);
        if (ds != null) {
          ds.heap[ds.offset + si + j] = gradScale * mu;
          ds.heap[ds.offset + si + latent + j] = (float) (gradScale * 0.5 * (var - 1.0));
        }
      }
      kl.heap[kl.offset + r] = (float) sum;
    }
    kl.heapWritten();
    if (ds != null) ds.heapWritten();
  }

  @Override
  public void dropout(Tensor x, int rows, int cols, int firstRow, long seed, long step, int layer, float p) {
    applyMask(cpu(x), rows, cols, firstRow, seed, step, layer, p);
  }

  /** The same mask and scale as the forward: d(x * mask * scale)/dx, regenerated from the key. */
  @Override
  public void dropoutBackward(Tensor grad, int rows, int cols, int firstRow, long seed, long step, int layer, float p) {
    applyMask(cpu(grad), rows, cols, firstRow, seed, step, layer, p);
  }

  private static void applyMask(CpuTensor t, int rows, int cols, int firstRow, long seed, long step, int layer, float p) {
    if ((long) rows * cols > t.length) {
      throw new IllegalArgumentException("dropout of " + rows + " x " + cols + " on a tensor of " + t.length);
    }
    int threshold = DropoutMask.threshold(p);
    float scale = DropoutMask.scale(p);
    int[] words = new int[4];
    for (int r = 0; r < rows; r++) {
      int at = t.offset + r * cols;
      for (int c = 0; c < cols; c += 4) {
        DropoutMask.block(seed, step, layer, firstRow + r, c / 4, words);
        for (int j = 0; j < 4 && c + j < cols; j++) {
          t.heap[at + c + j] = DropoutMask.keeps(words[j], threshold) ? t.heap[at + c + j] * scale : 0f;
        }
      }
    }
    t.heapWritten();
  }
}

package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.CpuTensor.cpu;

import dev.vae4j.backend.IwaeOps;
import dev.vae4j.backend.IwaeShape;
import dev.vae4j.backend.Tensor;

/**
 * {@link IwaeOps} on the CPU, scalar loops on the calling thread (a batch part's), the reference
 * of {@code native/iwae.cu}. The latent side is small (rows x draws x tens of columns); only {@link
 * #repeatRows} and {@link #scaleDraws} touch image-sized rows, once each per step. Transcendentals
 * through {@link StrictMath}, so that a resumed run repeats every bit whatever the JIT compiled.
 */
final class CpuIwae implements IwaeOps {

  @Override
  public void repeatRows(Tensor src, Tensor dst, int rows, int cols, int draws) {
    CpuTensor s = cpu(src), d = cpu(dst);
    new IwaeShape(rows, draws, cols).checkRepeatRows(s, d);
    for (int r = 0; r < rows; r++) {
      for (int k = 0; k < draws; k++) {
        System.arraycopy(s.heap, s.offset + r * cols, d.heap, d.offset + (r * draws + k) * cols, cols);
      }
    }
    d.heapWritten();
  }

  @Override
  public void iwaeReparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int draws, int latent) {
    CpuTensor s = cpu(stats), e = cpu(eps), zt = cpu(z);
    new IwaeShape(rows, draws, latent).checkReparameterize(s, e, zt);
    for (int r = 0; r < rows; r++) {
      int si = s.offset + r * 2 * latent;
      for (int k = 0; k < draws; k++) {
        int di = (r * draws + k) * latent;
        for (int j = 0; j < latent; j++) {
          float sigma = (float) StrictMath.exp(0.5f * s.heap[si + latent + j]);
          zt.heap[zt.offset + di + j] = s.heap[si + j] + sigma * e.heap[e.offset + di + j];
        }
      }
    }
    zt.heapWritten();
  }

  @Override
  public void iwaeWeights(Tensor recon, Tensor stats, Tensor eps, Tensor z, int rows, int draws, int latent,
      float beta, Tensor weights, Tensor bound, Tensor reconMean) {
    CpuTensor rc = cpu(recon), s = cpu(stats), e = cpu(eps), zt = cpu(z), w = cpu(weights), b = cpu(bound),
        rm = cpu(reconMean);
    new IwaeShape(rows, draws, latent).checkWeights(rc, s, e, zt, w, b, rm);
    double logDraws = StrictMath.log(draws);
    double[] logW = new double[draws];
    for (int r = 0; r < rows; r++) {
      int si = s.offset + r * 2 * latent;
      double max = Double.NEGATIVE_INFINITY, reconSum = 0;
      for (int k = 0; k < draws; k++) {
        int i = r * draws + k, di = i * latent;
        double sampledKl = 0;
        for (int j = 0; j < latent; j++) {
          double zv = zt.heap[zt.offset + di + j], ev = e.heap[e.offset + di + j];
          sampledKl += 0.5 * (zv * zv - s.heap[si + latent + j] - ev * ev);
        }
        double rv = rc.heap[rc.offset + i];
        reconSum += rv;
        logW[k] = -rv - beta * sampledKl;
        max = Math.max(max, logW[k]);
      }
      double sum = 0;
      for (int k = 0; k < draws; k++) sum += StrictMath.exp(logW[k] - max);
      double lse = max + StrictMath.log(sum);
      for (int k = 0; k < draws; k++) w.heap[w.offset + r * draws + k] = (float) StrictMath.exp(logW[k] - lse);
      b.heap[b.offset + r] = (float) -(lse - logDraws);
      rm.heap[rm.offset + r] = (float) (reconSum / draws);
    }
    w.heapWritten();
    b.heapWritten();
    rm.heapWritten();
  }

  @Override
  public void scaleDraws(Tensor x, Tensor weights, int rows, int draws, int cols) {
    CpuTensor xt = cpu(x), w = cpu(weights);
    new IwaeShape(rows, draws, cols).checkScaleDraws(xt, w);
    for (int i = 0; i < rows * draws; i++) {
      float scale = w.heap[w.offset + i];
      int base = xt.offset + i * cols;
      for (int c = 0; c < cols; c++) xt.heap[base + c] *= scale;
    }
    xt.heapWritten();
  }

  @Override
  public void iwaeLatentBackward(Tensor dz, Tensor stats, Tensor eps, Tensor z, Tensor weights, int rows, int draws,
      int latent, float gradScale, Tensor dstats) {
    CpuTensor g = cpu(dz), s = cpu(stats), e = cpu(eps), zt = cpu(z), w = cpu(weights), ds = cpu(dstats);
    new IwaeShape(rows, draws, latent).checkLatentBackward(g, s, e, zt, w, ds);
    for (int r = 0; r < rows; r++) {
      int si = r * 2 * latent;
      for (int j = 0; j < latent; j++) {
        float halfSigma = 0.5f * (float) StrictMath.exp(0.5f * s.heap[s.offset + si + latent + j]);
        float dmu = 0, dlogvar = 0;
        for (int k = 0; k < draws; k++) {
          int i = r * draws + k, di = i * latent + j;
          float cw = gradScale * w.heap[w.offset + i];
          float gz = g.heap[g.offset + di] + cw * zt.heap[zt.offset + di];
          dmu += gz;
          dlogvar += gz * e.heap[e.offset + di] * halfSigma - 0.5f * cw;
        }
        ds.heap[ds.offset + si + j] = dmu;
        ds.heap[ds.offset + si + latent + j] = dlogvar;
      }
    }
    ds.heapWritten();
  }
}

package dev.vae4j.backend.cpu;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Philox;
import dev.vae4j.backend.Tensor;
import java.nio.FloatBuffer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The CPU backend: GEMMs through OpenBLAS {@code cblas_sgemm}, every other op a fused Java loop
 * over off-heap memory, split across cores by {@link ParallelRanges} when large enough. Ops are
 * synchronous. Contracts are on {@link Backend}.
 */
public final class CpuBackend implements Backend {
  private final int threads;
  private final ParallelRanges parallel;
  private final String blasName;

  /** A backend using every available core. */
  public CpuBackend() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** A backend using {@code threads} threads for OpenBLAS and for the elementwise loops. */
  public CpuBackend(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.threads = threads;
    Loader.load(openblas_nolapack.class);
    org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(threads);
    this.blasName = "OpenBLAS " + openblas_nolapack.OPENBLAS_VERSION.trim();
    this.parallel = new ParallelRanges(threads);
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String description() {
    String core = System.getenv("OPENBLAS_CORETYPE");
    return blasName + ", " + threads + " threads"
        + (core == null ? "" : ", OPENBLAS_CORETYPE=" + core);
  }

  /** Threads used by OpenBLAS and by the elementwise loops. */
  public int threads() {
    return threads;
  }

  // ---------------------------------------------------------------- memory

  @Override
  public Tensor allocate(long length) {
    return CpuTensor.allocate(length);
  }

  @Override
  public Tensor slice(Tensor parent, long offset, long length) {
    return cpu(parent).slice(offset, length);
  }

  @Override
  public IndexTensor allocateIndices(int length) {
    return new CpuIndexTensor(length);
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    cpu(dst).data.put(Math.toIntExact(dstOffset), src, srcOffset, count);
  }

  @Override
  public void download(Tensor src, long srcOffset, float[] dst, int dstOffset, int count) {
    cpu(src).data.get(Math.toIntExact(srcOffset), dst, dstOffset, count);
  }

  @Override
  public void uploadIndices(int[] src, IndexTensor dst) {
    int[] target = ((CpuIndexTensor) dst).data;
    if (src.length != target.length) {
      throw new IllegalArgumentException("upload of " + src.length + " indices into " + target.length);
    }
    System.arraycopy(src, 0, target, 0, src.length);
  }

  @Override
  public void fill(Tensor t, float value) {
    FloatBuffer d = cpu(t).data;
    for (int i = 0, n = d.capacity(); i < n; i++) d.put(i, value);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    FloatBuffer s = cpu(src).data, d = cpu(dst).data;
    requireLength(d, s.capacity(), "copy destination");
    d.put(0, s, 0, s.capacity());
  }

  @Override
  public void synchronize() {}

  // ---------------------------------------------------------------- linear algebra

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c) {
    FloatBuffer ad = cpu(a).data, bd = cpu(b).data, cd = cpu(c).data;
    requireLength(ad, (long) m * k, "gemm A");
    requireLength(bd, (long) k * n, "gemm B");
    requireLength(cd, (long) m * n, "gemm C");
    if (beta == 0f) fill(c, 0f); // BLAS may read C when beta == 0; the contract says it must not matter
    cblas_sgemm(
        CblasRowMajor,
        transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans,
        m, n, k, alpha,
        ad, transA ? m : k,
        bd, transB ? k : n,
        beta == 0f ? 0f : beta,
        cd, n);
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public void biasActivation(Tensor x, Tensor bias, int rows, int cols, Activation act) {
    FloatBuffer xd = cpu(x).data;
    FloatBuffer bd = bias == null ? null : cpu(bias).data;
    requireLength(xd, (long) rows * cols, "biasActivation x");
    if (bd != null) requireLength(bd, cols, "biasActivation bias");
    parallel.forRows(rows, cols, (from, to) -> Kernels.biasActivation(xd, bd, from, to, cols, act));
  }

  @Override
  public void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, Activation act) {
    FloatBuffer g = cpu(grad).data, y = cpu(output).data;
    FloatBuffer bg = biasGrad == null ? null : cpu(biasGrad).data;
    requireLength(g, (long) rows * cols, "activationBackward grad");
    requireLength(y, (long) rows * cols, "activationBackward output");
    if (act == Activation.SIGMOID) {
      throw new UnsupportedOperationException("activationBackward does not support SIGMOID");
    }
    if (act == Activation.RELU) {
      parallel.forRows(rows, cols, (from, to) -> Kernels.reluBackward(g, y, from * cols, to * cols));
    }
    if (bg != null) {
      requireLength(bg, cols, "activationBackward biasGrad");
      parallel.columnSums(g, rows, cols, bg);
    }
  }

  @Override
  public void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst) {
    FloatBuffer s = cpu(src).data, d = cpu(dst).data;
    int[] idx = ((CpuIndexTensor) indices).data;
    requireLength(d, (long) rows * cols, "gatherRows dst");
    if (first < 0 || first + rows > idx.length) {
      throw new IndexOutOfBoundsException("gatherRows [" + first + ", " + (first + rows) + ") of " + idx.length + " indices");
    }
    long srcRows = s.capacity() / cols;
    for (int r = 0; r < rows; r++) {
      int row = idx[first + r];
      if (row < 0 || row >= srcRows) throw new IndexOutOfBoundsException("gatherRows index " + row + " of " + srcRows + " rows");
      d.put(r * cols, s, row * cols, cols);
    }
  }

  // ---------------------------------------------------------------- latent layer

  @Override
  public void normalNoise(Tensor out, long seed, long stream) {
    FloatBuffer d = cpu(out).data;
    Philox.fillNormals(seed, stream, 0, d.capacity(), (i, v) -> d.put((int) i, v));
  }

  @Override
  public void reparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int latent) {
    FloatBuffer s = cpu(stats).data, e = cpu(eps).data, zd = cpu(z).data;
    requireLength(s, 2L * rows * latent, "reparameterize stats");
    requireLength(e, (long) rows * latent, "reparameterize eps");
    requireLength(zd, (long) rows * latent, "reparameterize z");
    for (int r = 0; r < rows; r++) {
      int si = r * 2 * latent, zi = r * latent;
      for (int j = 0; j < latent; j++) {
        float mu = s.get(si + j), logvar = s.get(si + latent + j);
        zd.put(zi + j, mu + (float) Math.exp(0.5 * logvar) * e.get(zi + j));
      }
    }
  }

  @Override
  public void reparameterizeBackward(
      Tensor dz, Tensor stats, Tensor eps, Tensor dstats, int rows, int latent) {
    FloatBuffer g = cpu(dz).data, s = cpu(stats).data, e = cpu(eps).data, ds = cpu(dstats).data;
    requireLength(g, (long) rows * latent, "reparameterizeBackward dz");
    requireLength(ds, 2L * rows * latent, "reparameterizeBackward dstats");
    for (int r = 0; r < rows; r++) {
      int si = r * 2 * latent, zi = r * latent;
      for (int j = 0; j < latent; j++) {
        float grad = g.get(zi + j);
        float sigma = (float) Math.exp(0.5 * s.get(si + latent + j));
        ds.put(si + j, ds.get(si + j) + grad);
        ds.put(si + latent + j, ds.get(si + latent + j) + grad * e.get(zi + j) * 0.5f * sigma);
      }
    }
  }

  @Override
  public void klDivergence(
      Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats, float gradScale) {
    FloatBuffer s = cpu(stats).data, kl = cpu(klPerRow).data;
    FloatBuffer ds = dstats == null ? null : cpu(dstats).data;
    requireLength(s, 2L * rows * latent, "klDivergence stats");
    requireLength(kl, rows, "klDivergence klPerRow");
    for (int r = 0; r < rows; r++) {
      int si = r * 2 * latent;
      double sum = 0;
      for (int j = 0; j < latent; j++) {
        float mu = s.get(si + j), logvar = s.get(si + latent + j);
        float var = (float) Math.exp(logvar);
        sum += -0.5 * (1.0 + logvar - (double) mu * mu - var);
        if (ds != null) {
          ds.put(si + j, gradScale * mu);
          ds.put(si + latent + j, gradScale * 0.5f * (var - 1f));
        }
      }
      kl.put(r, (float) sum);
    }
  }

  @Override
  public void reconstructionLoss(
      Likelihood likelihood, Tensor logits, Tensor target, int rows, int cols,
      Tensor lossPerRow, Tensor dlogits, float gradScale) {
    FloatBuffer l = cpu(logits).data, x = cpu(target).data, loss = cpu(lossPerRow).data;
    FloatBuffer dl = dlogits == null ? null : cpu(dlogits).data;
    requireLength(l, (long) rows * cols, "reconstructionLoss logits");
    requireLength(x, (long) rows * cols, "reconstructionLoss target");
    requireLength(loss, rows, "reconstructionLoss lossPerRow");
    if (dl != null) requireLength(dl, (long) rows * cols, "reconstructionLoss dlogits");
    parallel.forRows(rows, cols, (from, to) -> {
      for (int r = from; r < to; r++) {
        float rowLoss = likelihood == Likelihood.BERNOULLI
            ? Kernels.bernoulliRow(l, x, dl, r * cols, cols, gradScale)
            : Kernels.gaussianRow(l, x, dl, r * cols, cols, gradScale);
        loss.put(r, rowLoss);
      }
    });
  }

  @Override
  public void accumulateSum(Tensor values, int count, Tensor accumulators, int slot) {
    FloatBuffer v = cpu(values).data, acc = cpu(accumulators).data;
    double sum = 0;
    for (int i = 0; i < count; i++) sum += v.get(i);
    acc.put(slot, (float) (acc.get(slot) + sum));
  }

  // ---------------------------------------------------------------- optimizer

  @Override
  public void adamUpdate(Tensor params, Tensor grads, Tensor m, Tensor v, AdamParams hyper, long step) {
    FloatBuffer p = cpu(params).data, g = cpu(grads).data, md = cpu(m).data, vd = cpu(v).data;
    int n = p.capacity();
    requireLength(g, n, "adamUpdate grads");
    requireLength(md, n, "adamUpdate m");
    requireLength(vd, n, "adamUpdate v");
    if (step < 1) throw new IllegalArgumentException("Adam step is 1-based, got " + step);
    Kernels.AdamStep k = Kernels.AdamStep.of(hyper, step);
    parallel.forRange(n, (from, to) -> Kernels.adam(p, g, md, vd, from, to, k));
  }

  @Override
  public void close() {
    parallel.close();
  }

  private static CpuTensor cpu(Tensor t) {
    if (t instanceof CpuTensor c) return c;
    throw new IllegalArgumentException("tensor " + t + " does not belong to the CPU backend");
  }

  private static void requireLength(FloatBuffer b, long needed, String what) {
    if (b.capacity() < needed) {
      throw new IllegalArgumentException(what + ": needs " + needed + " floats, tensor has " + b.capacity());
    }
  }
}

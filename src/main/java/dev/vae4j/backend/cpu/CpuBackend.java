package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Philox;
import dev.vae4j.backend.Tensor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * The CPU backend: GEMMs through oneDNN or OpenBLAS ({@link Gemm}), every other op a fused Java loop
 * over heap arrays (see {@link CpuTensor} for why), split across cores by {@link ParallelRanges}
 * when large enough. A training step instead splits its batch into up to one part per core ({@link
 * #batchParts}), each part's ops on its thread, its GEMMs on its share of the cores (one each on
 * the 2-core dev machine): at the step's sizes that is 1.3-2x faster than
 * splitting every op, whose fork and join (and oneDNN's) cost more than the small ops save
 * (docs/benchmarks.md). Ops are synchronous. Contracts are on {@link Backend}.
 */
public final class CpuBackend implements Backend {
  private static final double HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
  private static final double LOG_TWO = Math.log(2);
  private final ParallelRanges parallel;
  private final LoopKernels.Choice loopChoice;
  private final LoopKernels loops;
  private final Gemm.Choice gemmChoice;
  private final Gemm gemm;
  private final ParallelRanges parts;
  /**
   * Run around each batch part on its thread, indexed by how many parts run at once: the part's
   * GEMMs get that share of the GEMM library's threads (one each on the 2-core dev machine; on a
   * 16-core machine, two parts of a 128-row batch would get eight each rather than leave 14 cores
   * idle).
   */
  private final Runnable[] confineGemmsFor;
  private final Runnable releaseGemms;

  /** A backend using every available core. */
  public CpuBackend() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /**
   * A backend using {@code threads} threads for the elementwise loops and OpenBLAS GEMMs (split by
   * rows); with oneDNN (the default when it loads) GEMMs run on oneDNN's own threads and the loops
   * on the calling thread (see {@link Gemm#ownsTheCores}). The system property {@code vae4j.gemm}
   * ({@code auto}, {@code dnnl}, {@code openblas}) picks the GEMM library.
   */
  public CpuBackend(int threads) {
    this(threads, System.getProperty("vae4j.gemm", "auto"));
  }

  /** As {@link #CpuBackend(int)} with the GEMM library named ({@code auto}, {@code dnnl} or {@code openblas}). */
  CpuBackend(int threads, String gemmLibrary) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.gemmChoice = Gemm.select(gemmLibrary);
    this.gemm = gemmChoice.gemm();
    this.parallel = new ParallelRanges(gemm.ownsTheCores() ? 1 : threads);
    this.parts = new ParallelRanges(gemm.canConfine() ? threads : 1);
    this.confineGemmsFor = new Runnable[parts.threads() + 1];
    for (int count = 1; count <= parts.threads(); count++) {
      int share = Math.max(1, gemm.threads() / count);
      confineGemmsFor[count] = () -> gemm.confine(share);
    }
    this.releaseGemms = () -> gemm.confine(0);
    this.loopChoice = LoopKernels.select();
    this.loops = loopChoice.kernels();
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String description() {
    int threads = parallel.threads();
    return gemm.describe() + " [" + gemmChoice.reason() + "], elementwise on " + threads
        + (threads == 1 ? " thread: " : " threads: ") + loopChoice.reason() + "; training batches in "
        + (parts.threads() == 1 ? "1 part" : "up to " + parts.threads() + " parts, one per core");
  }

  /** Threads used by the elementwise loops (and by OpenBLAS GEMMs; oneDNN uses its own OpenMP threads). */
  public int threads() {
    return parallel.threads();
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
  public Tensor allocatePixels(long length) {
    return new CpuPixelTensor(length);
  }

  @Override
  public void uploadPixels(byte[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    if (!(dst instanceof CpuPixelTensor px)) throw new IllegalArgumentException("uploadPixels needs a tensor from allocatePixels");
    if (dstOffset < 0 || count < 0 || dstOffset + count > px.data.length) {
      throw new IndexOutOfBoundsException("uploadPixels [" + dstOffset + ", " + (dstOffset + count) + ") of " + px.data.length);
    }
    System.arraycopy(src, srcOffset, px.data, (int) dstOffset, count);
  }

  @Override
  public IndexTensor allocateIndices(int length) {
    return new CpuIndexTensor(length);
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    CpuTensor d = cpu(dst);
    checkRange(d, dstOffset, count, "upload");
    System.arraycopy(src, srcOffset, d.heap, d.offset + (int) dstOffset, count);
    d.heapWritten();
  }

  @Override
  public void download(Tensor src, long srcOffset, float[] dst, int dstOffset, int count) {
    CpuTensor s = cpu(src);
    checkRange(s, srcOffset, count, "download");
    System.arraycopy(s.heap, s.offset + (int) srcOffset, dst, dstOffset, count);
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
    CpuTensor c = cpu(t);
    Arrays.fill(c.heap, c.offset, c.offset + c.length, value);
    c.heapWritten();
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    CpuTensor s = cpu(src), d = cpu(dst);
    if (s.length != d.length) throw new IllegalArgumentException("copy of " + s.length + " floats into " + d.length);
    System.arraycopy(s.heap, s.offset, d.heap, d.offset, s.length);
    d.heapWritten();
  }

  @Override
  public void synchronize() {}

  @Override
  public void addInto(Tensor src, Tensor dst) {
    CpuTensor s = cpu(src), d = cpu(dst);
    if (s.length != d.length) throw new IllegalArgumentException("addInto of " + s.length + " floats into " + d.length);
    parallel.forRange(s.length, (from, to) -> {
      for (int i = from; i < to; i++) d.heap[d.offset + i] += s.heap[s.offset + i];
    });
    d.heapWritten();
  }

  // ---------------------------------------------------------------- batch parts

  @Override
  public int batchParts() {
    return parts.threads();
  }

  @Override
  public void inParallel(int count, IntConsumer part) {
    if (count == 1) {
      part.accept(0);
      return;
    }
    if (count < 1 || count > parts.threads()) {
      throw new IllegalArgumentException(count + " parts for " + parts.threads() + " threads");
    }
    parts.forParts(count, part, confineGemmsFor[count], releaseGemms);
  }

  // ---------------------------------------------------------------- linear algebra

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c) {
    CpuTensor at = cpu(a), bt = cpu(b), ct = cpu(c);
    requireLength(at, (long) m * k, "gemm A");
    requireLength(bt, (long) k * n, "gemm B");
    requireLength(ct, (long) m * n, "gemm C");
    FloatBuffer am = at.forBlasRead(), bm = bt.forBlasRead();
    FloatBuffer cm = beta == 0f ? ct.forBlasWrite() : ct.forBlasRead();
    gemm.multiply(transA, transB, m, n, k, alpha, am, bm, beta, cm, parallel,
        (from, to) -> ct.blasWrittenRange(from * n, (to - from) * n));
    ct.blasWriteFinished();
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public void biasActivation(Tensor x, Tensor bias, int rows, int cols, Activation act) {
    CpuTensor xt = cpu(x);
    CpuTensor bt = bias == null ? null : cpu(bias);
    requireLength(xt, (long) rows * cols, "biasActivation x");
    if (bt != null) requireLength(bt, cols, "biasActivation bias");
    float[] b = bt == null ? null : bt.heap;
    int bo = bt == null ? 0 : bt.offset;
    if (act == Activation.SIGMOID) {
      loops.biasRelu(xt.heap, xt.offset, b, bo, 0, rows, cols, false);
      parallel.forRange(rows * cols, (from, to) -> loops.sigmoid(xt.heap, xt.offset + from, xt.offset + to));
    } else {
      boolean relu = act == Activation.RELU;
      parallel.forRows(rows, cols, (from, to) -> loops.biasRelu(xt.heap, xt.offset, b, bo, from, to, cols, relu));
    }
    xt.heapWritten();
  }

  @Override
  public void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, Activation act) {
    CpuTensor g = cpu(grad), y = cpu(output);
    requireLength(g, (long) rows * cols, "activationBackward grad");
    requireLength(y, (long) rows * cols, "activationBackward output");
    if (act == Activation.SIGMOID) {
      throw new UnsupportedOperationException("activationBackward does not support SIGMOID");
    }
    if (act == Activation.RELU) {
      parallel.forRange(rows * cols, (from, to) -> loops.reluBackward(g.heap, g.offset, y.heap, y.offset, from, to));
      g.heapWritten();
    }
    if (biasGrad != null) {
      CpuTensor bg = cpu(biasGrad);
      requireLength(bg, cols, "activationBackward biasGrad");
      parallel.forRows(cols, rows, (from, to) ->
          loops.columnSums(g.heap, g.offset, rows, cols, from, to, bg.heap, bg.offset));
      bg.heapWritten();
    }
  }

  @Override
  public void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst) {
    CpuTensor d = cpu(dst);
    int[] idx = ((CpuIndexTensor) indices).data;
    requireLength(d, (long) rows * cols, "gatherRows dst");
    if (first < 0 || first + rows > idx.length) {
      throw new IndexOutOfBoundsException("gatherRows [" + first + ", " + (first + rows) + ") of " + idx.length + " indices");
    }
    int srcRows = (int) (src.length() / cols);
    for (int r = 0; r < rows; r++) {
      int row = idx[first + r];
      if (row < 0 || row >= srcRows) throw new IndexOutOfBoundsException("gatherRows index " + row + " of " + srcRows + " rows");
    }
    if (src instanceof CpuPixelTensor px) {
      for (int r = 0; r < rows; r++) {
        int from = idx[first + r] * cols, to = d.offset + r * cols;
        for (int c = 0; c < cols; c++) d.heap[to + c] = CpuPixelTensor.VALUE[px.data[from + c] & 0xff];
      }
    } else {
      CpuTensor s = cpu(src);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(s.heap, s.offset + idx[first + r] * cols, d.heap, d.offset + r * cols, cols);
      }
    }
    d.heapWritten();
  }

  // ---------------------------------------------------------------- latent layer

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
    requireLength(s, 2L * rows * latent, "reparameterize stats");
    requireLength(e, (long) rows * latent, "reparameterize eps");
    requireLength(zt, (long) rows * latent, "reparameterize z");
    loops.reparameterize(s.heap, s.offset, e.heap, e.offset, zt.heap, zt.offset, 0, rows, latent);
    zt.heapWritten();
  }

  @Override
  public void reparameterizeBackward(
      Tensor dz, Tensor stats, Tensor eps, Tensor dstats, int rows, int latent) {
    CpuTensor g = cpu(dz), s = cpu(stats), e = cpu(eps), ds = cpu(dstats);
    requireLength(g, (long) rows * latent, "reparameterizeBackward dz");
    requireLength(s, 2L * rows * latent, "reparameterizeBackward stats");
    requireLength(e, (long) rows * latent, "reparameterizeBackward eps");
    requireLength(ds, 2L * rows * latent, "reparameterizeBackward dstats");
    loops.reparameterizeBackward(g.heap, g.offset, s.heap, s.offset, e.heap, e.offset, ds.heap, ds.offset, 0, rows, latent);
    ds.heapWritten();
  }

  @Override
  public void klDivergence(
      Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats, float gradScale) {
    CpuTensor s = cpu(stats), kl = cpu(klPerRow);
    CpuTensor ds = dstats == null ? null : cpu(dstats);
    requireLength(s, 2L * rows * latent, "klDivergence stats");
    requireLength(kl, rows, "klDivergence klPerRow");
    if (ds != null) requireLength(ds, 2L * rows * latent, "klDivergence dstats");
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
  public void reconstructionLoss(
      Likelihood likelihood, Tensor logits, Tensor target, int rows, int cols,
      Tensor lossPerRow, Tensor dlogits, float gradScale) {
    CpuTensor l = cpu(logits), x = cpu(target), loss = cpu(lossPerRow);
    CpuTensor dl = dlogits == null ? null : cpu(dlogits);
    int width = likelihood.outputsPerValue() * cols;
    requireLength(l, (long) rows * width, "reconstructionLoss logits");
    requireLength(x, (long) rows * cols, "reconstructionLoss target");
    requireLength(loss, rows, "reconstructionLoss lossPerRow");
    if (dl != null) requireLength(dl, (long) rows * width, "reconstructionLoss dlogits");
    float[] d = dl == null ? null : dl.heap;
    int dOffset = dl == null ? 0 : dl.offset;
    RowLoss row = switch (likelihood) {
      case BERNOULLI -> loops::bernoulliRow;
      case CONTINUOUS_BERNOULLI -> CpuBackend::continuousBernoulliRow;
      case GAUSSIAN -> CpuBackend::gaussianRow;
      case GAUSSIAN_LEARNED -> CpuBackend::learnedGaussianRow;
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
    requireLength(v, count, "accumulateSum values");
    double sum = 0;
    for (int i = 0; i < count; i++) sum += v.heap[v.offset + i];
    acc.heap[acc.offset + slot] = (float) (acc.heap[acc.offset + slot] + sum);
    acc.heapWritten();
  }

  // ---------------------------------------------------------------- optimizer

  @Override
  public void adamUpdate(Tensor params, Tensor grads, Tensor m, Tensor v, AdamParams hyper, long step) {
    adam(params, grads, null, m, v, hyper, step);
  }

  /** Sums all parts but the last into the first, then adds the last inside the Adam pass. */
  @Override
  public void adamUpdate(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, AdamParams hyper, long step) {
    for (int p = 1; p < gradParts.length - 1; p++) addInto(gradParts[p], gradParts[0]);
    adam(params, gradParts[0], gradParts.length > 1 ? gradParts[gradParts.length - 1] : null, m, v, hyper, step);
  }

  /** Adam with gradient {@code grads}, plus {@code moreGrads} when not null. */
  private void adam(Tensor params, Tensor grads, Tensor moreGrads, Tensor m, Tensor v, AdamParams hyper, long step) {
    CpuTensor p = cpu(params), g = cpu(grads), mt = cpu(m), vt = cpu(v);
    CpuTensor g2 = moreGrads == null ? null : cpu(moreGrads);
    int n = p.length;
    requireLength(g, n, "adamUpdate grads");
    if (g2 != null) requireLength(g2, n, "adamUpdate grads");
    requireLength(mt, n, "adamUpdate m");
    requireLength(vt, n, "adamUpdate v");
    if (step < 1) throw new IllegalArgumentException("Adam step is 1-based, got " + step);
    AdamStep k = AdamStep.of(hyper, step);
    float[] g2Heap = g2 == null ? null : g2.heap;
    int g2Offset = g2 == null ? 0 : g2.offset;
    parallel.forRange(n, (from, to) -> loops.adam(p.heap, p.offset, g.heap, g.offset, g2Heap, g2Offset, mt.heap,
        mt.offset, vt.heap, vt.offset, from, to, k));
    p.heapWrittenThrough();
    mt.heapWritten();
    vt.heapWritten();
  }

  @Override
  public void close() {
    parallel.close();
    parts.close();
  }

  private static CpuTensor cpu(Tensor t) {
    if (t instanceof CpuTensor c) return c;
    if (t instanceof CpuPixelTensor) {
      throw new IllegalArgumentException("8-bit pixel tensors are written by uploadPixels and read by gatherRows only");
    }
    throw new IllegalArgumentException("tensor " + t + " does not belong to the CPU backend");
  }

  private static void requireLength(CpuTensor t, long needed, String what) {
    if (t.length < needed) {
      throw new IllegalArgumentException(what + ": needs " + needed + " floats, tensor has " + t.length);
    }
  }

  private static void checkRange(CpuTensor t, long offset, int count, String what) {
    if (offset < 0 || count < 0 || offset + count > t.length) {
      throw new IndexOutOfBoundsException(what + " [" + offset + ", " + (offset + count) + ") of a tensor of " + t.length);
    }
  }
}

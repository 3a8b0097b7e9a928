package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.Tensor;
import java.util.function.IntConsumer;

/**
 * The CPU backend: GEMMs through oneDNN or OpenBLAS ({@link Gemm}), every other op a fused Java loop
 * over heap arrays (see {@link CpuTensor} for why), split across cores by {@link ParallelRanges}
 * when large enough. A training step instead splits its batch into up to one part per core ({@link
 * #batchParts}), each part's ops on its thread, its GEMMs on its share of the cores (one each on
 * the 2-core dev machine): at the step's sizes that is 1.3-2x faster than
 * splitting every op, whose fork and join (and oneDNN's) cost more than the small ops save
 * (docs/benchmarks.md). Ops are synchronous. Contracts are on {@link Backend}'s families, each
 * implemented by one class here ({@link CpuMemory}, {@link CpuDense}, {@link CpuLatent}, {@link
 * CpuLosses}, {@link CpuOptimizer}, {@link CpuConv}) that this class composes and forwards to.
 */
public final class CpuBackend implements Backend {
  private final ParallelRanges parallel;
  private final LoopKernels.Choice loopChoice;
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
  private final CpuMemory memory;
  private final CpuDense dense;
  private final CpuLatent latent;
  private final CpuLosses losses;
  private final CpuOptimizer optimizer;
  private final CpuConv conv;

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
    LoopKernels loops = loopChoice.kernels();
    this.memory = new CpuMemory();
    this.dense = new CpuDense(gemm, parallel, loops);
    this.latent = new CpuLatent(loops);
    this.losses = new CpuLosses(parallel, loops);
    this.optimizer = new CpuOptimizer(parallel, loops);
    this.conv = new CpuConv(parts.threads());
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
    return memory.allocate(length);
  }

  @Override
  public Tensor slice(Tensor parent, long offset, long length) {
    return memory.slice(parent, offset, length);
  }

  @Override
  public Tensor allocatePixels(long length) {
    return memory.allocatePixels(length);
  }

  @Override
  public void uploadPixels(byte[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    memory.uploadPixels(src, srcOffset, dst, dstOffset, count);
  }

  @Override
  public IndexTensor allocateIndices(int length) {
    return memory.allocateIndices(length);
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    memory.upload(src, srcOffset, dst, dstOffset, count);
  }

  @Override
  public void download(Tensor src, long srcOffset, float[] dst, int dstOffset, int count) {
    memory.download(src, srcOffset, dst, dstOffset, count);
  }

  @Override
  public void uploadIndices(int[] src, IndexTensor dst) {
    memory.uploadIndices(src, dst);
  }

  @Override
  public void fill(Tensor t, float value) {
    memory.fill(t, value);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    memory.copy(src, dst);
  }

  @Override
  public void synchronize() {
    memory.synchronize();
  }

  @Override
  public void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst) {
    memory.gatherRows(src, cols, indices, first, rows, dst);
  }

  @Override
  public void appendOneHot(Tensor src, int width, IndexTensor labels, IndexTensor order, int first, int rows,
      int classes, Tensor dst) {
    memory.appendOneHot(src, width, labels, order, first, rows, classes, dst);
  }

  @Override
  public void appendOneHotBackward(Tensor wideGrad, int width, int classes, int rows, Tensor grad) {
    memory.appendOneHotBackward(wideGrad, width, classes, rows, grad);
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

  // ---------------------------------------------------------------- dense

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c) {
    dense.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
  }

  @Override
  public void biasActivation(Tensor x, Tensor bias, int rows, int cols, Activation act) {
    dense.biasActivation(x, bias, rows, cols, act);
  }

  @Override
  public void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, Activation act) {
    dense.activationBackward(grad, output, biasGrad, rows, cols, act);
  }

  @Override
  public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y, int rows, int in, int out, Activation act) {
    dense.linearForward(x, w, bias, y, rows, in, out, act);
  }

  @Override
  public void linearBackward(
      Tensor x, Tensor w, Tensor y, Tensor dy, Tensor weightGrad, Tensor biasGrad, Tensor dx,
      int rows, int in, int out, Activation act) {
    dense.linearBackward(x, w, y, dy, weightGrad, biasGrad, dx, rows, in, out, act);
  }

  // ---------------------------------------------------------------- convolutions

  @Override
  public void prepareConv(ConvShape shape) {
    conv.prepareConv(shape);
  }

  @Override
  public void convForward(ConvShape shape, Tensor x, Tensor w, Tensor bias, Tensor y, Activation act) {
    conv.convForward(shape, x, w, bias, y, act);
  }

  @Override
  public void convBackwardData(ConvShape shape, Tensor dy, Tensor w, Tensor dx) {
    conv.convBackwardData(shape, dy, w, dx);
  }

  @Override
  public void convBackwardWeights(ConvShape shape, Tensor x, Tensor dy, Tensor weightGrad, Tensor biasGrad) {
    conv.convBackwardWeights(shape, x, dy, weightGrad, biasGrad);
  }

  // ---------------------------------------------------------------- latent

  @Override
  public void normalNoise(Tensor out, long seed, long stream) {
    latent.normalNoise(out, seed, stream);
  }

  @Override
  public void reparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int latent) {
    this.latent.reparameterize(stats, eps, z, rows, latent);
  }

  @Override
  public void reparameterizeBackward(
      Tensor dz, Tensor stats, Tensor eps, Tensor dstats, int rows, int latent) {
    this.latent.reparameterizeBackward(dz, stats, eps, dstats, rows, latent);
  }

  @Override
  public void klDivergence(
      Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats, float gradScale) {
    this.latent.klDivergence(stats, rows, latent, klPerRow, dstats, gradScale);
  }

  @Override
  public void dropout(Tensor x, int rows, int cols, int firstRow, long seed, long step, int layer, float p) {
    latent.dropout(x, rows, cols, firstRow, seed, step, layer, p);
  }

  @Override
  public void dropoutBackward(Tensor grad, int rows, int cols, int firstRow, long seed, long step, int layer, float p) {
    latent.dropoutBackward(grad, rows, cols, firstRow, seed, step, layer, p);
  }

  // ---------------------------------------------------------------- losses

  @Override
  public void reconstructionLoss(
      Likelihood likelihood, Tensor logits, Tensor target, int rows, int cols,
      Tensor lossPerRow, Tensor dlogits, float gradScale) {
    losses.reconstructionLoss(likelihood, logits, target, rows, cols, lossPerRow, dlogits, gradScale);
  }

  @Override
  public void accumulateSum(Tensor values, int count, Tensor accumulators, int slot) {
    losses.accumulateSum(values, count, accumulators, slot);
  }

  // ---------------------------------------------------------------- optimizer

  @Override
  public void adamUpdate(Tensor params, Tensor grads, Tensor m, Tensor v, AdamParams hyper, long step) {
    optimizer.adamUpdate(params, grads, m, v, hyper, step);
  }

  @Override
  public void adamUpdate(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, AdamParams hyper, long step) {
    optimizer.adamUpdate(params, gradParts, m, v, hyper, step);
  }

  @Override
  public void update(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, OptimizerParams hyper, double l1,
      long step) {
    optimizer.update(params, gradParts, m, v, hyper, l1, step);
  }

  @Override
  public void addInto(Tensor src, Tensor dst) {
    optimizer.addInto(src, dst);
  }

  @Override
  public void gradientSquaredNorm(Tensor[] parts, Tensor out) {
    optimizer.gradientSquaredNorm(parts, out);
  }

  @Override
  public void clipGradients(Tensor grads, Tensor squaredNorm, double max, Tensor normSums) {
    optimizer.clipGradients(grads, squaredNorm, max, normSums);
  }

  @Override
  public void close() {
    conv.close();
    parallel.close();
    parts.close();
  }
}

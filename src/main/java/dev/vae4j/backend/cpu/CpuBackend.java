package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.Precision;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.StackTable;
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
 * implemented by one class here ({@link CpuMemory}, {@link CpuDense}, {@link CpuLatent}, {@link CpuIwae}, {@link
 * CpuLosses}, {@link CpuOptimizer}, {@link CpuConv}) that this class composes and forwards to.
 */
public final class CpuBackend implements Backend {
  private final ParallelRanges parallel;
  private final LoopKernels.Choice loopChoice;
  private final Gemm.Choice gemmChoice;
  private final Gemm gemm;
  /** Into how many parts a training batch is split: one per core of the machine, confined or not. */
  private final int partCount;
  /** The threads that run those parts: one per core this backend may use. */
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
  private final CpuIwae iwae;
  private final CpuLosses losses;
  private final CpuOptimizer optimizer;
  private final CpuConv conv;
  private final CpuStacked stacked;
  private final DnnlBf16Gemm bf16;

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

  /**
   * A backend using every available core whose GEMMs read {@code precision}; BF16 needs oneDNN and
   * a CPU with AVX512-BF16 or AMX-BF16, else throws {@link IllegalArgumentException} saying so
   * ({@link #unsupportedReason}).
   */
  public CpuBackend(Precision precision) {
    this(Runtime.getRuntime().availableProcessors(), System.getProperty("vae4j.gemm", "auto"), precision);
  }

  /** As {@link #CpuBackend(int)} with the GEMM library named ({@code auto}, {@code dnnl} or {@code openblas}). */
  CpuBackend(int threads, String gemmLibrary) {
    this(threads, gemmLibrary, threads, Precision.FP32);
  }

  /** As {@link #CpuBackend(int, String)}, the GEMMs reading {@code precision}. */
  CpuBackend(int threads, String gemmLibrary, Precision precision) {
    this(threads, gemmLibrary, threads, precision);
  }

  /**
   * A backend that computes exactly what {@link #CpuBackend()} computes, bit for bit, on at most
   * {@code cores} threads of its own: for a sweep training several models side by side ({@code
   * vae4j sweep --parallel}). It splits a batch into as many parts as the unconfined backend (one
   * per core of the machine), since the parts' gradients are summed in part order, and gives each
   * part's GEMMs the threads they get there, since oneDNN may split a GEMM's sums differently for
   * another thread count; only, with fewer cores than parts, it runs the parts in turn, {@code
   * cores} at a time. With OpenBLAS (no part splitting, GEMMs and loops split across all threads)
   * the backend is the unconfined one.
   */
  public static CpuBackend confined(int cores) {
    return confined(cores, Precision.FP32);
  }

  /** {@link #confined(int)}, the GEMMs reading {@code precision}. */
  public static CpuBackend confined(int cores, Precision precision) {
    int threads = Runtime.getRuntime().availableProcessors();
    return new CpuBackend(threads, System.getProperty("vae4j.gemm", "auto"), Math.min(cores, threads), precision);
  }

  /**
   * As {@link #CpuBackend(int, String)}, its batch parts run on at most {@code cores} threads (see
   * {@link #confined}), the GEMMs reading {@code precision}.
   */
  CpuBackend(int threads, String gemmLibrary, int cores, Precision precision) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    if (cores < 1) throw new IllegalArgumentException("cores must be >= 1, got " + cores);
    String unsupported = unsupportedReason(precision);
    if (unsupported != null) throw new IllegalArgumentException(unsupported);
    this.gemmChoice = precision == Precision.BF16 ? new Gemm.Choice(DnnlGemm.load(), "oneDNN, as --precision bf16 needs")
        : Gemm.select(gemmLibrary);
    this.gemm = gemmChoice.gemm();
    this.parallel = new ParallelRanges(gemm.ownsTheCores() ? 1 : threads);
    this.partCount = gemm.canConfine() ? threads : 1;
    this.parts = new ParallelRanges(gemm.canConfine() ? cores : 1);
    this.confineGemmsFor = new Runnable[partCount + 1];
    for (int count = 1; count <= partCount; count++) {
      int share = Math.max(1, gemm.threads() / count);
      confineGemmsFor[count] = () -> gemm.confine(share);
    }
    this.releaseGemms = () -> gemm.confine(0);
    this.loopChoice = LoopKernels.select();
    LoopKernels loops = loopChoice.kernels();
    this.memory = new CpuMemory(loops);
    this.bf16 = precision == Precision.BF16 ? new DnnlBf16Gemm() : null;
    this.dense = new CpuDense(gemm, parallel, loops, bf16);
    this.latent = new CpuLatent(loops);
    this.iwae = new CpuIwae();
    this.losses = new CpuLosses(parallel, loops);
    this.optimizer = new CpuOptimizer(parallel, loops);
    this.conv = new CpuConv(parts.threads());
    this.stacked = new CpuStacked(this);
  }

  /**
   * Why this machine cannot run the CPU backend's GEMMs in {@code precision}, or null when it can:
   * BF16 needs AVX512-BF16 or AMX-BF16 ({@link Bf16Isa}) and oneDNN.
   */
  public static String unsupportedReason(Precision precision) {
    if (precision == Precision.FP32) return null;
    if ("openblas".equals(System.getProperty("vae4j.gemm"))) {
      return "--precision bf16 runs its GEMMs through oneDNN, not OpenBLAS (vae4j.gemm=openblas)";
    }
    return Bf16Isa.unsupportedReason();
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public String description() {
    int threads = parallel.threads();
    String batches = partCount == 1 ? "1 part" : "up to " + partCount + " parts, "
        + (parts.threads() == partCount ? "one per core" : "on " + parts.threads() + (parts.threads() == 1 ? " core" : " cores"));
    return gemm.describe() + " [" + gemmChoice.reason() + "]"
        + (bf16 == null ? "" : ", GEMMs in bf16 (oneDNN matmul, bf16 inputs, f32 accumulation)")
        + ", elementwise on " + threads
        + (threads == 1 ? " thread: " : " threads: ") + loopChoice.reason() + KernelInlining.note()
        + "; training batches in " + batches;
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
    return partCount;
  }

  @Override
  public void inParallel(int count, IntConsumer part) {
    if (count == 1) {
      part.accept(0);
      return;
    }
    if (count < 1 || count > partCount) {
      throw new IllegalArgumentException(count + " parts for " + partCount + " threads");
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
  public void biasActivation(Tensor x, Tensor bias, Tensor pre, int rows, int cols, ActivationFunction act) {
    dense.biasActivation(x, bias, pre, rows, cols, act);
  }

  @Override
  public void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, ActivationFunction act) {
    dense.activationBackward(grad, output, biasGrad, rows, cols, act);
  }

  @Override
  public void linearForward(
      Tensor x, Tensor w, Tensor bias, Tensor y, Tensor pre, int rows, int in, int out, ActivationFunction act) {
    dense.linearForward(x, w, bias, y, pre, rows, in, out, act);
  }

  @Override
  public void linearBackward(
      Tensor x, Tensor w, Tensor y, Tensor dy, Tensor weightGrad, Tensor biasGrad, Tensor dx,
      int rows, int in, int out, ActivationFunction act) {
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

  // ---------------------------------------------------------------- importance-weighted

  @Override
  public void repeatRows(Tensor src, Tensor dst, int rows, int cols, int draws) {
    iwae.repeatRows(src, dst, rows, cols, draws);
  }

  @Override
  public void iwaeReparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int draws, int latent) {
    iwae.iwaeReparameterize(stats, eps, z, rows, draws, latent);
  }

  @Override
  public void iwaeWeights(Tensor recon, Tensor stats, Tensor eps, Tensor z, int rows, int draws, int latent,
      float beta, Tensor weights, Tensor bound, Tensor reconMean) {
    iwae.iwaeWeights(recon, stats, eps, z, rows, draws, latent, beta, weights, bound, reconMean);
  }

  @Override
  public void scaleDraws(Tensor x, Tensor weights, int rows, int draws, int cols) {
    iwae.scaleDraws(x, weights, rows, draws, cols);
  }

  @Override
  public void iwaeLatentBackward(Tensor dz, Tensor stats, Tensor eps, Tensor z, Tensor weights, int rows, int draws,
      int latent, float gradScale, Tensor dstats) {
    iwae.iwaeLatentBackward(dz, stats, eps, z, weights, rows, draws, latent, gradScale, dstats);
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

  @Override
  public void scaleRows(Tensor values, int rows, int columns, Tensor rowScales) {
    losses.scaleRows(values, rows, columns, rowScales);
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
    if (bf16 != null) bf16.close();
    parallel.close();
    parts.close();
  }

  // ---------------------------------------------------------------- stacked models

  @Override
  public StackTable uploadStack(StackModels models) {
    return stacked.uploadStack(models);
  }

  @Override
  public void releaseStack(StackTable table) {
    stacked.releaseStack(table);
  }

  @Override
  public void stackedGemm(int models, boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, long strideA, Tensor b, long strideB, float beta, Tensor c, long strideC) {
    stacked.stackedGemm(models, transA, transB, m, n, k, alpha, a, strideA, b, strideB, beta, c, strideC);
  }

  @Override
  public void stackedBiasActivation(int models, Tensor x, Tensor bias, long biasStride, int rows, int cols,
      Activation act) {
    stacked.stackedBiasActivation(models, x, bias, biasStride, rows, cols, act);
  }

  @Override
  public void stackedActivationBackward(int models, Tensor grad, Tensor output, Tensor biasGrad, long biasStride,
      int rows, int cols, Activation act) {
    stacked.stackedActivationBackward(models, grad, output, biasGrad, biasStride, rows, cols, act);
  }

  @Override
  public void stackedNormalNoise(StackTable table, Tensor out, long perModel, long stream) {
    stacked.stackedNormalNoise(table, out, perModel, stream);
  }

  @Override
  public void stackedKlDivergence(StackTable table, Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats,
      float perRow) {
    stacked.stackedKlDivergence(table, stats, rows, latent, klPerRow, dstats, perRow);
  }

  @Override
  public void stackedLossSums(int models, Tensor recon, Tensor kl, int rows, Tensor sums) {
    stacked.stackedLossSums(models, recon, kl, rows, sums);
  }

  @Override
  public void stackedAdamUpdate(StackTable table, Tensor params, Tensor grads, Tensor m, Tensor v, long stride,
      long length, long step) {
    stacked.stackedAdamUpdate(table, params, grads, m, v, stride, length, step);
  }
}

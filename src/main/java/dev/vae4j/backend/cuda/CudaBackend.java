package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Precision;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.ConvShape;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.StackTable;
import dev.vae4j.backend.Tensor;
import java.util.function.LongConsumer;

/**
 * The CUDA backend: GEMMs on cuBLAS, convolutions on cuDNN (loaded when a model first has one),
 * every other op one kernel from {@code native/} launched with the driver API, all queued in order
 * on one stream. Nothing waits for the GPU except {@link #download} and {@link #synchronize};
 * uploads wait only for their own copy. Contracts are on {@link Backend}'s families, each
 * implemented by one class here ({@link CudaMemory}, {@link CudaDense}, {@link CudaLatent}, {@link CudaIwae}, {@link
 * CudaLosses}, {@link CudaOptimizer}, {@link CudaConv}) that this class composes and forwards to, all queueing through one {@link CudaQueue}; {@link #recordStep}
 * captures a step as a CUDA graph.
 */
public final class CudaBackend implements Backend {
  private final CudaOptions options;
  private final CudaInfo.Gpu gpu;
  private final String runtimeVersion;
  private final CudaContext context;
  private final DeviceMemory memory;
  private final Cublas cublas;
  private final CublasLt cublasLt;
  private final KernelModule kernels;
  private final CudaQueue queue;
  private final CudaMemory memoryOps;
  private final CudaDense dense;
  private final CudaLatent latent;
  private final CudaIwae iwae;
  private final CudaLosses losses;
  private final CudaOptimizer optimizer;
  private final CudaConv conv;
  private final CudaStacked stacked;

  /** Whether, and why not, this machine and build can run the CUDA backend. Never throws. */
  public static CudaInfo probe() {
    return CudaProbe.probe();
  }

  /**
   * Why this machine cannot run convolutions on the CUDA backend, or null when it can: cuDNN 9
   * ({@code libcudnn*.so.9}) is a separate install, which only models with convolutions need.
   * Loads the cuDNN bindings on the first call; never throws.
   */
  public static String convolutionsUnavailableReason() {
    String cuda = CudaLibraries.failure();
    return cuda != null ? cuda : CudaLibraries.cudnnFailure();
  }

  /**
   * Why this machine's GPU cannot run GEMMs in {@code precision}, or null when it can (or when
   * there is no usable GPU at all, which {@link #probe} reports): BF16 tensor cores need compute
   * capability 8.0 (Ampere) or newer.
   */
  public static String unsupportedReason(Precision precision) {
    if (precision == Precision.FP32) return null;
    CudaInfo info = probe();
    int device = CudaOptions.fromSystemProperties().device();
    if (!info.available() || device < 0 || device >= info.gpus().size()) return null;
    CudaInfo.Gpu gpu = info.gpus().get(device);
    if (gpu.major() >= 8) return null;
    return "--precision bf16 needs a GPU of compute capability 8.0 or newer (BF16 tensor cores), and "
        + gpu.name() + " is " + gpu.major() + "." + gpu.minor() + "; use --precision fp32";
  }

  /** A backend on GPU 0 with the options of {@link CudaOptions#fromSystemProperties}. */
  public CudaBackend() {
    this(CudaOptions.fromSystemProperties());
  }

  /** @throws CudaException with the reason when this machine cannot run the CUDA backend */
  public CudaBackend(CudaOptions options) {
    this(options, available(probe(), options), new RealCuda(), KernelImage.load());
  }

  private static CudaInfo available(CudaInfo info, CudaOptions options) {
    if (!info.available()) throw new CudaException("CUDA backend unavailable: " + info.reason());
    if (options.device() < 0 || options.device() >= info.gpus().size()) {
      throw new CudaException("no CUDA device " + options.device() + " (found " + info.gpus().size() + ")");
    }
    return info;
  }

  /**
   * A backend whose every device call goes through {@code api}: {@link RealCuda} on a GPU, or a
   * recording fake in the tests, which builds a backend, and runs training steps on it, with no GPU
   * (see {@code CudaTranscriptTest}). {@code info} is taken as probed, {@code image} as loaded.
   */
  CudaBackend(CudaOptions options, CudaInfo info, CudaApi api, KernelImage image) {
    this.options = options;
    this.gpu = info.gpus().get(options.device());
    this.runtimeVersion = info.runtimeVersion();
    this.context = new CudaContext(api, options.device(), options.syncEveryOp());
    DeviceMemory mem = null;
    Cublas blas = null;
    CublasLt lt = null;
    try {
      mem = new DeviceMemory(context);
      blas = new Cublas(context, mem, options.tf32());
      lt = new CublasLt(context, blas.workspace, options.tf32());
      this.kernels = new KernelModule(context, image);
    } catch (RuntimeException e) {
      if (lt != null) lt.close();
      if (blas != null) blas.close();
      if (mem != null) mem.close();
      context.close();
      throw e;
    }
    this.memory = mem;
    this.cublas = blas;
    this.cublasLt = lt;
    this.queue = new CudaQueue(context, kernels);
    this.memoryOps = new CudaMemory(queue, memory);
    this.dense = new CudaDense(queue, cublas, cublasLt, options.epilogues(),
        options.precision() == Precision.BF16 ? new CudaBf16Gemm(queue, memory, cublasLt) : null);
    this.latent = new CudaLatent(queue);
    this.iwae = new CudaIwae(queue);
    this.losses = new CudaLosses(queue);
    this.optimizer = new CudaOptimizer(queue, memoryOps, dense);
    this.conv = new CudaConv(queue, memory, options.tf32());
    this.stacked = new CudaStacked(queue, memory, memoryOps, cublas);
  }

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public String description() {
    int v = cublas.version();
    return "CUDA " + runtimeVersion + " on " + gpu.summary() + ", cuBLAS " + v / 10000 + "." + v / 100 % 100 + "."
        + v % 100 + (options.epilogues() ? " and cuBLASLt epilogues, " : " without cuBLASLt epilogues, ")
        + (options.precision() == Precision.BF16 ? "BF16 (FP32 accumulation)" : options.tf32() ? "TF32" : "FP32")
        + " GEMMs, graphs " + (options.graphs() ? "on" : "off");
  }

  /** The GPU this backend runs on. */
  public CudaInfo.Gpu gpu() {
    return gpu;
  }

  // ---------------------------------------------------------------- memory

  @Override
  public Tensor allocate(long length) {
    return memoryOps.allocate(length);
  }

  @Override
  public Tensor slice(Tensor parent, long offset, long length) {
    return memoryOps.slice(parent, offset, length);
  }

  @Override
  public IndexTensor allocateIndices(int length) {
    return memoryOps.allocateIndices(length);
  }

  @Override
  public void release(Tensor t) {
    memoryOps.release(t);
  }

  @Override
  public void release(IndexTensor indices) {
    memoryOps.release(indices);
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    memoryOps.upload(src, srcOffset, dst, dstOffset, count);
  }

  @Override
  public void download(Tensor src, long srcOffset, float[] dst, int dstOffset, int count) {
    memoryOps.download(src, srcOffset, dst, dstOffset, count);
  }

  @Override
  public void uploadIndices(int[] src, IndexTensor dst) {
    memoryOps.uploadIndices(src, dst);
  }

  @Override
  public void fill(Tensor t, float value) {
    memoryOps.fill(t, value);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    memoryOps.copy(src, dst);
  }

  @Override
  public void synchronize() {
    memoryOps.synchronize();
  }

  @Override
  public void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst) {
    memoryOps.gatherRows(src, cols, indices, first, rows, dst);
  }

  @Override
  public void appendOneHot(Tensor src, int width, IndexTensor labels, IndexTensor order, int first, int rows,
      int classes, Tensor dst) {
    memoryOps.appendOneHot(src, width, labels, order, first, rows, classes, dst);
  }

  @Override
  public void appendOneHotBackward(Tensor wideGrad, int width, int classes, int rows, Tensor grad) {
    memoryOps.appendOneHotBackward(wideGrad, width, classes, rows, grad);
  }

  // ---------------------------------------------------------------- dense

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c) {
    dense.gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
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

  @Override
  public void biasActivation(Tensor x, Tensor bias, Tensor pre, int rows, int cols, ActivationFunction act) {
    dense.biasActivation(x, bias, pre, rows, cols, act);
  }

  @Override
  public void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, ActivationFunction act) {
    dense.activationBackward(grad, output, biasGrad, rows, cols, act);
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

  // ---------------------------------------------------------------- recorded steps

  /**
   * Captures the ops of {@code body} as one CUDA graph (see {@link Backend#recordStep} for the
   * contract and {@link StepRecorder} for how per-step arguments are found). With graphs switched
   * off ({@link CudaOptions#graphs}) the step re-runs its body, as on the CPU.
   */
  @Override
  public RecordedStep recordStep(LongConsumer body) {
    queue.requireNotRecording("recordStep");
    if (!options.graphs()) return Backend.super.recordStep(body);
    return new CudaGraphStep(this, body);
  }

  /** The convolution family, for the host tests. */
  CudaConv convOps() {
    return conv;
  }

  CudaContext context() {
    return context;
  }

  DeviceMemory memory() {
    return memory;
  }

  /** Routes the ops of a recording to {@code r}, or back to plain execution when null. */
  void setRecorder(StepRecorder r) {
    queue.setRecorder(r);
  }

  /** Queues the kernel that advances a recorded step's counter, outside the recorder. */
  void launchAdvance(CudaTensor counter) {
    queue.launchAdvance(counter);
  }

  @Override
  public void close() {
    conv.close();
    kernels.close();
    cublasLt.close();
    cublas.close();
    memory.close();
    context.close();
  }
}

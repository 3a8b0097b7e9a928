package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Stack;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.StackTable;
import dev.vae4j.backend.StackedOps;
import dev.vae4j.backend.Tensor;

/**
 * {@link StackedOps} on the GPU: every op one call for all the stack's models, a strided-batched
 * cuBLAS GEMM ({@link Cublas#gemmStridedBatched}) or one launch of a {@code vae4j_stacked_*}
 * kernel, each kernel sharing its single-model twin's per-element code (same file in {@code
 * native/}). The models' constants live in one device table ({@link #uploadStack}), read by the
 * kernels by model index. In a recorded step (a CUDA graph) the noise stream and the Adam step
 * are dynamic slots read from the graph's counter, as for the single-model kernels.
 */
final class CudaStacked implements StackedOps {
  /** Words of one model's row of the table: {@code vae4j_stack_model} in {@code native/common.cuh}. */
  static final int TABLE_WORDS = 18;
  /** {@code vae4j_stacked_normal_noise}'s dynamic slot (see {@link StepRecorder}): its counter's argument index. */
  private static final int NOISE_STREAM_SLOT = 4;
  /** {@code vae4j_stacked_adam}'s dynamic slot. */
  private static final int ADAM_STEP_SLOT = 8;
  private final CudaQueue queue;
  private final CudaContext context;
  private final DeviceMemory memory;
  private final CudaMemory memoryOps;
  private final Cublas cublas;

  CudaStacked(CudaQueue queue, DeviceMemory memory, CudaMemory memoryOps, Cublas cublas) {
    this.queue = queue;
    this.context = queue.context;
    this.memory = memory;
    this.memoryOps = memoryOps;
    this.cublas = cublas;
  }

  /** The device table and the host constants it holds. */
  private record Table(StackModels models, CudaTensor device) implements StackTable {}

  @Override
  public StackTable uploadStack(StackModels models) {
    queue.requireNotRecording("uploadStack");
    int[] words = table(models);
    CudaTensor device = memory.allocateBytes(words.length, (long) words.length * Integer.BYTES,
        "uploadStack(" + models.count() + ")");
    memoryOps.uploadIndices(words, new CudaIndexTensor(device, words.length));
    return new Table(models, device);
  }

  /**
   * The table's words, model after model: seed, lr, beta1, beta2 as two words each (low first), then
   * the floats {@code vae4j_adam} receives, rounded as {@link CudaOptimizer#adamUpdate} rounds them,
   * the KL weight and the weight-decay mode.
   */
  static int[] table(StackModels models) {
    int[] w = new int[models.count() * TABLE_WORDS];
    for (int i = 0; i < models.count(); i++) {
      AdamParams h = models.adam()[i];
      int at = i * TABLE_WORDS;
      at = longWords(w, at, models.seeds()[i]);
      at = longWords(w, at, Double.doubleToRawLongBits(h.learningRate()));
      at = longWords(w, at, Double.doubleToRawLongBits(h.beta1()));
      at = longWords(w, at, Double.doubleToRawLongBits(h.beta2()));
      float[] floats = {(float) h.beta1(), (float) (1 - h.beta1()), (float) h.beta2(), (float) (1 - h.beta2()),
          (float) h.epsilon(), (float) h.weightDecay(), (float) (1 - h.learningRate() * h.weightDecay()),
          models.betas()[i]};
      for (float f : floats) w[at++] = Float.floatToRawIntBits(f);
      w[at] = h.weightDecay() == 0 ? 0 : h.decoupled() ? 2 : 1;
    }
    return w;
  }

  private static int longWords(int[] w, int at, long value) {
    w[at] = (int) value;
    w[at + 1] = (int) (value >>> 32);
    return at + 2;
  }

  @Override
  public void releaseStack(StackTable table) {
    queue.requireNotRecording("releaseStack");
    memory.release(((Table) table).device());
  }

  private static CudaTensor device(StackTable table) {
    return ((Table) table).device();
  }

  @Override
  public void stackedGemm(int models, boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, long strideA, Tensor b, long strideB, float beta, Tensor c, long strideC) {
    CudaTensor ad = cuda(a), bd = cuda(b), cd = cuda(c);
    Stack stack = new Stack(models);
    stack.require("stackedGemm", "A", ad, strideA, (long) m * k);
    stack.require("stackedGemm", "B", bd, strideB, (long) k * n);
    stack.require("stackedGemm", "C", cd, strideC, (long) m * n);
    long[] args = {models, transA ? 1 : 0, transB ? 1 : 0, m, n, k, Float.floatToRawIntBits(alpha), ad.address,
        strideA, bd.address, strideB, Float.floatToRawIntBits(beta), cd.address, strideC};
    if (queue.recorded("stackedGemm", args, -1)) {
      cublas.gemmStridedBatched(models, transA, transB, m, n, k, alpha, ad, strideA, bd, strideB, beta, cd, strideC);
    }
  }

  @Override
  public void stackedBiasActivation(int models, Tensor x, Tensor bias, long biasStride, int rows, int cols,
      Activation act) {
    CudaTensor xd = cuda(x), bd = bias == null ? null : cuda(bias);
    Stack stack = new Stack(models);
    long size = (long) rows * cols;
    stack.require("stackedBiasActivation", "x", xd, size, size);
    stack.requireIfPresent("stackedBiasActivation", "bias", bd, biasStride, cols);
    queue.kernels.args(Kernel.STACKED_BIAS_ACTIVATION).ptr(xd).ptr(bd).i64(biasStride).i32(models).i32(rows)
        .i32(cols).i32(act.ordinal());
    queue.launch(Kernel.STACKED_BIAS_ACTIVATION, LaunchConfig.elementwise(models * size, context.multiprocessors),
        "stackedBiasActivation", -1);
  }

  @Override
  public void stackedActivationBackward(int models, Tensor grad, Tensor output, Tensor biasGrad, long biasStride,
      int rows, int cols, Activation act) {
    CudaTensor g = cuda(grad), y = cuda(output), bg = biasGrad == null ? null : cuda(biasGrad);
    Stack stack = new Stack(models);
    long size = (long) rows * cols;
    stack.require("stackedActivationBackward", "grad", g, size, size);
    stack.require("stackedActivationBackward", "output", y, size, size);
    stack.requireIfPresent("stackedActivationBackward", "biasGrad", bg, biasStride, cols);
    queue.kernels.args(Kernel.STACKED_ACTIVATION_BACKWARD).ptr(g).ptr(y).ptr(bg).i64(biasStride).i32(models)
        .i32(rows).i32(cols).i32(act.ordinal());
    queue.launch(Kernel.STACKED_ACTIVATION_BACKWARD, LaunchConfig.stackedColumnTiles(models, cols),
        "stackedActivationBackward", -1);
  }

  @Override
  public void stackedNormalNoise(StackTable table, Tensor out, long perModel, long stream) {
    CudaTensor o = cuda(out);
    int models = table.count();
    new Stack(models).require("stackedNormalNoise", "out", o, perModel, perModel);
    queue.kernels.args(Kernel.STACKED_NORMAL_NOISE).ptr(o).i64(perModel).ptr(device(table)).i32(models).ptr(0L)
        .i64(stream).i64(0);
    queue.launch(Kernel.STACKED_NORMAL_NOISE,
        LaunchConfig.elementwise(models * ((perModel + 3) / 4), context.multiprocessors), "stackedNormalNoise",
        NOISE_STREAM_SLOT);
  }

  @Override
  public void stackedKlDivergence(StackTable table, Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats,
      float perRow) {
    CudaTensor s = cuda(stats), kl = cuda(klPerRow), ds = dstats == null ? null : cuda(dstats);
    int models = table.count();
    Stack stack = new Stack(models);
    long statsSize = 2L * rows * latent;
    stack.require("stackedKlDivergence", "stats", s, statsSize, statsSize);
    stack.require("stackedKlDivergence", "klPerRow", kl, rows, rows);
    stack.requireIfPresent("stackedKlDivergence", "dstats", ds, statsSize, statsSize);
    queue.kernels.args(Kernel.STACKED_KL_DIVERGENCE).ptr(s).i32(models).i32(rows).i32(latent).ptr(kl).ptr(ds)
        .ptr(device(table)).f32(perRow);
    queue.launch(Kernel.STACKED_KL_DIVERGENCE, LaunchConfig.warpPerRow(Math.multiplyExact(models, rows)),
        "stackedKlDivergence", -1);
  }

  @Override
  public void stackedLossSums(int models, Tensor recon, Tensor kl, int rows, Tensor sums) {
    CudaTensor r = cuda(recon), k = cuda(kl), s = cuda(sums);
    Stack stack = new Stack(models);
    stack.require("stackedLossSums", "recon", r, rows, rows);
    stack.require("stackedLossSums", "kl", k, rows, rows);
    stack.require("stackedLossSums", "sums", s, 2, 2);
    queue.kernels.args(Kernel.STACKED_LOSS_SUMS).ptr(r).ptr(k).i32(rows).ptr(s);
    queue.launch(Kernel.STACKED_LOSS_SUMS, LaunchConfig.blocks(2 * models), "stackedLossSums", -1);
  }

  @Override
  public void stackedAdamUpdate(StackTable table, Tensor params, Tensor grads, Tensor m, Tensor v, long stride,
      long length, long step) {
    CudaTensor p = cuda(params), g = cuda(grads), md = cuda(m), vd = cuda(v);
    int models = table.count();
    Stack stack = new Stack(models);
    for (CudaTensor t : new CudaTensor[] {p, g, md, vd}) stack.require("stackedAdamUpdate", "buffer", t, stride, length);
    if (step < 1) throw new IllegalArgumentException("stackedAdamUpdate: step must be >= 1, got " + step);
    queue.kernels.args(Kernel.STACKED_ADAM).ptr(p).ptr(g).ptr(md).ptr(vd).i64(stride).i64(length).i32(models)
        .ptr(device(table)).ptr(0L).i64(step).i64(0);
    queue.launch(Kernel.STACKED_ADAM, LaunchConfig.elementwise(models * stride, context.multiprocessors),
        "stackedAdamUpdate", ADAM_STEP_SLOT);
  }
}

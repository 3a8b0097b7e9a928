package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Likelihood;
import dev.vae4j.backend.Tensor;
import java.util.function.LongConsumer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * The CUDA backend: GEMMs on cuBLAS, every other op one kernel from {@code native/} launched with
 * the driver API, all queued in order on one stream. Nothing waits for the GPU except {@link
 * #download} and {@link #synchronize}; uploads wait only for their own copy. Contracts are on
 * {@link Backend}; {@link #recordStep} captures a step as a CUDA graph.
 */
public final class CudaBackend implements Backend {
  /** Dynamic slots of the per-step ops (see {@link StepRecorder}): the counter's argument index. */
  private static final int GATHER_STEP_SLOT = 5;

  private static final int NOISE_STEP_SLOT = 3;
  private static final int ADAM_STEP_SLOT = 16;

  private final CudaOptions options;
  private final CudaInfo.Gpu gpu;
  private final String runtimeVersion;
  private final CudaContext context;
  private final DeviceMemory memory;
  private final Cublas cublas;
  private final CublasLt cublasLt;
  private final KernelModule kernels;
  /** Non-null while a step is being recorded. */
  private StepRecorder recorder;

  /** Whether, and why not, this machine and build can run the CUDA backend. Never throws. */
  public static CudaInfo probe() {
    return CudaProbe.probe();
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
        + (options.tf32() ? "TF32" : "FP32") + " GEMMs, graphs " + (options.graphs() ? "on" : "off");
  }

  /** The GPU this backend runs on. */
  public CudaInfo.Gpu gpu() {
    return gpu;
  }

  // ---------------------------------------------------------------- memory

  @Override
  public Tensor allocate(long length) {
    requireNotRecording("allocate");
    return memory.allocate(length, "allocate(" + length + " floats)");
  }

  @Override
  public Tensor slice(Tensor parent, long offset, long length) {
    return cuda(parent).slice(offset, length);
  }

  @Override
  public IndexTensor allocateIndices(int length) {
    requireNotRecording("allocateIndices");
    CudaTensor t = memory.allocateBytes(length, (long) length * Integer.BYTES, "allocateIndices(" + length + ")");
    return new CudaIndexTensor(t.address, length);
  }

  @Override
  public void release(Tensor t) {
    requireNotRecording("release");
    memory.release(cuda(t));
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    requireNotRecording("upload");
    CudaTensor d = cuda(dst);
    checkRange(dstOffset, count, d.length, "upload destination");
    long bytes = (long) count * Float.BYTES;
    FloatPointer staging = new FloatPointer(memory.staging(bytes));
    staging.put(src, srcOffset, count);
    copyAndWait(d.address + dstOffset * Float.BYTES, staging.address(), bytes, cudaMemcpyHostToDevice, "upload");
  }

  @Override
  public void download(Tensor src, long srcOffset, float[] dst, int dstOffset, int count) {
    requireNotRecording("download");
    CudaTensor s = cuda(src);
    checkRange(srcOffset, count, s.length, "download source");
    long bytes = (long) count * Float.BYTES;
    FloatPointer staging = new FloatPointer(memory.staging(bytes));
    copyAndWait(staging.address(), s.address + srcOffset * Float.BYTES, bytes, cudaMemcpyDeviceToHost, "download");
    staging.get(dst, dstOffset, count);
  }

  @Override
  public void uploadIndices(int[] src, IndexTensor dst) {
    requireNotRecording("uploadIndices");
    CudaIndexTensor d = (CudaIndexTensor) dst;
    if (src.length != d.length) {
      throw new IllegalArgumentException("upload of " + src.length + " indices into " + d.length);
    }
    int min = 0, max = 0;
    for (int i = 0; i < src.length; i++) {
      min = i == 0 ? src[i] : Math.min(min, src[i]);
      max = i == 0 ? src[i] : Math.max(max, src[i]);
    }
    long bytes = (long) src.length * Integer.BYTES;
    IntPointer staging = new IntPointer(memory.staging(bytes));
    staging.put(src, 0, src.length);
    copyAndWait(d.address, staging.address(), bytes, cudaMemcpyHostToDevice, "uploadIndices");
    d.min = min;
    d.max = max;
  }

  /** Queues a copy and waits for it: the staging buffer is reused by the next copy. */
  private void copyAndWait(long to, long from, long bytes, int kind, String op) {
    if (bytes == 0) return;
    context.makeCurrent();
    Status.runtime(context.api.cudaMemcpyAsync(to, from, bytes, kind, context.stream), "cudaMemcpyAsync for " + op);
    context.synchronize(op);
  }

  @Override
  public void fill(Tensor t, float value) {
    CudaTensor x = cuda(t);
    kernels.args(Kernel.FILL).ptr(x).i64(x.length).f32(value);
    launch(Kernel.FILL, LaunchConfig.elementwise(x.length, context.multiprocessors), "fill", -1);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    CudaTensor s = cuda(src), d = cuda(dst);
    if (d.length < s.length) {
      throw new IllegalArgumentException("copy destination: needs " + s.length + " floats, tensor has " + d.length);
    }
    if (recorded("copy", new long[] {s.address, d.address, s.length}, -1)) {
      context.makeCurrent();
      Status.runtime(context.api.cudaMemcpyAsync(d.address, s.address, s.length * Float.BYTES, cudaMemcpyDeviceToDevice,
          context.stream), "cudaMemcpyAsync for copy");
      context.afterOp("copy");
    }
  }

  @Override
  public void synchronize() {
    requireNotRecording("synchronize");
    context.synchronize("synchronize");
  }

  // ---------------------------------------------------------------- linear algebra

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c) {
    CudaTensor ad = cuda(a), bd = cuda(b), cd = cuda(c);
    requireLength(ad, (long) m * k, "gemm A");
    requireLength(bd, (long) k * n, "gemm B");
    requireLength(cd, (long) m * n, "gemm C");
    long[] args = {transA ? 1 : 0, transB ? 1 : 0, m, n, k, Float.floatToRawIntBits(alpha), ad.address,
        bd.address, Float.floatToRawIntBits(beta), cd.address};
    if (recorded("gemm", args, -1)) cublas.gemm(transA, transB, m, n, k, alpha, ad, bd, beta, cd);
  }

  // ---------------------------------------------------------------- dense layers

  /**
   * One cuBLASLt matmul with the bias (and ReLU) in its epilogue; sigmoid, empty shapes and shapes
   * cuBLASLt has no algorithm for run the GEMM and the bias/activation kernel instead.
   */
  @Override
  public void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y, int rows, int in, int out, Activation act) {
    CudaTensor xd = cuda(x), wd = cuda(w), yd = cuda(y), bd = bias == null ? null : cuda(bias);
    requireLength(xd, (long) rows * in, "linearForward x");
    requireLength(wd, (long) out * in, "linearForward w");
    requireLength(yd, (long) rows * out, "linearForward y");
    if (bd != null) requireLength(bd, out, "linearForward bias");
    LtEpilogue epilogue = LtEpilogue.forward(act, bd != null);
    CublasLt.Plan plan = epilogue == null || !options.epilogues() || rows == 0 || in == 0 || out == 0 ? null
        : cublasLt.plan(LtMatmulKey.forward(rows, in, out, epilogue, xd.address, wd.address, yd.address));
    if (plan == null) {
      Backend.super.linearForward(x, w, bias, y, rows, in, out, act);
      return;
    }
    long[] args = {xd.address, wd.address, bd == null ? 0 : bd.address, yd.address, rows, in, out, act.ordinal()};
    if (recorded("linearForward", args, -1)) cublasLt.matmul(plan, wd, xd, yd, bd);
  }

  /**
   * With a bias gradient, the weight-gradient GEMM sums it in its cuBLASLt epilogue (BGRADB), so
   * the activation's backward is a mask (ReLU) or nothing (identity); the input gradient is a plain
   * GEMM. Without one, or where cuBLASLt has no algorithm, the ops of the default.
   */
  @Override
  public void linearBackward(
      Tensor x, Tensor w, Tensor y, Tensor dy, Tensor weightGrad, Tensor biasGrad, Tensor dx,
      int rows, int in, int out, Activation act) {
    CudaTensor xd = cuda(x), dyd = cuda(dy), dw = cuda(weightGrad), db = biasGrad == null ? null : cuda(biasGrad);
    requireLength(xd, (long) rows * in, "linearBackward x");
    requireLength(dyd, (long) rows * out, "linearBackward dy");
    requireLength(dw, (long) out * in, "linearBackward weightGrad");
    if (db != null) requireLength(db, out, "linearBackward biasGrad");
    LtEpilogue epilogue = LtEpilogue.weightGradient(db != null);
    CublasLt.Plan plan = epilogue == null || !options.epilogues() || act == Activation.SIGMOID || rows == 0
        || in == 0 || out == 0 ? null
        : cublasLt.plan(LtMatmulKey.weightGradient(rows, in, out, epilogue, xd.address, dyd.address, dw.address));
    if (plan == null) {
      Backend.super.linearBackward(x, w, y, dy, weightGrad, biasGrad, dx, rows, in, out, act);
      return;
    }
    activationBackward(dy, y, null, rows, out, act);
    long[] args = {xd.address, dyd.address, dw.address, db.address, rows, in, out};
    if (recorded("linearBackward weight gradient", args, -1)) cublasLt.matmul(plan, xd, dyd, dw, db);
    if (dx != null) gemm(false, false, rows, in, out, 1f, dy, w, 0f, dx);
  }

  // ---------------------------------------------------------------- elementwise

  @Override
  public void biasActivation(Tensor x, Tensor bias, int rows, int cols, Activation act) {
    CudaTensor xd = cuda(x), bd = bias == null ? null : cuda(bias);
    requireLength(xd, (long) rows * cols, "biasActivation x");
    if (bd != null) requireLength(bd, cols, "biasActivation bias");
    kernels.args(Kernel.BIAS_ACTIVATION).ptr(xd).ptr(bd).i32(rows).i32(cols).i32(act.ordinal());
    launch(Kernel.BIAS_ACTIVATION, LaunchConfig.elementwise((long) rows * cols, context.multiprocessors),
        "biasActivation", -1);
  }

  @Override
  public void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, Activation act) {
    CudaTensor g = cuda(grad), y = cuda(output), bg = biasGrad == null ? null : cuda(biasGrad);
    requireLength(g, (long) rows * cols, "activationBackward grad");
    requireLength(y, (long) rows * cols, "activationBackward output");
    if (act == Activation.SIGMOID) {
      throw new UnsupportedOperationException("activationBackward does not support SIGMOID");
    }
    if (bg != null) requireLength(bg, cols, "activationBackward biasGrad");
    if (act == Activation.IDENTITY && bg == null) return; // nothing to do
    if (bg == null) { // a plain elementwise mask, spread over the whole GPU
      long n = (long) rows * cols;
      kernels.args(Kernel.RELU_MASK).ptr(g).ptr(y).i64(n);
      launch(Kernel.RELU_MASK, LaunchConfig.elementwise(n, context.multiprocessors), "activationBackward", -1);
      return;
    }
    kernels.args(Kernel.ACTIVATION_BACKWARD).ptr(g).ptr(y).ptr(bg).i32(rows).i32(cols).i32(act.ordinal());
    launch(Kernel.ACTIVATION_BACKWARD, LaunchConfig.columnTiles(cols), "activationBackward", -1);
  }

  @Override
  public void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst) {
    CudaTensor s = cuda(src), d = cuda(dst);
    CudaIndexTensor idx = (CudaIndexTensor) indices;
    requireLength(d, (long) rows * cols, "gatherRows dst");
    // A recording's probes (k = 1, 2) extrapolate the offset and launch nothing: a step recorded
    // for one replay at the end of the indices would fail them. The capture (k = 0) is checked.
    boolean probing = recorder != null && !recorder.isCapturing();
    if (!probing && (first < 0 || first + rows > idx.length)) {
      throw new IndexOutOfBoundsException("gatherRows [" + first + ", " + (first + rows) + ") of " + idx.length + " indices");
    }
    long srcRows = s.length / cols;
    if (rows > 0 && (idx.min < 0 || idx.max >= srcRows)) {
      int bad = idx.min < 0 ? idx.min : idx.max;
      throw new IndexOutOfBoundsException("gatherRows index " + bad + " of " + srcRows + " rows");
    }
    kernels.args(Kernel.GATHER_ROWS).ptr(s).i64(srcRows).i32(cols).ptr(idx.address).i32(idx.length)
        .ptr(0L).i64(first).i64(0).i32(rows).ptr(d);
    launch(Kernel.GATHER_ROWS, LaunchConfig.elementwise((long) rows * cols, context.multiprocessors), "gatherRows",
        GATHER_STEP_SLOT);
  }

  // ---------------------------------------------------------------- latent layer

  @Override
  public void normalNoise(Tensor out, long seed, long stream) {
    CudaTensor o = cuda(out);
    kernels.args(Kernel.NORMAL_NOISE).ptr(o).i64(o.length).i64(seed).ptr(0L).i64(stream).i64(0);
    launch(Kernel.NORMAL_NOISE, LaunchConfig.elementwise((o.length + 3) / 4, context.multiprocessors),
        "normalNoise", NOISE_STEP_SLOT);
  }

  @Override
  public void reparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int latent) {
    CudaTensor s = cuda(stats), e = cuda(eps), zd = cuda(z);
    requireLength(s, 2L * rows * latent, "reparameterize stats");
    requireLength(e, (long) rows * latent, "reparameterize eps");
    requireLength(zd, (long) rows * latent, "reparameterize z");
    kernels.args(Kernel.REPARAMETERIZE).ptr(s).ptr(e).ptr(zd).i32(rows).i32(latent);
    launch(Kernel.REPARAMETERIZE, LaunchConfig.elementwise((long) rows * latent, context.multiprocessors),
        "reparameterize", -1);
  }

  @Override
  public void reparameterizeBackward(
      Tensor dz, Tensor stats, Tensor eps, Tensor dstats, int rows, int latent) {
    CudaTensor g = cuda(dz), s = cuda(stats), e = cuda(eps), ds = cuda(dstats);
    requireLength(g, (long) rows * latent, "reparameterizeBackward dz");
    requireLength(s, 2L * rows * latent, "reparameterizeBackward stats");
    requireLength(e, (long) rows * latent, "reparameterizeBackward eps");
    requireLength(ds, 2L * rows * latent, "reparameterizeBackward dstats");
    kernels.args(Kernel.REPARAMETERIZE_BACKWARD).ptr(g).ptr(s).ptr(e).ptr(ds).i32(rows).i32(latent);
    launch(Kernel.REPARAMETERIZE_BACKWARD, LaunchConfig.elementwise((long) rows * latent, context.multiprocessors),
        "reparameterizeBackward", -1);
  }

  @Override
  public void klDivergence(
      Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats, float gradScale) {
    CudaTensor s = cuda(stats), kl = cuda(klPerRow), ds = dstats == null ? null : cuda(dstats);
    requireLength(s, 2L * rows * latent, "klDivergence stats");
    requireLength(kl, rows, "klDivergence klPerRow");
    if (ds != null) requireLength(ds, 2L * rows * latent, "klDivergence dstats");
    kernels.args(Kernel.KL_DIVERGENCE).ptr(s).i32(rows).i32(latent).ptr(kl).ptr(ds).f32(gradScale);
    launch(Kernel.KL_DIVERGENCE, LaunchConfig.warpPerRow(rows), "klDivergence", -1);
  }

  @Override
  public void reconstructionLoss(
      Likelihood likelihood, Tensor logits, Tensor target, int rows, int cols,
      Tensor lossPerRow, Tensor dlogits, float gradScale) {
    CudaTensor l = cuda(logits), x = cuda(target), loss = cuda(lossPerRow);
    CudaTensor dl = dlogits == null ? null : cuda(dlogits);
    long width = (long) likelihood.outputsPerValue() * cols;
    requireLength(l, rows * width, "reconstructionLoss logits");
    requireLength(x, (long) rows * cols, "reconstructionLoss target");
    requireLength(loss, rows, "reconstructionLoss lossPerRow");
    if (dl != null) requireLength(dl, rows * width, "reconstructionLoss dlogits");
    Kernel k = switch (likelihood) {
      case BERNOULLI -> Kernel.BERNOULLI_LOSS;
      case CONTINUOUS_BERNOULLI -> Kernel.CONTINUOUS_BERNOULLI_LOSS;
      case GAUSSIAN -> Kernel.GAUSSIAN_LOSS;
      case GAUSSIAN_LEARNED -> Kernel.GAUSSIAN_LEARNED_LOSS;
    };
    kernels.args(k).ptr(l).ptr(x).i32(rows).i32(cols).ptr(loss).ptr(dl).f32(gradScale);
    launch(k, LaunchConfig.blockPerRow(rows), "reconstructionLoss", -1);
  }

  @Override
  public void accumulateSum(Tensor values, int count, Tensor accumulators, int slot) {
    CudaTensor v = cuda(values), acc = cuda(accumulators);
    requireLength(v, count, "accumulateSum values");
    if (slot < 0 || slot >= acc.length) {
      throw new IndexOutOfBoundsException("accumulateSum slot " + slot + " of " + acc.length);
    }
    kernels.args(Kernel.ACCUMULATE_SUM).ptr(v).i32(count).ptr(acc).i32(slot);
    launch(Kernel.ACCUMULATE_SUM, LaunchConfig.singleBlock(), "accumulateSum", -1);
  }

  // ---------------------------------------------------------------- optimizer

  @Override
  public void adamUpdate(Tensor params, Tensor grads, Tensor m, Tensor v, AdamParams h, long step) {
    CudaTensor p = cuda(params), g = cuda(grads), md = cuda(m), vd = cuda(v);
    long n = p.length;
    requireLength(g, n, "adamUpdate grads");
    requireLength(md, n, "adamUpdate m");
    requireLength(vd, n, "adamUpdate v");
    if (step < 1) throw new IllegalArgumentException("Adam step is 1-based, got " + step);
    int decayMode = h.weightDecay() == 0 ? 0 : h.decoupled() ? 2 : 1;
    kernels.args(Kernel.ADAM).ptr(p).ptr(g).ptr(md).ptr(vd).i64(n)
        .f64(h.learningRate()).f64(h.beta1()).f64(h.beta2())
        .f32((float) h.beta1()).f32((float) (1 - h.beta1()))
        .f32((float) h.beta2()).f32((float) (1 - h.beta2()))
        .f32((float) h.epsilon()).f32((float) h.weightDecay())
        .f32((float) (1 - h.learningRate() * h.weightDecay())).i32(decayMode)
        .ptr(0L).i64(step).i64(0);
    launch(Kernel.ADAM, LaunchConfig.elementwise(n, context.multiprocessors), "adamUpdate", ADAM_STEP_SLOT);
  }

  // ---------------------------------------------------------------- recorded steps

  /**
   * Captures the ops of {@code body} as one CUDA graph (see {@link Backend#recordStep} for the
   * contract and {@link StepRecorder} for how per-step arguments are found). With graphs switched
   * off ({@link CudaOptions#graphs}) the step re-runs its body, as on the CPU.
   */
  @Override
  public RecordedStep recordStep(LongConsumer body) {
    requireNotRecording("recordStep");
    if (!options.graphs()) return Backend.super.recordStep(body);
    return new CudaGraphStep(this, body);
  }

  CudaContext context() {
    return context;
  }

  DeviceMemory memory() {
    return memory;
  }

  /** Routes the ops of a recording to {@code r}, or back to plain execution when null. */
  void setRecorder(StepRecorder r) {
    recorder = r;
  }

  /** Queues the kernel that advances a recorded step's counter, outside the recorder. */
  void launchAdvance(CudaTensor counter) {
    kernels.args(Kernel.ADVANCE_COUNTER).ptr(counter);
    kernels.launch(Kernel.ADVANCE_COUNTER, new LaunchConfig(1, 32, 1), "recorded step counter");
  }

  // ---------------------------------------------------------------- plumbing

  /** Launches a kernel whose arguments are filled in, through the recorder when recording. */
  private void launch(Kernel kernel, LaunchConfig config, String op, int dynamicSlot) {
    if (recorder != null) {
      KernelArgs args = kernels.filled(kernel);
      long[] values = recorder.onOp(op, args.values(), dynamicSlot);
      if (values == null) return;
      args.set(values);
    }
    kernels.launch(kernel, config, op);
  }

  /** True when a non-kernel op should run now; false while a recording probes. */
  private boolean recorded(String op, long[] args, int dynamicSlot) {
    return recorder == null || recorder.onOp(op, args, dynamicSlot) != null;
  }

  private void requireNotRecording(String op) {
    if (recorder != null) {
      throw new IllegalStateException(op + " is not allowed inside recordStep: a recorded step may only queue ops");
    }
  }

  private static CudaTensor cuda(Tensor t) {
    if (!(t instanceof CudaTensor c)) {
      throw new IllegalArgumentException("tensor " + t + " does not belong to the CUDA backend");
    }
    if (!c.isLive()) throw new IllegalStateException("tensor " + t + " was released");
    return c;
  }

  private static void requireLength(CudaTensor t, long needed, String what) {
    if (t.length < needed) {
      throw new IllegalArgumentException(what + ": needs " + needed + " floats, tensor has " + t.length);
    }
  }

  private static void checkRange(long offset, int count, long length, String what) {
    if (offset < 0 || count < 0 || offset + count > length) {
      throw new IndexOutOfBoundsException(what + ": [" + offset + ", " + (offset + count) + ") of " + length + " floats");
    }
  }

  @Override
  public void close() {
    kernels.close();
    cublasLt.close();
    cublas.close();
    memory.close();
    context.close();
  }
}

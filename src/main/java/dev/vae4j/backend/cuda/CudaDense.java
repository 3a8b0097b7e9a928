package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.ActivationFunction;
import dev.vae4j.backend.DenseOps;
import dev.vae4j.backend.GemmDims;
import dev.vae4j.backend.LayerDims;
import dev.vae4j.backend.Rows;
import dev.vae4j.backend.Tensor;

/**
 * {@link DenseOps} on the GPU: GEMMs on cuBLAS ({@link Cublas}), dense layers as one cuBLASLt
 * matmul with the bias, ReLU or bias gradient in its epilogue ({@link CublasLt}) where it has a
 * plan, and {@code activations.cu}'s kernels for the rest. With {@code --precision bf16} every GEMM
 * is {@link CudaBf16Gemm}'s instead and dense layers are the interface's defaults (the GEMM, then
 * the kernels): cuBLASLt's fused epilogues stay an FP32-only path.
 */
final class CudaDense implements DenseOps {
  private final CudaQueue queue;
  private final CudaContext context;
  private final Cublas cublas;
  private final CublasLt cublasLt;
  /** {@link CudaOptions#epilogues}. */
  private final boolean epilogues;
  /** The BF16 GEMMs, or null in FP32. */
  private final CudaBf16Gemm bf16;

  /** @param bf16 the BF16 GEMMs of {@code --precision bf16}, or null for FP32 */
  CudaDense(CudaQueue queue, Cublas cublas, CublasLt cublasLt, boolean epilogues, CudaBf16Gemm bf16) {
    this.queue = queue;
    this.context = queue.context;
    this.cublas = cublas;
    this.cublasLt = cublasLt;
    this.epilogues = epilogues && bf16 == null;
    this.bf16 = bf16;
  }

  @Override
  public void gemm(
      boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, Tensor b, float beta, Tensor c) {
    CudaTensor ad = cuda(a), bd = cuda(b), cd = cuda(c);
    new GemmDims(m, n, k).check(ad, bd, cd);
    if (bf16 != null) {
      bf16.gemm(transA, transB, m, n, k, alpha, ad, bd, beta, cd);
      return;
    }
    long[] args = {transA ? 1 : 0, transB ? 1 : 0, m, n, k, Float.floatToRawIntBits(alpha), ad.address,
        bd.address, Float.floatToRawIntBits(beta), cd.address};
    if (queue.recorded("gemm", args, -1)) cublas.gemm(transA, transB, m, n, k, alpha, ad, bd, beta, cd);
  }

  /**
   * One cuBLASLt matmul with the bias (and ReLU) in its epilogue; sigmoid, ELU, tanh, leaky ReLU,
   * GELU, a kept pre-activation, empty shapes and shapes cuBLASLt has no algorithm for run the GEMM
   * and the bias/activation kernel instead.
   */
  @Override
  public void linearForward(
      Tensor x, Tensor w, Tensor bias, Tensor y, Tensor pre, int rows, int in, int out, ActivationFunction act) {
    CudaTensor xd = cuda(x), wd = cuda(w), yd = cuda(y), bd = bias == null ? null : cuda(bias);
    new LayerDims(rows, in, out).checkLinearForward(xd, wd, bd, yd);
    LtEpilogue epilogue = pre != null ? null : LtEpilogue.forward(act.kind(), bd != null);
    CublasLt.Plan plan = epilogue == null || !epilogues || rows == 0 || in == 0 || out == 0 ? null
        : cublasLt.plan(LtMatmulKey.forward(rows, in, out, epilogue, xd.address, wd.address, yd.address));
    if (plan == null) {
      DenseOps.super.linearForward(x, w, bias, y, pre, rows, in, out, act);
      return;
    }
    long[] args = {xd.address, wd.address, bd == null ? 0 : bd.address, yd.address, rows, in, out, act.kind().ordinal()};
    if (queue.recorded("linearForward", args, -1)) cublasLt.matmul(plan, wd, xd, yd, bd);
  }

  /**
   * With a bias gradient, the weight-gradient GEMM sums it in its cuBLASLt epilogue (BGRADB), so
   * the activation's backward is a mask (ReLU), nothing (identity) or the derivative kernel (ELU,
   * tanh, leaky ReLU); the input gradient is a plain GEMM. Without one, or where cuBLASLt has no algorithm, the ops of the default.
   */
  @Override
  public void linearBackward(
      Tensor x, Tensor w, Tensor y, Tensor dy, Tensor weightGrad, Tensor biasGrad, Tensor dx,
      int rows, int in, int out, ActivationFunction act) {
    CudaTensor xd = cuda(x), dyd = cuda(dy), dw = cuda(weightGrad), db = biasGrad == null ? null : cuda(biasGrad);
    new LayerDims(rows, in, out).checkLinearBackward(xd, cuda(w), cuda(y), dyd, dw, db, dx == null ? null : cuda(dx));
    LtEpilogue epilogue = LtEpilogue.weightGradient(db != null);
    CublasLt.Plan plan = epilogue == null || !epilogues || act.kind() == Activation.SIGMOID || rows == 0
        || in == 0 || out == 0 ? null
        : cublasLt.plan(LtMatmulKey.weightGradient(rows, in, out, epilogue, xd.address, dyd.address, dw.address));
    if (plan == null) {
      DenseOps.super.linearBackward(x, w, y, dy, weightGrad, biasGrad, dx, rows, in, out, act);
      return;
    }
    activationBackward(dy, y, null, rows, out, act);
    long[] args = {xd.address, dyd.address, dw.address, db.address, rows, in, out};
    if (queue.recorded("linearBackward weight gradient", args, -1)) cublasLt.matmul(plan, xd, dyd, dw, db);
    if (dx != null) gemm(false, false, rows, in, out, 1f, dy, w, 0f, dx);
  }

  @Override
  public void biasActivation(Tensor x, Tensor bias, Tensor pre, int rows, int cols, ActivationFunction act) {
    CudaTensor xd = cuda(x), bd = bias == null ? null : cuda(bias), pd = pre == null ? null : cuda(pre);
    new Rows(rows, cols).checkBiasActivation(xd, bd, pd);
    queue.kernels.args(Kernel.BIAS_ACTIVATION).ptr(xd).ptr(bd).ptr(pd).i32(rows).i32(cols).i32(act.kind().ordinal())
        .f32(act.slope());
    queue.launch(Kernel.BIAS_ACTIVATION, LaunchConfig.elementwise((long) rows * cols, context.multiprocessors),
        "biasActivation", -1);
  }

  @Override
  public void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, ActivationFunction function) {
    Activation act = function.kind();
    CudaTensor g = cuda(grad), y = cuda(output), bg = biasGrad == null ? null : cuda(biasGrad);
    new Rows(rows, cols).checkActivationBackward(g, y, bg);
    if (act == Activation.SIGMOID) {
      throw new UnsupportedOperationException("activationBackward does not support SIGMOID");
    }
    if (act == Activation.IDENTITY && bg == null) return; // nothing to do
    if (bg == null && act == Activation.RELU) { // a plain elementwise mask, spread over the whole GPU
      long n = (long) rows * cols;
      queue.kernels.args(Kernel.RELU_MASK).ptr(g).ptr(y).i64(n);
      queue.launch(Kernel.RELU_MASK, LaunchConfig.elementwise(n, context.multiprocessors), "activationBackward", -1);
      return;
    }
    // ELU, tanh, leaky ReLU and GELU without a bias gradient (after a fused BGRADB) take this kernel too, summing nothing.
    queue.kernels.args(Kernel.ACTIVATION_BACKWARD).ptr(g).ptr(y).ptr(bg).i32(rows).i32(cols).i32(act.ordinal())
        .f32(function.slope());
    queue.launch(Kernel.ACTIVATION_BACKWARD, LaunchConfig.columnTiles(cols), "activationBackward", -1);
  }
}

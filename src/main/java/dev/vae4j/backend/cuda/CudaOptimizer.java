package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.DenseOps;
import dev.vae4j.backend.Elements;
import dev.vae4j.backend.MemoryOps;
import dev.vae4j.backend.OptimizerOps;
import dev.vae4j.backend.Tensor;

/**
 * {@link OptimizerOps} on the GPU: {@code adam.cu}'s fused update; gradient parts the interface's
 * way, {@link #addInto} as the rank-1 GEMM of {@link OptimizerOps#addIntoByGemm} (never called in
 * training: one part on the GPU).
 */
final class CudaOptimizer implements OptimizerOps {
  /** The Adam step's dynamic slot (see {@link StepRecorder}): the counter's argument index. */
  private static final int ADAM_STEP_SLOT = 16;

  private final CudaQueue queue;
  private final MemoryOps memory;
  private final DenseOps dense;

  CudaOptimizer(CudaQueue queue, MemoryOps memory, DenseOps dense) {
    this.queue = queue;
    this.memory = memory;
    this.dense = dense;
  }

  @Override
  public void adamUpdate(Tensor params, Tensor grads, Tensor m, Tensor v, AdamParams h, long step) {
    CudaTensor p = cuda(params), g = cuda(grads), md = cuda(m), vd = cuda(v);
    long n = p.length;
    new Elements(n).checkAdamUpdate(g, null, md, vd, step);
    int decayMode = h.weightDecay() == 0 ? 0 : h.decoupled() ? 2 : 1;
    queue.kernels.args(Kernel.ADAM).ptr(p).ptr(g).ptr(md).ptr(vd).i64(n)
        .f64(h.learningRate()).f64(h.beta1()).f64(h.beta2())
        .f32((float) h.beta1()).f32((float) (1 - h.beta1()))
        .f32((float) h.beta2()).f32((float) (1 - h.beta2()))
        .f32((float) h.epsilon()).f32((float) h.weightDecay())
        .f32((float) (1 - h.learningRate() * h.weightDecay())).i32(decayMode)
        .ptr(0L).i64(step).i64(0);
    queue.launch(Kernel.ADAM, LaunchConfig.elementwise(n, queue.context.multiprocessors), "adamUpdate", ADAM_STEP_SLOT);
  }

  @Override
  public void addInto(Tensor src, Tensor dst) {
    OptimizerOps.addIntoByGemm(memory, dense, src, dst);
  }
}

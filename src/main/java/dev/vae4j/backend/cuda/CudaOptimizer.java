package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.DenseOps;
import dev.vae4j.backend.Elements;
import dev.vae4j.backend.MemoryOps;
import dev.vae4j.backend.OptimizerOps;
import dev.vae4j.backend.OptimizerParams;
import dev.vae4j.backend.RmspropParams;
import dev.vae4j.backend.SgdParams;
import dev.vae4j.backend.Tensor;

/**
 * {@link OptimizerOps} on the GPU: {@code adam.cu}'s fused update, {@code optim.cu}'s for the other
 * rules ({@link #update}: SGD, RMSprop, Adam with an L1 term), {@code clip.cu}'s clipping; gradient parts the interface's
 * way, {@link #addInto} as the rank-1 GEMM of {@link OptimizerOps#addIntoByGemm} (never called in
 * training: one part on the GPU).
 */
final class CudaOptimizer implements OptimizerOps {
  /** The Adam step's dynamic slot (see {@link StepRecorder}): the counter's argument index. */
  private static final int ADAM_STEP_SLOT = 16;
  /** {@code vae4j_optimizer_update}'s dynamic slot: its counter's argument index. */
  private static final int UPDATE_STEP_SLOT = 18;
  /** {@code optim.cu}'s rule codes. */
  private static final int SGD = 0, RMSPROP = 1, ADAM = 2;

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

  /**
   * Plain Adam is {@link #adamUpdate} (the same launch as before); every other rule one {@code
   * vae4j_optimizer_update} launch, after the gradient parts are added into the first.
   */
  @Override
  public void update(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, OptimizerParams h, double l1, long step) {
    if (h instanceof AdamParams adam && l1 == 0) {
      adamUpdate(params, gradParts, m, v, adam, step);
      return;
    }
    CudaTensor p = cuda(params), md = cuda(m), vd = cuda(v);
    long n = p.length;
    new Elements(n).checkUpdate(gradParts, md, vd, step);
    for (int q = 1; q < gradParts.length; q++) addInto(gradParts[q], gradParts[0]);
    KernelArgs args = queue.kernels.args(Kernel.OPTIMIZER_UPDATE).ptr(p).ptr(cuda(gradParts[0])).ptr(md).ptr(vd).i64(n);
    if (h instanceof SgdParams s) {
      args.i32(SGD).f32((float) s.learningRate()).f32((float) s.momentum()).f32(0f).f32(0f).f32(0f).f32(0f)
          .f32((float) s.weightDecay()).f32(1f);
    } else if (h instanceof RmspropParams r) {
      args.i32(RMSPROP).f32((float) r.learningRate()).f32((float) r.alpha()).f32((float) (1 - r.alpha()))
          .f32(0f).f32(0f).f32((float) r.epsilon()).f32((float) r.weightDecay()).f32(1f);
    } else {
      AdamParams a = (AdamParams) h; // the sealed interface's last kind
      args.i32(ADAM).f32((float) a.learningRate()).f32((float) a.beta1()).f32((float) (1 - a.beta1()))
          .f32((float) a.beta2()).f32((float) (1 - a.beta2())).f32((float) a.epsilon())
          .f32(a.decoupled() ? 0f : (float) a.weightDecay())
          .f32(a.decoupled() ? (float) (1 - a.learningRate() * a.weightDecay()) : 1f);
    }
    AdamParams adam = h instanceof AdamParams a ? a : null; // only Adam reads the betas in double
    args.f32((float) l1).f64(h.learningRate()).f64(adam == null ? 0 : adam.beta1()).f64(adam == null ? 0 : adam.beta2())
        .ptr(0L).i64(step).i64(0);
    queue.launch(Kernel.OPTIMIZER_UPDATE, LaunchConfig.elementwise(n, queue.context.multiprocessors), "update",
        UPDATE_STEP_SLOT);
  }

  @Override
  public void addInto(Tensor src, Tensor dst) {
    OptimizerOps.addIntoByGemm(memory, dense, src, dst);
  }

  /** Parts added into the first the interface's way, then {@code clip.cu}'s one-block sum of squares. */
  @Override
  public void gradientSquaredNorm(Tensor[] parts, Tensor out) {
    CudaTensor g = cuda(parts[0]), o = cuda(out);
    long n = g.length;
    new Elements(n).checkClip("gradientSquaredNorm", parts, o, null);
    for (int q = 1; q < parts.length; q++) addInto(parts[q], parts[0]);
    queue.kernels.args(Kernel.GRADIENT_SQUARED_NORM).ptr(g).i64(n).ptr(o);
    queue.launch(Kernel.GRADIENT_SQUARED_NORM, LaunchConfig.singleBlock(), "gradientSquaredNorm", -1);
  }

  /** {@code clip.cu}'s elementwise scale, which reads the norm on the device. */
  @Override
  public void clipGradients(Tensor grads, Tensor squaredNorm, double max, Tensor normSums) {
    CudaTensor g = cuda(grads), sq = cuda(squaredNorm), sums = cuda(normSums);
    long n = g.length;
    new Elements(n).checkClip("clipGradients", new Tensor[] {g}, sq, sums);
    queue.kernels.args(Kernel.CLIP_GRADIENTS).ptr(g).i64(n).ptr(sq).f64(max).ptr(sums);
    queue.launch(Kernel.CLIP_GRADIENTS, LaunchConfig.elementwise(Math.max(1, n), queue.context.multiprocessors),
        "clipGradients", -1);
  }
}

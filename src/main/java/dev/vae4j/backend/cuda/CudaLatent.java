package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;

import dev.vae4j.backend.DropoutMask;
import dev.vae4j.backend.LatentOps;
import dev.vae4j.backend.LatentShape;
import dev.vae4j.backend.Tensor;

/** {@link LatentOps} on the GPU: {@code reparam.cu}'s noise, reparameterization and dropout, {@code kl.cu}'s KL term. */
final class CudaLatent implements LatentOps {
  /** The noise's dynamic slot (see {@link StepRecorder}): the counter's argument index. */
  private static final int NOISE_STEP_SLOT = 3;
  /** Dropout's dynamic slot: its step, the masks' key, comes from the counter in a graph. */
  private static final int DROPOUT_STEP_SLOT = 5;

  private final CudaQueue queue;
  private final CudaContext context;

  CudaLatent(CudaQueue queue) {
    this.queue = queue;
    this.context = queue.context;
  }

  @Override
  public void normalNoise(Tensor out, long seed, long stream) {
    CudaTensor o = cuda(out);
    queue.kernels.args(Kernel.NORMAL_NOISE).ptr(o).i64(o.length).i64(seed).ptr(0L).i64(stream).i64(0);
    queue.launch(Kernel.NORMAL_NOISE, LaunchConfig.elementwise((o.length + 3) / 4, context.multiprocessors),
        "normalNoise", NOISE_STEP_SLOT);
  }

  @Override
  public void reparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int latent) {
    CudaTensor s = cuda(stats), e = cuda(eps), zd = cuda(z);
    new LatentShape(rows, latent).checkReparameterize(s, e, zd);
    queue.kernels.args(Kernel.REPARAMETERIZE).ptr(s).ptr(e).ptr(zd).i32(rows).i32(latent);
    queue.launch(Kernel.REPARAMETERIZE, LaunchConfig.elementwise((long) rows * latent, context.multiprocessors),
        "reparameterize", -1);
  }

  @Override
  public void reparameterizeBackward(
      Tensor dz, Tensor stats, Tensor eps, Tensor dstats, int rows, int latent) {
    CudaTensor g = cuda(dz), s = cuda(stats), e = cuda(eps), ds = cuda(dstats);
    new LatentShape(rows, latent).checkReparameterizeBackward(g, s, e, ds);
    queue.kernels.args(Kernel.REPARAMETERIZE_BACKWARD).ptr(g).ptr(s).ptr(e).ptr(ds).i32(rows).i32(latent);
    queue.launch(Kernel.REPARAMETERIZE_BACKWARD, LaunchConfig.elementwise((long) rows * latent, context.multiprocessors),
        "reparameterizeBackward", -1);
  }

  @Override
  public void klDivergence(
      Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats, float gradScale) {
    CudaTensor s = cuda(stats), kl = cuda(klPerRow), ds = dstats == null ? null : cuda(dstats);
    new LatentShape(rows, latent).checkKlDivergence(s, kl, ds);
    queue.kernels.args(Kernel.KL_DIVERGENCE).ptr(s).i32(rows).i32(latent).ptr(kl).ptr(ds).f32(gradScale);
    queue.launch(Kernel.KL_DIVERGENCE, LaunchConfig.warpPerRow(rows), "klDivergence", -1);
  }

  @Override
  public void dropout(Tensor x, int rows, int cols, int firstRow, long seed, long step, int layer, float p) {
    applyMask(x, rows, cols, firstRow, seed, step, layer, p, "dropout");
  }

  /** The forward's mask again, regenerated from its key: no mask buffer, nothing to capture. */
  @Override
  public void dropoutBackward(Tensor grad, int rows, int cols, int firstRow, long seed, long step, int layer, float p) {
    applyMask(grad, rows, cols, firstRow, seed, step, layer, p, "dropoutBackward");
  }

  private void applyMask(Tensor x, int rows, int cols, int firstRow, long seed, long step, int layer, float p,
      String name) {
    CudaTensor t = cuda(x);
    if ((long) rows * cols > t.length) {
      throw new IllegalArgumentException(name + " of " + rows + " x " + cols + " on a tensor of " + t.length);
    }
    if (layer < 0 || layer >= DropoutMask.MAX_LAYERS || firstRow < 0 || (long) firstRow + rows > DropoutMask.MAX_ROWS) {
      throw new IllegalArgumentException(name + ": layer " + layer + " or rows [" + firstRow + ", " + (firstRow + rows)
          + ") out of range");
    }
    queue.kernels.args(Kernel.DROPOUT).ptr(t).i32(rows).i32(cols).i32(firstRow).i64(seed).ptr(0L).i64(step).i64(0)
        .i32(layer).i32(DropoutMask.threshold(p)).f32(DropoutMask.scale(p));
    queue.launch(Kernel.DROPOUT, LaunchConfig.elementwise((long) rows * ((cols + 3) / 4), context.multiprocessors),
        name, DROPOUT_STEP_SLOT);
  }
}

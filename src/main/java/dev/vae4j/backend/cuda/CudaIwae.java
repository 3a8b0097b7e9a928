package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;

import dev.vae4j.backend.IwaeOps;
import dev.vae4j.backend.IwaeShape;
import dev.vae4j.backend.Tensor;

/** {@link IwaeOps} on the GPU: one kernel of {@code native/iwae.cu} per op ({@code CpuIwae} their reference). */
final class CudaIwae implements IwaeOps {
  private final CudaQueue queue;
  private final CudaContext context;

  CudaIwae(CudaQueue queue) {
    this.queue = queue;
    this.context = queue.context;
  }

  @Override
  public void repeatRows(Tensor src, Tensor dst, int rows, int cols, int draws) {
    CudaTensor s = cuda(src), d = cuda(dst);
    IwaeShape shape = new IwaeShape(rows, draws, cols);
    shape.checkRepeatRows(s, d);
    queue.kernels.args(Kernel.REPEAT_ROWS).ptr(s).ptr(d).i32(rows).i32(cols).i32(draws);
    queue.launch(Kernel.REPEAT_ROWS, LaunchConfig.elementwise(shape.drawRows() * cols, context.multiprocessors),
        "repeatRows", -1);
  }

  @Override
  public void iwaeReparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int draws, int latent) {
    CudaTensor s = cuda(stats), e = cuda(eps), zd = cuda(z);
    IwaeShape shape = new IwaeShape(rows, draws, latent);
    shape.checkReparameterize(s, e, zd);
    queue.kernels.args(Kernel.IWAE_REPARAMETERIZE).ptr(s).ptr(e).ptr(zd).i32(rows).i32(draws).i32(latent);
    queue.launch(Kernel.IWAE_REPARAMETERIZE,
        LaunchConfig.elementwise(shape.drawRows() * latent, context.multiprocessors), "iwaeReparameterize", -1);
  }

  @Override
  public void iwaeWeights(Tensor recon, Tensor stats, Tensor eps, Tensor z, int rows, int draws, int latent,
      float beta, Tensor weights, Tensor bound, Tensor reconMean) {
    CudaTensor rc = cuda(recon), s = cuda(stats), e = cuda(eps), zd = cuda(z), w = cuda(weights), b = cuda(bound),
        rm = cuda(reconMean);
    new IwaeShape(rows, draws, latent).checkWeights(rc, s, e, zd, w, b, rm);
    queue.kernels.args(Kernel.IWAE_WEIGHTS).ptr(rc).ptr(s).ptr(e).ptr(zd).i32(rows).i32(draws).i32(latent).f32(beta)
        .ptr(w).ptr(b).ptr(rm);
    queue.launch(Kernel.IWAE_WEIGHTS, LaunchConfig.warpPerRow(rows), "iwaeWeights", -1);
  }

  @Override
  public void scaleDraws(Tensor x, Tensor weights, int rows, int draws, int cols) {
    CudaTensor xd = cuda(x), w = cuda(weights);
    IwaeShape shape = new IwaeShape(rows, draws, cols);
    shape.checkScaleDraws(xd, w);
    queue.kernels.args(Kernel.SCALE_DRAWS).ptr(xd).ptr(w).i32(rows).i32(draws).i32(cols);
    queue.launch(Kernel.SCALE_DRAWS, LaunchConfig.elementwise(shape.drawRows() * cols, context.multiprocessors),
        "scaleDraws", -1);
  }

  @Override
  public void iwaeLatentBackward(Tensor dz, Tensor stats, Tensor eps, Tensor z, Tensor weights, int rows, int draws,
      int latent, float gradScale, Tensor dstats) {
    CudaTensor g = cuda(dz), s = cuda(stats), e = cuda(eps), zd = cuda(z), w = cuda(weights), ds = cuda(dstats);
    new IwaeShape(rows, draws, latent).checkLatentBackward(g, s, e, zd, w, ds);
    queue.kernels.args(Kernel.IWAE_LATENT_BACKWARD).ptr(g).ptr(s).ptr(e).ptr(zd).ptr(w).i32(rows).i32(draws)
        .i32(latent).f32(gradScale).ptr(ds);
    queue.launch(Kernel.IWAE_LATENT_BACKWARD, LaunchConfig.elementwise((long) rows * latent, context.multiprocessors),
        "iwaeLatentBackward", -1);
  }
}

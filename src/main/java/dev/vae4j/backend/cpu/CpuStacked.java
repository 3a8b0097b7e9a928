package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Activation;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.Stack;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.StackTable;
import dev.vae4j.backend.StackedOps;
import dev.vae4j.backend.Tensor;

/**
 * {@link StackedOps} on the CPU: the reference, a loop over the models calling the single-model op
 * on each model's slices, so that every model's arithmetic is exactly the one it has trained alone
 * (the stacked step is bit-exact against single {@code TrainingStep}s, which its test asserts).
 * On the CPU batching buys nothing a core does not already do; the CUDA backend's batched calls
 * are what this reference checks.
 */
final class CpuStacked implements StackedOps {
  private final Backend backend;

  CpuStacked(Backend backend) {
    this.backend = backend;
  }

  /** The host keeps the constants as they are. */
  private record Table(StackModels models) implements StackTable {}

  @Override
  public StackTable uploadStack(StackModels models) {
    return new Table(models);
  }

  @Override
  public void releaseStack(StackTable table) {}

  @Override
  public void stackedGemm(int models, boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, long strideA, Tensor b, long strideB, float beta, Tensor c, long strideC) {
    Stack stack = new Stack(models);
    long aSize = (long) m * k, bSize = (long) k * n, cSize = (long) m * n;
    stack.require("stackedGemm", "A", a, strideA, aSize);
    stack.require("stackedGemm", "B", b, strideB, bSize);
    stack.require("stackedGemm", "C", c, strideC, cSize);
    for (int i = 0; i < models; i++) {
      backend.gemm(transA, transB, m, n, k, alpha, block(a, i, strideA, aSize), block(b, i, strideB, bSize), beta,
          block(c, i, strideC, cSize));
    }
  }

  @Override
  public void stackedBiasActivation(int models, Tensor x, Tensor bias, long biasStride, int rows, int cols,
      Activation act) {
    Stack stack = new Stack(models);
    long size = (long) rows * cols;
    stack.require("stackedBiasActivation", "x", x, size, size);
    stack.requireIfPresent("stackedBiasActivation", "bias", bias, biasStride, cols);
    for (int i = 0; i < models; i++) {
      backend.biasActivation(block(x, i, size, size), bias == null ? null : block(bias, i, biasStride, cols), rows, cols,
          act);
    }
  }

  @Override
  public void stackedActivationBackward(int models, Tensor grad, Tensor output, Tensor biasGrad, long biasStride,
      int rows, int cols, Activation act) {
    Stack stack = new Stack(models);
    long size = (long) rows * cols;
    stack.require("stackedActivationBackward", "grad", grad, size, size);
    stack.require("stackedActivationBackward", "output", output, size, size);
    stack.requireIfPresent("stackedActivationBackward", "biasGrad", biasGrad, biasStride, cols);
    for (int i = 0; i < models; i++) {
      backend.activationBackward(block(grad, i, size, size), block(output, i, size, size),
          biasGrad == null ? null : block(biasGrad, i, biasStride, cols), rows, cols, act);
    }
  }

  @Override
  public void stackedNormalNoise(StackTable table, Tensor out, long perModel, long stream) {
    Stack stack = new Stack(table.count());
    stack.require("stackedNormalNoise", "out", out, perModel, perModel);
    long[] seeds = table.models().seeds();
    for (int i = 0; i < seeds.length; i++) backend.normalNoise(block(out, i, perModel, perModel), seeds[i], stream);
  }

  @Override
  public void stackedKlDivergence(StackTable table, Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats,
      float perRow) {
    Stack stack = new Stack(table.count());
    long statsSize = 2L * rows * latent;
    stack.require("stackedKlDivergence", "stats", stats, statsSize, statsSize);
    stack.require("stackedKlDivergence", "klPerRow", klPerRow, rows, rows);
    stack.requireIfPresent("stackedKlDivergence", "dstats", dstats, statsSize, statsSize);
    float[] betas = table.models().betas();
    for (int i = 0; i < betas.length; i++) {
      backend.klDivergence(block(stats, i, statsSize, statsSize), rows, latent, block(klPerRow, i, rows, rows),
          dstats == null ? null : block(dstats, i, statsSize, statsSize), betas[i] * perRow);
    }
  }

  @Override
  public void stackedLossSums(int models, Tensor recon, Tensor kl, int rows, Tensor sums) {
    Stack stack = new Stack(models);
    stack.require("stackedLossSums", "recon", recon, rows, rows);
    stack.require("stackedLossSums", "kl", kl, rows, rows);
    stack.require("stackedLossSums", "sums", sums, 2, 2);
    for (int i = 0; i < models; i++) {
      backend.accumulateSum(block(recon, i, rows, rows), rows, sums, 2 * i);
      backend.accumulateSum(block(kl, i, rows, rows), rows, sums, 2 * i + 1);
    }
  }

  @Override
  public void stackedAdamUpdate(StackTable table, Tensor params, Tensor grads, Tensor m, Tensor v, long stride,
      long length, long step) {
    Stack stack = new Stack(table.count());
    for (var t : new Tensor[] {params, grads, m, v}) stack.require("stackedAdamUpdate", "buffer", t, stride, length);
    var adam = table.models().adam();
    for (int i = 0; i < adam.length; i++) {
      // update(), not adamUpdate(): the single-model TrainingStep's call, so the same code path.
      backend.update(block(params, i, stride, length), new Tensor[] {block(grads, i, stride, length)},
          block(m, i, stride, length), block(v, i, stride, length), adam[i], 0, step);
    }
  }

  private Tensor block(Tensor t, int model, long stride, long size) {
    return backend.slice(t, model * stride, size);
  }
}

package dev.vae4j.backend;

/**
 * The stacked family of {@link Backend}: the ops of M models of one shape trained together in one
 * step, each op one call for all M models (on the GPU one strided-batched cuBLAS call or one
 * kernel launch), each model's result exactly what the single-model op gives on its block. The
 * conventions of every family are on {@link Backend}.
 *
 * <p>Two layouts. A <em>row stack</em> {@code [models * rows, cols]} holds model i's rows at rows
 * {@code [i * rows, (i + 1) * rows)}, densely, so that the row-wise single-model ops ({@link
 * LatentOps#reparameterize}, {@link LossOps#reconstructionLoss}, {@link MemoryOps#gatherRows})
 * already run a whole stack in one call and need no stacked twin. A <em>strided stack</em> holds
 * model i's block {@code i * stride} floats in (parameters, gradients, Adam moments, whose blocks
 * are padded to an aligned stride). What differs between the models ({@link StackModels}: seeds,
 * betas, Adam settings) is uploaded once as a {@link StackTable}.
 */
public interface StackedOps {

  /** The backend's copy of {@code models}, for the ops below; not inside a recorded step. */
  StackTable uploadStack(StackModels models);

  /** Frees what {@link #uploadStack} made. */
  void releaseStack(StackTable table);

  /**
   * For each model i: {@link DenseOps#gemm}{@code (transA, transB, m, n, k, alpha, A_i, B_i, beta,
   * C_i)}, where {@code X_i} is {@code x}'s block of its GEMM size starting {@code i * strideX}.
   */
  void stackedGemm(int models, boolean transA, boolean transB, int m, int n, int k, float alpha,
      Tensor a, long strideA, Tensor b, long strideB, float beta, Tensor c, long strideC);

  /**
   * {@link DenseOps#biasActivation} on each model's rows of the row stack {@code x [models * rows,
   * cols]}, with model i's bias {@code [cols]} starting {@code i * biasStride} into {@code bias}.
   */
  void stackedBiasActivation(int models, Tensor x, Tensor bias, long biasStride, int rows, int cols, Activation act);

  /**
   * {@link DenseOps#activationBackward} on each model's rows of the row stacks {@code grad} and
   * {@code output}, model i's bias gradient (its own column sums) written {@code i * biasStride}
   * into {@code biasGrad}, which may be null.
   */
  void stackedActivationBackward(int models, Tensor grad, Tensor output, Tensor biasGrad, long biasStride,
      int rows, int cols, Activation act);

  /**
   * Model i's {@code perModel} floats at {@code [i * perModel, (i + 1) * perModel)} of {@code out}
   * are the first {@code perModel} of {@link LatentOps#normalNoise}{@code (seed_i, stream)}: each
   * model's own Philox stream, as it would draw alone.
   */
  void stackedNormalNoise(StackTable table, Tensor out, long perModel, long stream);

  /**
   * {@link LatentOps#klDivergence} on each model's rows of the row stack {@code stats [models *
   * rows, 2 * latent]} (and of {@code klPerRow}, {@code dstats}), model i's gradient scale {@code
   * beta_i * perRow} (float product, as a single model's step forms it).
   */
  void stackedKlDivergence(StackTable table, Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats,
      float perRow);

  /**
   * For each model i, {@link LossOps#accumulateSum} of its {@code rows} values of {@code recon}
   * into {@code sums[2i]} and of {@code kl} into {@code sums[2i + 1]}.
   */
  void stackedLossSums(int models, Tensor recon, Tensor kl, int rows, Tensor sums);

  /**
   * {@link OptimizerOps#adamUpdate} with model i's Adam settings on its block of {@code length}
   * floats starting {@code i * stride} into each of {@code params}, {@code grads}, {@code m} and
   * {@code v}, every model at 1-based {@code step}.
   */
  void stackedAdamUpdate(StackTable table, Tensor params, Tensor grads, Tensor m, Tensor v, long stride, long length,
      long step);
}

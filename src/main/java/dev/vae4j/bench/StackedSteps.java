package dev.vae4j.bench;

import dev.vae4j.Vae;
import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.StackModels;
import dev.vae4j.backend.Tensor;
import dev.vae4j.data.Dataset;
import dev.vae4j.model.VaeConfig;
import dev.vae4j.train.EpochOrder;
import dev.vae4j.train.ResidentImages;
import dev.vae4j.train.StackedTrainingStep;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link Benchmark.TrainingSteps} for M models trained together in one {@link StackedTrainingStep}
 * ("many models at once", issue 18, the GPU's batched path): model i is seeded {@code seed + i}
 * (initialization, noise and its own fixed shuffle of the images, as {@link ModelsAtOnce} seeds the
 * models it trains side by side), with Adam at PyTorch's defaults and lr 1e-3 and KL weight 1, as
 * the one-model benchmark; the images are uploaded once for all. Each run of consecutive steps
 * within an epoch is one recording (one CUDA graph on the GPU), so a step is one graph replay of M
 * models' work.
 */
public final class StackedSteps extends RecordedEpochs {
  private final Backend backend;
  private final int models;
  private final int batch;
  private final Tensor images;
  private final IndexTensor order;
  private final StackedTrainingStep training;

  /**
   * Uploads {@code data} and allocates everything {@code models} models of {@code config} need.
   *
   * @throws IllegalArgumentException for a model {@link StackedTrainingStep} does not take (not an
   *     MLP, another likelihood than Bernoulli or Gaussian), or a batch larger than the data
   */
  public StackedSteps(Backend backend, VaeConfig config, Dataset data, int models, int batch, long seed) {
    super(backend, Benchmark.TrainingSteps.stepsPerEpoch(data, batch));
    this.backend = backend;
    this.models = models;
    this.batch = batch;
    List<Vae> stack = new ArrayList<>();
    long[] seeds = new long[models];
    float[] betas = new float[models];
    AdamParams[] adam = new AdamParams[models];
    int[][] orders = new int[models][];
    for (int i = 0; i < models; i++) {
      seeds[i] = seed + i;
      stack.add(Vae.create(config, backend, seeds[i]));
      betas[i] = 1f;
      adam[i] = AdamParams.pytorchDefaults(1e-3);
      orders[i] = EpochOrder.shuffledRange(data.count(), new SplittableRandom(seeds[i]));
    }
    this.training = StackedTrainingStep.allocate(stack, batch, new StackModels(seeds, betas, adam));
    this.images = ResidentImages.upload(backend, data.features(), data);
    this.order = backend.allocateIndices(Math.multiplyExact(models, data.count()));
    backend.uploadIndices(StackedTrainingStep.interleave(orders, batch), order);
  }

  /** How many models train in each step. */
  public int models() {
    return models;
  }

  /** Model {@code model}'s parameters, as {@link Vae#parameters()} lays them out. */
  public float[] parameters(int model) {
    return training.parameters(model);
  }

  @Override
  void step(int position, long step) {
    training.run(images, order, position * batch, batch, step);
  }

  @Override
  Tensor lastWritten() {
    return training.lossSums();
  }

  /** Frees the data and buffers (the models' own parameters, copied in, go with the backend). */
  @Override
  public void close() {
    closeRecording();
    backend.release(images);
    backend.release(order);
    training.release();
  }
}

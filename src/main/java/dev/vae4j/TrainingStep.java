package dev.vae4j;

import dev.vae4j.backend.AdamParams;
import dev.vae4j.backend.Backend;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.Tensor;
import dev.vae4j.model.AdamOptimizer;
import dev.vae4j.model.VaeNetwork;
import dev.vae4j.model.Workspace;

/**
 * The buffers of one optimizer step and the step itself as backend calls, shared by {@link Trainer}
 * and {@link Benchmark} so that the benchmark times exactly the step the trainer runs.
 *
 * @param lossSums the running reconstruction and KL sums, in that order
 */
record TrainingStep(Backend backend, VaeNetwork network, Workspace workspace, AdamOptimizer optimizer,
    VaeNetwork.LayerGradients gradients, Tensor lossSums) {
  static final int RECON_SUM = 0;
  static final int KL_SUM = 1;

  /** Buffers for batches of up to {@code batch} rows of {@code model}. */
  static TrainingStep allocate(Vae model, int batch) {
    Backend backend = model.backend();
    VaeNetwork network = model.network();
    AdamOptimizer optimizer = new AdamOptimizer(backend, model.layout().size());
    return new TrainingStep(backend, network, network.workspace(batch, true), optimizer,
        network.new LayerGradients(optimizer.grads()), backend.allocate(2));
  }

  /**
   * Optimizer step {@code step} on {@code rows} images of {@code images}, those at positions
   * [first, first + rows) of {@code order}, with noise stream {@code step} of {@code seed}; adds the
   * batch's loss sums to {@link #lossSums}.
   */
  void run(Tensor images, IndexTensor order, int first, int rows, long seed, long step, float beta, AdamParams hyper) {
    forward(images, order, first, rows, seed, step);
    network.lossesAndGradients(workspace, rows, beta, gradients);
    addLossSums(rows);
    backend.adamUpdate(network.params(), optimizer.grads(), optimizer.firstMoment(), optimizer.secondMoment(),
        hyper, step);
  }

  /** The forward pass and losses alone (validation), with noise stream {@code stream}; adds to {@link #lossSums}. */
  void evaluate(Tensor images, IndexTensor order, int first, int rows, long seed, long stream) {
    forward(images, order, first, rows, seed, stream);
    network.losses(workspace, rows);
    addLossSums(rows);
  }

  private void forward(Tensor images, IndexTensor order, int first, int rows, long seed, long stream) {
    backend.gatherRows(images, network.config().inputSize(), order, first, rows, workspace.input());
    backend.normalNoise(workspace.eps(), seed, stream);
    network.forward(workspace, rows);
  }

  private void addLossSums(int rows) {
    backend.accumulateSum(workspace.reconPerRow(), rows, lossSums, RECON_SUM);
    backend.accumulateSum(workspace.klPerRow(), rows, lossSums, KL_SUM);
  }

  /** Frees the buffers (not the model). */
  void release() {
    backend.release(lossSums);
    optimizer.release();
    workspace.release(backend);
  }
}

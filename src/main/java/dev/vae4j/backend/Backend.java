package dev.vae4j.backend;

/**
 * The one seam through which all vae4j numerics run. A backend owns float32 buffers ({@link
 * Tensor}), copies between them and the Java heap, and the coarse, fused ops that one VAE training
 * step needs. The CPU backend implements each op with oneDNN or OpenBLAS and Java loops; the CUDA backend
 * with cuBLAS and one kernel per op (see {@code native/}).
 *
 * <p>The ops come in families, one interface each, whose contracts are written once, there, and
 * tested against a double-precision reference for every implementation: {@link MemoryOps}
 * (tensors, copies, 8-bit images, the row gather), {@link DenseOps} (GEMM, bias + activation,
 * dense layers), {@link ConvOps} (2-D convolutions and transposed convolutions over NCHW images),
 * {@link LatentOps} (noise, reparameterization, KL), {@link IwaeOps} (the importance-weighted
 * bound's draws, weights and latent backward), {@link LossOps}
 * (reconstruction likelihoods, on-device sums), {@link OptimizerOps} (Adam, gradient parts) and
 * {@link StackedOps} (M models of one shape in one step).
 * Each backend implements every family in a class of its own ({@code CpuDense}, {@code
 * CudaDense}, ...) and composes them; a new kind of layer brings a new family rather than a wider
 * interface. Each op checks its operands' lengths once, through the shape records both backends
 * share ({@link GemmDims}, {@link Rows}, {@link LayerDims}, {@link ConvShape}, {@link LatentShape}, {@link IwaeShape}, {@link
 * LossShape}, {@link Elements}, {@link Span}, {@link Stack}). What a backend adds on top of its families is
 * here: its name, how it runs a batch's parts, and recorded steps.
 *
 * <p>Conventions: all matrices are row-major and densely packed; shapes are given as {@code [rows,
 * cols]}. Ops may run asynchronously: results are visible to {@link #download} (which waits) and
 * to later ops, in program order. Ops do not allocate. Unless stated, output tensors must not
 * alias inputs.
 */
public interface Backend
    extends MemoryOps, DenseOps, ConvOps, LatentOps, IwaeOps, LossOps, OptimizerOps, StackedOps, AutoCloseable {

  /** Short name: {@code cpu} or {@code cuda}. */
  String name();

  /** One line describing the implementation (library, threads, device). */
  String description();

  /**
   * {@inheritDoc} The default is {@link OptimizerOps#addIntoByGemm} on this backend's memory and
   * dense ops.
   */
  @Override
  default void addInto(Tensor src, Tensor dst) {
    OptimizerOps.addIntoByGemm(this, this, src, dst);
  }

  // ---------------------------------------------------------------- batch parts

  /**
   * Into how many blocks of rows a training step should split its batch, each block's forward and
   * backward pass run by {@link #inParallel} on a core of its own. 1 (the default) for backends
   * that parallelize inside each op, as the CUDA backend does on the GPU; the CPU backend returns
   * its thread count, because one core per part beats splitting each small op across cores
   * (docs/benchmarks.md).
   */
  default int batchParts() {
    return 1;
  }

  /**
   * Runs {@code part.accept(p)} for every p in [0, parts), concurrently where the backend can, and
   * returns when all have finished (rethrowing the first failure). The parts' ops must write
   * disjoint tensors; inside a part every op runs on that part's thread alone. The default runs
   * the parts one after another on the calling thread.
   */
  default void inParallel(int parts, java.util.function.IntConsumer part) {
    for (int p = 0; p < parts; p++) part.accept(p);
  }

  // ---------------------------------------------------------------- recorded steps

  /**
   * Records the ops of one training step so they can be replayed with little host work per step
   * (the CUDA backend captures them as one CUDA graph). The k-th {@link RecordedStep#replay()}
   * (k = 0, 1, 2, ...) has the effect that {@code body.accept(k)} would have.
   *
   * <p>Rules for {@code body}, which a backend may run several times while recording (the CUDA
   * backend runs it for k = 1 and 2 without executing anything, then for k = 0 under capture):
   *
   * <ul>
   *   <li>it only queues ops: no {@link #allocate}, {@link #allocateIndices}, {@link #release},
   *       {@link #upload}, {@link #download}, {@link #uploadIndices} or {@link #synchronize}
   *       (backends that capture throw {@link IllegalStateException}); it has no other effects;
   *   <li>every call issues the same ops on the same tensors with the same arguments, except
   *       {@link #gatherRows}' {@code first}, {@link #normalNoise}'s and {@link
   *       #stackedNormalNoise}'s {@code stream} and {@link #adamUpdate}'s and {@link
   *       #stackedAdamUpdate}'s {@code step}, which may change with k as {@code a + b * k};
   *   <li>tensors keep their contents between replays, so data written between replays (a new
   *       permutation through {@link #uploadIndices}, a new target) is seen by the next replay.
   * </ul>
   *
   * <p>Replays are queued like other ops; losses should be summed on the device with {@link
   * #accumulateSum}. The default runs {@code body.accept(k)} at each replay.
   */
  default RecordedStep recordStep(java.util.function.LongConsumer body) {
    return new RecordedStep() {
      private long k;

      @Override
      public void replay() {
        body.accept(k++);
      }

      @Override
      public void close() {}
    };
  }

  /** A step recorded by {@link #recordStep}. */
  interface RecordedStep extends AutoCloseable {
    /** Runs the step once more: the k-th call as {@code body.accept(k)}. */
    void replay();

    /** Frees what the recording holds (a CUDA graph); the step cannot be replayed after. */
    @Override
    void close();
  }

  /** Releases every buffer this backend allocated. */
  @Override
  void close();
}

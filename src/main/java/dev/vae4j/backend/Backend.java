package dev.vae4j.backend;

/**
 * The one seam through which all vae4j numerics run. A backend owns float32 buffers ({@link
 * Tensor}), copies between them and the Java heap, and the coarse, fused ops that one VAE training
 * step needs. The CPU backend implements each op with oneDNN or OpenBLAS and Java loops; the CUDA backend
 * with cuBLAS and one kernel per op (see {@code native/}). Every contract below is written once,
 * here, and tested against a double-precision reference for every implementation.
 *
 * <p>Conventions: all matrices are row-major and densely packed; shapes are given as {@code [rows,
 * cols]}. Ops may run asynchronously: results are visible to {@link #download} (which waits) and
 * to later ops, in program order. Ops do not allocate. Unless stated, output tensors must not
 * alias inputs.
 */
public interface Backend extends AutoCloseable {

  /** Short name: {@code cpu} or {@code cuda}. */
  String name();

  /** One line describing the implementation (library, threads, device). */
  String description();

  // ---------------------------------------------------------------- memory

  /** A new zero-filled tensor of {@code length} floats. */
  Tensor allocate(long length);

  /** A view of {@code length} elements of {@code parent} starting at {@code offset}; shares memory. */
  Tensor slice(Tensor parent, long offset, long length);

  /** A new zero-filled buffer of {@code length} int32 indices. */
  IndexTensor allocateIndices(int length);

  /** Copies {@code count} floats from {@code src[srcOffset..]} into {@code dst[dstOffset..]}. */
  void upload(float[] src, int srcOffset, Tensor dst, long dstOffset, int count);

  /** Copies {@code count} floats from {@code src[srcOffset..]} into {@code dst[dstOffset..]}; waits. */
  void download(Tensor src, long srcOffset, float[] dst, int dstOffset, int count);

  /** Copies all of {@code src} into {@code dst}, which must have the same length. */
  void uploadIndices(int[] src, IndexTensor dst);

  /** Sets every element of {@code t} to {@code value}. */
  void fill(Tensor t, float value);

  /** {@code dst = src}; equal lengths. */
  void copy(Tensor src, Tensor dst);

  /**
   * Frees a tensor made by {@link #allocate} before the backend closes (slices share their
   * parent's memory and are not released). Using a released tensor is an error. The default does
   * nothing, which suits a backend whose memory the garbage collector reclaims.
   */
  default void release(Tensor t) {}

  /** Waits until all queued work is done (a no-op for synchronous backends). */
  void synchronize();

  default void upload(float[] src, Tensor dst) {
    if (src.length != dst.length()) {
      throw new IllegalArgumentException(
          "upload of " + src.length + " floats into a tensor of " + dst.length());
    }
    upload(src, 0, dst, 0, src.length);
  }

  default float[] download(Tensor src) {
    float[] out = new float[Math.toIntExact(src.length())];
    download(src, 0, out, 0, out.length);
    return out;
  }

  // ---------------------------------------------------------------- 8-bit images

  /**
   * A tensor for {@code length} pixels given as bytes (byte k stands for the pixel value k / 255,
   * as in IDX files), which {@link #uploadPixels} writes, {@link #gatherRows} reads as floats and
   * {@link #release} frees; no other op takes it. The default is a float tensor; the CPU backend
   * keeps the bytes, a quarter of the memory (Fashion-MNIST's training images: 47 MB, not 188).
   */
  default Tensor allocatePixels(long length) {
    return allocate(length);
  }

  /**
   * Writes {@code count} 8-bit pixels from {@code src[srcOffset]} into a tensor from {@link
   * #allocatePixels} at {@code dstOffset}. The default converts them to floats, {@code (b & 0xff) /
   * 255f}, a block at a time, and uploads them.
   */
  default void uploadPixels(byte[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    float[] block = new float[Math.max(1, Math.min(count, 1 << 16))];
    for (int done = 0; done < count; done += block.length) {
      int n = Math.min(block.length, count - done);
      for (int i = 0; i < n; i++) block[i] = (src[srcOffset + done + i] & 0xff) / 255f;
      upload(block, 0, dst, dstOffset + done, n);
    }
  }

  // ---------------------------------------------------------------- linear algebra

  /**
   * {@code C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C}, where {@code op(X)} is X or its
   * transpose. A is stored {@code [m,k]} (or {@code [k,m]} when {@code transA}); B is stored {@code
   * [k,n]} (or {@code [n,k]} when {@code transB}). With {@code beta == 0}, C's old contents are
   * ignored (NaN in C does not propagate).
   */
  void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      Tensor a,
      Tensor b,
      float beta,
      Tensor c);

  // ---------------------------------------------------------------- elementwise

  /**
   * In place, for every row r and column c of {@code x[rows, cols]}: {@code x = act(x + bias[c])}.
   * {@code bias} may be null (no bias).
   */
  void biasActivation(Tensor x, Tensor bias, int rows, int cols, Activation act);

  /**
   * Backward of {@link #biasActivation}: in place, {@code grad = grad * act'(output)} where {@code
   * output} is the activation's forward result {@code [rows, cols]}; then {@code biasGrad[c] =
   * sum over rows of grad[r, c]} (overwritten). Supports {@link Activation#RELU} (derivative 1
   * where output > 0, else 0) and {@link Activation#IDENTITY}. {@code biasGrad} may be null.
   */
  void activationBackward(
      Tensor grad, Tensor output, Tensor biasGrad, int rows, int cols, Activation act);

  // ---------------------------------------------------------------- dense layers

  /**
   * One dense layer, {@code y[rows, out] = act(x[rows, in] w[out, in]^T + bias[out])}: exactly
   * {@link #gemm}{@code (false, true, rows, out, in, 1, x, w, 0, y)} then {@link
   * #biasActivation}{@code (y, bias, rows, out, act)}, which is what the default does. A backend may
   * fuse the two (the CUDA backend runs the bias and ReLU in a cuBLASLt epilogue); results then
   * differ only by float rounding. {@code bias} may be null; {@code y} must not alias {@code x} or
   * {@code w}.
   */
  default void linearForward(Tensor x, Tensor w, Tensor bias, Tensor y, int rows, int in, int out, Activation act) {
    gemm(false, true, rows, out, in, 1f, x, w, 0f, y);
    biasActivation(y, bias, rows, out, act);
  }

  /**
   * Backward of {@link #linearForward} from its output {@code y} and {@code dy = dL/dy} (both
   * {@code [rows, out]}): exactly {@link #activationBackward}{@code (dy, y, biasGrad, rows, out,
   * act)} (so {@code dy} becomes the pre-activation gradient in place and {@code biasGrad[out]} its
   * column sums), then {@code weightGrad[out, in] = dy^T x} ({@link #gemm}{@code (true, false, out,
   * in, rows, 1, dy, x, 0, weightGrad)}), then, unless {@code dx} is null, {@code dx[rows, in] = dy
   * w} ({@link #gemm}{@code (false, false, rows, in, out, 1, dy, w, 0, dx)}). That sequence is the
   * default; a backend may fuse steps (the CUDA backend sums the bias gradient in the
   * weight-gradient GEMM's cuBLASLt epilogue), differing only by float rounding. {@code biasGrad}
   * and {@code dx} may be null; outputs must not alias inputs. Supports the activations {@link
   * #activationBackward} supports.
   */
  default void linearBackward(
      Tensor x, Tensor w, Tensor y, Tensor dy, Tensor weightGrad, Tensor biasGrad, Tensor dx,
      int rows, int in, int out, Activation act) {
    activationBackward(dy, y, biasGrad, rows, out, act);
    gemm(true, false, out, in, rows, 1f, dy, x, 0f, weightGrad);
    if (dx != null) gemm(false, false, rows, in, out, 1f, dy, w, 0f, dx);
  }

  // ---------------------------------------------------------------- rows

  /** {@code dst[i, :] = src[indices[first + i], :]} for i in [0, rows); rows of {@code cols} floats. */
  void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst);

  // ---------------------------------------------------------------- the VAE's latent layer

  /**
   * Fills {@code out} with standard-normal noise from Philox4x32-10, reproducibly for (seed,
   * stream). Element i comes from the Philox block with counter {@code (lo(i/4), hi(i/4),
   * lo(stream), hi(stream))} and key {@code (lo(seed), hi(seed))}; that block's words w0..w3 become
   * uniforms {@code u_j = ((w_j >>> 8) + 0.5) / 2^24} in (0, 1), and Box-Muller turns (u0, u1) into
   * elements 4b, 4b+1 = {@code r cos(t), r sin(t)} and (u2, u3) into 4b+2, 4b+3, with {@code r =
   * sqrt(-2 ln u_even)} and {@code t = 2 pi u_odd}. See {@link Philox}.
   */
  void normalNoise(Tensor out, long seed, long stream);

  /**
   * The reparameterization trick. {@code stats[rows, 2*latent]} holds mu in columns {@code
   * [0,latent)} and logvar in {@code [latent, 2*latent)} (the encoder heads' one output); {@code
   * z = mu + exp(logvar / 2) * eps} with {@code eps, z} of shape {@code [rows, latent]}.
   */
  void reparameterize(Tensor stats, Tensor eps, Tensor z, int rows, int latent);

  /**
   * Backward of {@link #reparameterize}, accumulating into {@code dstats[rows, 2*latent]}: {@code
   * dmu += dz} and {@code dlogvar += dz * eps * 0.5 * exp(logvar / 2)}.
   */
  void reparameterizeBackward(
      Tensor dz, Tensor stats, Tensor eps, Tensor dstats, int rows, int latent);

  /**
   * KL(N(mu, exp(logvar)) || N(0, I)) per row: {@code klPerRow[r] = sum_j -0.5 * (1 + logvar -
   * mu^2 - exp(logvar))}, and its gradient times {@code gradScale}, <em>overwriting</em> {@code
   * dstats}: {@code dmu = gradScale * mu}, {@code dlogvar = gradScale * 0.5 * (exp(logvar) - 1)}.
   * {@code dstats} may be null (forward only).
   */
  void klDivergence(Tensor stats, int rows, int latent, Tensor klPerRow, Tensor dstats, float gradScale);

  /**
   * Reconstruction negative log-likelihood from the decoder's outputs {@code logits [rows,
   * likelihood.outputsPerValue() * cols]} against {@code target [rows, cols]}, fused with its
   * gradient: {@code lossPerRow[r]} = sum over the row's {@code cols} values of the per-value loss
   * of {@code likelihood} (see each {@link Likelihood} constant; a value's outputs are at columns
   * {@code c, c + cols, ...} of its row); {@code dlogits}, laid out as {@code logits}, {@code =
   * gradScale * dloss/dlogits}. {@code dlogits} may be null (forward only) and may alias {@code
   * logits}.
   */
  void reconstructionLoss(
      Likelihood likelihood,
      Tensor logits,
      Tensor target,
      int rows,
      int cols,
      Tensor lossPerRow,
      Tensor dlogits,
      float gradScale);

  /** {@code accumulators[slot] += sum(values[0..count))}, without reading anything back to the host. */
  void accumulateSum(Tensor values, int count, Tensor accumulators, int slot);

  // ---------------------------------------------------------------- optimizer

  /**
   * One fused Adam (or AdamW) update of every element, with bias correction for 1-based {@code
   * step}, as PyTorch's {@code torch.optim.Adam}/{@code AdamW}: {@code g = grads (+ wd * p unless
   * decoupled)}; {@code p -= lr * wd * p} if decoupled; {@code m = b1 m + (1-b1) g}; {@code v = b2 v
   * + (1-b2) g^2}; {@code p -= lr * (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps)}.
   */
  void adamUpdate(Tensor params, Tensor grads, Tensor m, Tensor v, AdamParams hyper, long step);

  /**
   * {@link #adamUpdate} with the gradient summed over the parts of a batch: {@code ((gradParts[0] +
   * gradParts[1]) + gradParts[2]) + ...}, in float, in that order. {@code gradParts[0]} may be
   * overwritten. The default adds the parts into the first with {@link #addInto}, then updates;
   * the CPU backend reads the last part inside its Adam pass instead, saving a pass over memory.
   */
  default void adamUpdate(Tensor params, Tensor[] gradParts, Tensor m, Tensor v, AdamParams hyper, long step) {
    for (int p = 1; p < gradParts.length; p++) addInto(gradParts[p], gradParts[0]);
    adamUpdate(params, gradParts[0], m, v, hyper, step);
  }

  /**
   * {@code dst += src}, elementwise over equal lengths. Used to sum the gradients of a batch split
   * into parts ({@link #batchParts}); the default is one rank-1 {@link #gemm} (ones[1 x 1] times
   * src[1 x n] added into dst), which is correct on every backend, and backends that split batches
   * override it with a plain loop.
   */
  default void addInto(Tensor src, Tensor dst) {
    if (src.length() != dst.length()) {
      throw new IllegalArgumentException("addInto of " + src.length() + " floats into " + dst.length());
    }
    Tensor one = allocate(1);
    try {
      fill(one, 1f);
      gemm(false, false, 1, Math.toIntExact(src.length()), 1, 1f, one, src, 1f, dst);
    } finally {
      release(one);
    }
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
   *       {@link #gatherRows}' {@code first}, {@link #normalNoise}'s {@code stream} and {@link
   *       #adamUpdate}'s {@code step}, which may change with k as {@code a + b * k};
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

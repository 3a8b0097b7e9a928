package dev.vae4j.backend;

/**
 * The memory family of {@link Backend}: tensors and index buffers (allocate, slice, release),
 * copies between them and the Java heap, fills and device-side copies, 8-bit images and the row
 * gather that turns them into a batch, and waiting for queued work. The conventions of every
 * family are on {@link Backend}.
 */
public interface MemoryOps {

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

  /**
   * Frees an index buffer made by {@link #allocateIndices} before the backend closes, as {@link
   * #release(Tensor)} frees a tensor: whoever allocates one releases it when done (a conditional
   * model's labels uploaded per call would otherwise hold device memory until the backend closes).
   * Using a released buffer is an error. The default does nothing, which suits a backend whose
   * memory the garbage collector reclaims.
   */
  default void release(IndexTensor indices) {}

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

  // ---------------------------------------------------------------- rows

  /** {@code dst[i, :] = src[indices[first + i], :]} for i in [0, rows); rows of {@code cols} floats. */
  void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst);

  // ---------------------------------------------------------------- conditioning

  /**
   * The conditional VAE's input (Sohn et al. 2015): {@code dst[i, :width] = src[i, :]}, then
   * {@code dst[i, width + c] = (c == label ? 1 : 0)} for c in [0, classes), where {@code label =
   * labels[row]} and {@code row = order[first + i]}, or {@code first + i} when {@code order} is null
   * (labels given per row of the pass). In a training step {@code labels} are the resident dataset's
   * and {@code order} the epoch's, as {@link #gatherRows} reads them, so the labels never cross to the
   * host. A label outside [0, classes) or a row past the labels is an error where the backend can see
   * it (the GPU's replayed steps cannot: their one-hot columns are NaN then).
   */
  void appendOneHot(Tensor src, int width, IndexTensor labels, IndexTensor order, int first, int rows, int classes,
      Tensor dst);

  /**
   * The backward of {@link #appendOneHot} with respect to {@code src}: {@code grad[i, :] =
   * wideGrad[i, :width]} for rows {@code [rows, width + classes]} of {@code wideGrad} (the one-hot
   * columns are constants and get no gradient).
   */
  void appendOneHotBackward(Tensor wideGrad, int width, int classes, int rows, Tensor grad);
}

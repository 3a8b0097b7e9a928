package dev.vae4j.backend.cuda;

import dev.vae4j.backend.IndexTensor;

/**
 * int32 row indices in device memory. Keeps the smallest and largest index last uploaded, so
 * {@code gatherRows} can reject an out-of-range index on the host with the CPU backend's
 * exception, instead of reading outside the source on the GPU.
 */
final class CudaIndexTensor implements IndexTensor {
  /** The device allocation holding the indices, which {@code release} frees. */
  final CudaTensor memory;
  final long address;
  final int length;
  int min;
  int max;

  CudaIndexTensor(CudaTensor memory, int length) {
    this.memory = memory;
    this.address = memory.address;
    this.length = length;
  }

  /**
   * {@code t} as the CUDA backend's, still allocated: a released buffer's address may already hold
   * another allocation, which a kernel would read without complaint.
   */
  static CudaIndexTensor live(IndexTensor t) {
    if (!(t instanceof CudaIndexTensor c)) {
      throw new IllegalArgumentException("index buffer " + t + " does not belong to the CUDA backend");
    }
    if (!c.memory.isLive()) throw new IllegalStateException("index buffer " + t + " was released");
    return c;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public String toString() {
    return "CudaIndexTensor[" + length + " ints at 0x" + Long.toHexString(address) + "]";
  }
}

package dev.vae4j.backend.cuda;

import dev.vae4j.backend.IndexTensor;

/**
 * int32 row indices in device memory. Keeps the smallest and largest index last uploaded, so
 * {@code gatherRows} can reject an out-of-range index on the host with the CPU backend's
 * exception, instead of reading outside the source on the GPU.
 */
final class CudaIndexTensor implements IndexTensor {
  final long address;
  final int length;
  int min;
  int max;

  CudaIndexTensor(long address, int length) {
    this.address = address;
    this.length = length;
  }

  @Override
  public int length() {
    return length;
  }
}

package dev.vae4j.backend.cuda;

import dev.vae4j.backend.Tensor;

/**
 * A float32 buffer in device memory: an allocation of the {@link CudaBackend} or a slice of one.
 * Holds only the device address, which is what kernels and cuBLAS take.
 */
final class CudaTensor implements Tensor {
  final long address;
  final long length;
  /** The allocation this tensor lies in; itself for an allocation. */
  final CudaTensor root;
  /** Cleared when the root allocation is released or the backend closes. */
  boolean live = true;

  private CudaTensor(long address, long length, CudaTensor root) {
    this.address = address;
    this.length = length;
    this.root = root == null ? this : root;
  }

  static CudaTensor allocation(long address, long length) {
    return new CudaTensor(address, length, null);
  }

  CudaTensor slice(long offset, long count) {
    if (offset < 0 || count < 0 || offset + count > length) {
      throw new IndexOutOfBoundsException("slice [" + offset + ", " + (offset + count) + ") of " + length + " floats");
    }
    return new CudaTensor(address + offset * Float.BYTES, count, root);
  }

  boolean isLive() {
    return root.live;
  }

  @Override
  public long length() {
    return length;
  }

  @Override
  public String toString() {
    return "CudaTensor[" + length + " floats at 0x" + Long.toHexString(address) + "]";
  }
}

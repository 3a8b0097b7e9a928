package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A CPU tensor: off-heap memory behind a direct {@link FloatBuffer}. Off-heap because OpenBLAS
 * must see the memory without a copy (JavaCPP copies heap arrays in and out of every call).
 */
final class CpuTensor implements Tensor {
  final FloatBuffer data;

  private CpuTensor(FloatBuffer data) {
    this.data = data;
  }

  static CpuTensor allocate(long length) {
    if (length < 0 || length > Integer.MAX_VALUE / Float.BYTES) {
      throw new IllegalArgumentException("tensor of " + length + " floats is too large for the CPU backend");
    }
    ByteBuffer bytes = ByteBuffer.allocateDirect((int) length * Float.BYTES).order(ByteOrder.nativeOrder());
    return new CpuTensor(bytes.asFloatBuffer());
  }

  CpuTensor slice(long offset, long length) {
    if (offset < 0 || length < 0 || offset + length > data.capacity()) {
      throw new IndexOutOfBoundsException(
          "slice [" + offset + ", " + (offset + length) + ") of a tensor of " + data.capacity());
    }
    return new CpuTensor(data.slice((int) offset, (int) length));
  }

  @Override
  public long length() {
    return data.capacity();
  }
}

package dev.vae4j.backend.cpu;

import dev.vae4j.backend.IndexTensor;

/** Row indices on the CPU: a plain int array (no native code reads them). */
final class CpuIndexTensor implements IndexTensor {
  final int[] data;

  CpuIndexTensor(int length) {
    this.data = new int[length];
  }

  @Override
  public int length() {
    return data.length;
  }
}

package dev.vae4j.io;

/**
 * One tensor's line in a safetensors header: its name, dtype, shape and byte range in the data
 * (from {@code begin}, up to {@code end} exclusive).
 */
record TableRow(String name, String dtype, long[] shape, long begin, long end) {
  /** Bytes per value of the dtype. */
  int width() {
    return dtype.equals("F64") ? 8 : 4;
  }

  /** Values in the tensor. */
  long count() {
    return (end - begin) / width();
  }
}

package dev.vae4j.backend.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * The device workspace every cuDNN convolution of a backend shares (they all queue on one stream,
 * so never two at once), sized to the largest chosen algorithm's need when shapes are prepared,
 * never while a step runs. When a new shape needs more, a larger buffer replaces it; the old one
 * stays allocated until the backend closes, because a CUDA graph captured earlier still uses it.
 */
final class ConvWorkspace {
  /** Growth in whole MiB, so that shapes prepared one after another rarely regrow it. */
  private static final long GRANULE = 1L << 20;

  private final DeviceMemory memory;
  private final List<CudaTensor> retired = new ArrayList<>();
  private CudaTensor current;
  private long bytes;

  ConvWorkspace(DeviceMemory memory) {
    this.memory = memory;
  }

  /** Makes the workspace at least {@code needed} bytes. */
  void ensure(long needed) {
    if (needed <= bytes) return;
    long size = Math.multiplyExact(Math.floorDiv(needed + GRANULE - 1, GRANULE), GRANULE);
    CudaTensor grown = memory.allocateBytes(size / Float.BYTES, size, "cuDNN workspace");
    if (current != null) retired.add(current);
    current = grown;
    bytes = size;
  }

  /** The workspace's device address; 0 while no algorithm has needed one. */
  long address() {
    return current == null ? 0 : current.address;
  }

  long bytes() {
    return bytes;
  }

  /** How many smaller workspaces are kept for graphs captured before it grew. */
  int retiredCount() {
    return retired.size();
  }
}

package dev.vae4j.backend.cuda;

import static org.bytedeco.cuda.global.cudart.cudaErrorMemoryAllocation;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import org.bytedeco.javacpp.Pointer;

/**
 * Device allocations of one backend, so that {@code close} frees them all, and the pinned host
 * buffer that uploads and downloads are staged through (pinned memory is what lets {@code
 * cudaMemcpyAsync} run as a DMA on the stream). An allocation that does not fit fails with the
 * sizes in the message, never a crash.
 */
final class DeviceMemory implements AutoCloseable {
  private final CudaContext context;
  private final CudaApi api;
  private final Set<CudaTensor> allocations = new LinkedHashSet<>();
  /** The pinned buffer's address, 0 until the first copy. */
  private long staging;
  private long stagingBytes;

  DeviceMemory(CudaContext context) {
    this.context = context;
    this.api = context.api;
  }

  /** A zero-filled device buffer of {@code floats} elements; {@code what} names it in errors. */
  CudaTensor allocate(long floats, String what) {
    return allocateBytes(floats, Math.multiplyExact(floats, (long) Float.BYTES), what);
  }

  /** A zero-filled device buffer of {@code bytes} (for int32 indices and counters). */
  CudaTensor allocateBytes(long elements, long bytes, String what) {
    if (elements < 0) throw new IllegalArgumentException("negative length " + elements);
    context.makeCurrent();
    long[] p = new long[1];
    int rc = api.cudaMalloc(p, Math.max(bytes, 1));
    if (rc == cudaErrorMemoryAllocation) {
      throw new CudaException(String.format(Locale.ROOT,
          "%s: out of GPU memory allocating %.1f MiB (%s)", what, bytes / 1048576.0, freeMemory()));
    }
    Status.runtime(rc, "cudaMalloc(" + bytes + " bytes) for " + what);
    CudaTensor t = CudaTensor.allocation(p[0], elements);
    allocations.add(t);
    Status.runtime(api.cudaMemsetAsync(t.address, 0, bytes, context.stream), "cudaMemsetAsync for " + what);
    return t;
  }

  /** Frees an allocation before the backend closes. */
  void release(CudaTensor t) {
    if (t.root != t) throw new IllegalArgumentException("release of a slice; release its parent allocation");
    if (!allocations.remove(t)) throw new IllegalArgumentException("tensor " + t + " is not a live allocation");
    // cudaFree waits for the device, so queued ops that still use the buffer finish first.
    t.live = false;
    context.makeCurrent();
    Status.runtime(api.cudaFree(t.address), "cudaFree");
  }

  /** A pinned host buffer of at least {@code bytes}, reused across calls. */
  Pointer staging(long bytes) {
    if (bytes > stagingBytes) {
      context.makeCurrent();
      if (stagingBytes > 0) Status.runtime(api.cudaFreeHost(staging), "cudaFreeHost");
      long size = Math.max(bytes, 1L << 20);
      long[] p = new long[1];
      Status.runtime(api.cudaMallocHost(p, size), "cudaMallocHost(" + size + " bytes) for staging");
      staging = p[0];
      stagingBytes = size;
    }
    return new DevicePointer(staging); // host memory, but the wrapper is the same: an address
  }

  private String freeMemory() {
    long[] free = new long[1], total = new long[1];
    if (api.cudaMemGetInfo(free, total) != 0) return "free memory unknown";
    return String.format(Locale.ROOT, "%.1f MiB free of %.1f MiB", free[0] / 1048576.0, total[0] / 1048576.0);
  }

  @Override
  public void close() {
    context.makeCurrent();
    for (CudaTensor t : allocations) {
      t.live = false;
      Status.runtime(api.cudaFree(t.address), "cudaFree");
    }
    allocations.clear();
    if (stagingBytes > 0) Status.runtime(api.cudaFreeHost(staging), "cudaFreeHost");
    stagingBytes = 0;
  }
}

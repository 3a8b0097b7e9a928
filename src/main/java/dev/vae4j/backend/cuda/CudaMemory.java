package dev.vae4j.backend.cuda;

import static dev.vae4j.backend.cuda.CudaQueue.cuda;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToDevice;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;

import dev.vae4j.backend.Elements;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.MemoryOps;
import dev.vae4j.backend.OneHotShape;
import dev.vae4j.backend.Rows;
import dev.vae4j.backend.Span;
import dev.vae4j.backend.Tensor;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;

/**
 * {@link MemoryOps} on the GPU: allocations from {@link DeviceMemory}, host copies through its
 * pinned staging buffer (each waits for its own copy), and {@code gather.cu}'s fill and row
 * gather. 8-bit images are uploaded as floats (the interface's defaults).
 */
final class CudaMemory implements MemoryOps {
  /** The gather's dynamic slot (see {@link StepRecorder}): the counter's argument index. */
  private static final int GATHER_STEP_SLOT = 5;
  /** The one-hot append's dynamic slot, as the gather's. */
  private static final int ONE_HOT_STEP_SLOT = 6;

  private final CudaQueue queue;
  private final CudaContext context;
  private final DeviceMemory memory;

  CudaMemory(CudaQueue queue, DeviceMemory memory) {
    this.queue = queue;
    this.context = queue.context;
    this.memory = memory;
  }

  @Override
  public Tensor allocate(long length) {
    queue.requireNotRecording("allocate");
    return memory.allocate(length, "allocate(" + length + " floats)");
  }

  @Override
  public Tensor slice(Tensor parent, long offset, long length) {
    return cuda(parent).slice(offset, length);
  }

  @Override
  public IndexTensor allocateIndices(int length) {
    queue.requireNotRecording("allocateIndices");
    CudaTensor t = memory.allocateBytes(length, (long) length * Integer.BYTES, "allocateIndices(" + length + ")");
    return new CudaIndexTensor(t, length);
  }

  @Override
  public void release(Tensor t) {
    queue.requireNotRecording("release");
    memory.release(cuda(t));
  }

  @Override
  public void release(IndexTensor indices) {
    queue.requireNotRecording("release");
    memory.release(CudaIndexTensor.live(indices).memory);
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    queue.requireNotRecording("upload");
    CudaTensor d = cuda(dst);
    new Span(dstOffset, count).check("upload", "destination", d.length);
    long bytes = (long) count * Float.BYTES;
    FloatPointer staging = new FloatPointer(memory.staging(bytes));
    staging.put(src, srcOffset, count);
    copyAndWait(d.address + dstOffset * Float.BYTES, staging.address(), bytes, cudaMemcpyHostToDevice, "upload");
  }

  @Override
  public void download(Tensor src, long srcOffset, float[] dst, int dstOffset, int count) {
    queue.requireNotRecording("download");
    CudaTensor s = cuda(src);
    new Span(srcOffset, count).check("download", "source", s.length);
    long bytes = (long) count * Float.BYTES;
    FloatPointer staging = new FloatPointer(memory.staging(bytes));
    copyAndWait(staging.address(), s.address + srcOffset * Float.BYTES, bytes, cudaMemcpyDeviceToHost, "download");
    staging.get(dst, dstOffset, count);
  }

  @Override
  public void uploadIndices(int[] src, IndexTensor dst) {
    queue.requireNotRecording("uploadIndices");
    CudaIndexTensor d = CudaIndexTensor.live(dst);
    new Elements(src.length).checkIndices(d);
    int min = 0, max = 0;
    for (int i = 0; i < src.length; i++) {
      min = i == 0 ? src[i] : Math.min(min, src[i]);
      max = i == 0 ? src[i] : Math.max(max, src[i]);
    }
    long bytes = (long) src.length * Integer.BYTES;
    IntPointer staging = new IntPointer(memory.staging(bytes));
    staging.put(src, 0, src.length);
    copyAndWait(d.address, staging.address(), bytes, cudaMemcpyHostToDevice, "uploadIndices");
    d.min = min;
    d.max = max;
  }

  /** Queues a copy and waits for it: the staging buffer is reused by the next copy. */
  private void copyAndWait(long to, long from, long bytes, int kind, String op) {
    if (bytes == 0) return;
    context.makeCurrent();
    Status.runtime(context.api.cudaMemcpyAsync(to, from, bytes, kind, context.stream), "cudaMemcpyAsync for " + op);
    context.synchronize(op);
  }

  @Override
  public void fill(Tensor t, float value) {
    CudaTensor x = cuda(t);
    queue.kernels.args(Kernel.FILL).ptr(x).i64(x.length).f32(value);
    queue.launch(Kernel.FILL, LaunchConfig.elementwise(x.length, context.multiprocessors), "fill", -1);
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    CudaTensor s = cuda(src), d = cuda(dst);
    new Elements(s.length).checkInto("copy", d);
    if (queue.recorded("copy", new long[] {s.address, d.address, s.length}, -1)) {
      context.makeCurrent();
      Status.runtime(context.api.cudaMemcpyAsync(d.address, s.address, s.length * Float.BYTES, cudaMemcpyDeviceToDevice,
          context.stream), "cudaMemcpyAsync for copy");
      context.afterOp("copy");
    }
  }

  @Override
  public void synchronize() {
    queue.requireNotRecording("synchronize");
    context.synchronize("synchronize");
  }

  @Override
  public void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst) {
    CudaTensor s = cuda(src), d = cuda(dst);
    CudaIndexTensor idx = CudaIndexTensor.live(indices);
    Rows shape = new Rows(rows, cols);
    shape.checkGatherRows(d);
    // A recording's probes (k = 1, 2) extrapolate the offset and launch nothing: a step recorded
    // for one replay at the end of the indices would fail them. The capture (k = 0) is checked.
    if (!queue.probing()) shape.checkIndexWindow(first, idx.length);
    long srcRows = s.length / cols;
    if (rows > 0 && (idx.min < 0 || idx.max >= srcRows)) {
      int bad = idx.min < 0 ? idx.min : idx.max;
      throw new IndexOutOfBoundsException("gatherRows index " + bad + " of " + srcRows + " rows");
    }
    queue.kernels.args(Kernel.GATHER_ROWS).ptr(s).i64(srcRows).i32(cols).ptr(idx.address).i32(idx.length)
        .ptr(0L).i64(first).i64(0).i32(rows).ptr(d);
    queue.launch(Kernel.GATHER_ROWS, LaunchConfig.elementwise((long) rows * cols, context.multiprocessors), "gatherRows",
        GATHER_STEP_SLOT);
  }

  @Override
  public void appendOneHot(Tensor src, int width, IndexTensor labels, IndexTensor order, int first, int rows,
      int classes, Tensor dst) {
    OneHotShape shape = new OneHotShape(rows, width, classes);
    CudaTensor s = cuda(src), d = cuda(dst);
    CudaIndexTensor lab = CudaIndexTensor.live(labels), ord = order == null ? null : CudaIndexTensor.live(order);
    // As gatherRows: the probes (k = 1, 2) extrapolate the offset, so only the capture checks it.
    if (!queue.probing()) shape.checkAppend(s, d, lab, ord, first);
    if (rows > 0) {
      if (lab.min < 0 || lab.max >= classes) throw shape.badLabel("label", lab.min < 0 ? lab.min : lab.max, classes);
      if (ord != null && (ord.min < 0 || ord.max >= lab.length)) {
        throw shape.badLabel("row", ord.min < 0 ? ord.min : ord.max, lab.length);
      }
    }
    queue.kernels.args(Kernel.APPEND_ONE_HOT).ptr(s).i32(width).ptr(lab.address).i32(lab.length)
        .ptr(ord == null ? 0L : ord.address).i32(ord == null ? 0 : ord.length)
        .ptr(0L).i64(first).i64(0).i32(rows).i32(classes).ptr(d);
    queue.launch(Kernel.APPEND_ONE_HOT, LaunchConfig.elementwise((long) rows * shape.wideCols(), context.multiprocessors),
        "appendOneHot", ONE_HOT_STEP_SLOT);
  }

  @Override
  public void appendOneHotBackward(Tensor wideGrad, int width, int classes, int rows, Tensor grad) {
    OneHotShape shape = new OneHotShape(rows, width, classes);
    CudaTensor s = cuda(wideGrad), d = cuda(grad);
    shape.checkBackward(s, d);
    queue.kernels.args(Kernel.APPEND_ONE_HOT_BACKWARD).ptr(s).i32(width).i32(classes).i32(rows).ptr(d);
    queue.launch(Kernel.APPEND_ONE_HOT_BACKWARD, LaunchConfig.elementwise((long) rows * width, context.multiprocessors),
        "appendOneHotBackward", -1);
  }
}

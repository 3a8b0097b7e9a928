package dev.vae4j.backend.cpu;

import static dev.vae4j.backend.cpu.CpuTensor.cpu;

import dev.vae4j.backend.Elements;
import dev.vae4j.backend.IndexTensor;
import dev.vae4j.backend.OneHotShape;
import dev.vae4j.backend.MemoryOps;
import dev.vae4j.backend.Rows;
import dev.vae4j.backend.Span;
import dev.vae4j.backend.Tensor;
import java.util.Arrays;

/**
 * {@link MemoryOps} on the Java heap: {@link CpuTensor}s (heap arrays with a lazy off-heap mirror
 * for the GEMM libraries), 8-bit images kept as bytes ({@link CpuPixelTensor}), index buffers as
 * int arrays. Every op is synchronous and single-threaded.
 */
final class CpuMemory implements MemoryOps {
  private final LoopKernels loops;

  CpuMemory(LoopKernels loops) {
    this.loops = loops;
  }

  @Override
  public Tensor allocate(long length) {
    return CpuTensor.allocate(length);
  }

  @Override
  public Tensor slice(Tensor parent, long offset, long length) {
    return CpuTensor.unsynced(parent).slice(offset, length); // a view: its heap is synced when an op reads it
  }

  @Override
  public Tensor allocatePixels(long length) {
    return new CpuPixelTensor(length);
  }

  @Override
  public void uploadPixels(byte[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    if (!(dst instanceof CpuPixelTensor px)) throw new IllegalArgumentException("uploadPixels needs a tensor from allocatePixels");
    new Span(dstOffset, count).check("uploadPixels", "destination", px.data.length);
    System.arraycopy(src, srcOffset, px.data, (int) dstOffset, count);
  }

  @Override
  public IndexTensor allocateIndices(int length) {
    return new CpuIndexTensor(length);
  }

  @Override
  public void upload(float[] src, int srcOffset, Tensor dst, long dstOffset, int count) {
    CpuTensor d = cpu(dst);
    new Span(dstOffset, count).check("upload", "destination", d.length);
    System.arraycopy(src, srcOffset, d.heap, d.offset + (int) dstOffset, count);
    d.heapWritten();
  }

  @Override
  public void download(Tensor src, long srcOffset, float[] dst, int dstOffset, int count) {
    CpuTensor s = cpu(src);
    new Span(srcOffset, count).check("download", "source", s.length);
    System.arraycopy(s.heap, s.offset + (int) srcOffset, dst, dstOffset, count);
  }

  @Override
  public void uploadIndices(int[] src, IndexTensor dst) {
    int[] target = ((CpuIndexTensor) dst).data;
    new Elements(src.length).checkIndices(dst);
    System.arraycopy(src, 0, target, 0, src.length);
  }

  @Override
  public void fill(Tensor t, float value) {
    CpuTensor c = cpu(t);
    Arrays.fill(c.heap, c.offset, c.offset + c.length, value);
    c.heapWritten();
  }

  @Override
  public void copy(Tensor src, Tensor dst) {
    CpuTensor s = cpu(src), d = cpu(dst);
    new Elements(s.length).checkInto("copy", d);
    System.arraycopy(s.heap, s.offset, d.heap, d.offset, s.length);
    d.heapWritten();
  }

  @Override
  public void synchronize() {}

  @Override
  public void gatherRows(Tensor src, int cols, IndexTensor indices, int first, int rows, Tensor dst) {
    CpuTensor d = cpu(dst);
    int[] idx = ((CpuIndexTensor) indices).data;
    Rows shape = new Rows(rows, cols);
    shape.checkGatherRows(d);
    shape.checkIndexWindow(first, idx.length);
    int srcRows = (int) (src.length() / cols);
    for (int r = 0; r < rows; r++) {
      int row = idx[first + r];
      if (row < 0 || row >= srcRows) throw new IndexOutOfBoundsException("gatherRows index " + row + " of " + srcRows + " rows");
    }
    if (src instanceof CpuPixelTensor px) {
      for (int r = 0; r < rows; r++) {
        int from = idx[first + r] * cols, to = d.offset + r * cols;
        loops.pixelsToFloats(px.data, from, d.heap, to, cols);
      }
    } else {
      CpuTensor s = cpu(src);
      for (int r = 0; r < rows; r++) {
        System.arraycopy(s.heap, s.offset + idx[first + r] * cols, d.heap, d.offset + r * cols, cols);
      }
    }
    d.heapWritten();
  }

  @Override
  public void appendOneHot(Tensor src, int width, IndexTensor labels, IndexTensor order, int first, int rows,
      int classes, Tensor dst) {
    OneHotShape shape = new OneHotShape(rows, width, classes);
    CpuTensor s = cpu(src), d = cpu(dst);
    shape.checkAppend(s, d, labels, order, first);
    int[] lab = ((CpuIndexTensor) labels).data;
    int[] ord = order == null ? null : ((CpuIndexTensor) order).data;
    int wide = shape.wideCols();
    for (int r = 0; r < rows; r++) {
      int row = ord == null ? first + r : ord[first + r];
      if (row < 0 || row >= lab.length) throw shape.badLabel("row", row, lab.length);
      int label = lab[row];
      if (label < 0 || label >= classes) throw shape.badLabel("label", label, classes);
      int to = d.offset + r * wide;
      System.arraycopy(s.heap, s.offset + r * width, d.heap, to, width);
      Arrays.fill(d.heap, to + width, to + wide, 0f);
      d.heap[to + width + label] = 1f;
    }
    d.heapWritten();
  }

  @Override
  public void appendOneHotBackward(Tensor wideGrad, int width, int classes, int rows, Tensor grad) {
    OneHotShape shape = new OneHotShape(rows, width, classes);
    CpuTensor s = cpu(wideGrad), d = cpu(grad);
    shape.checkBackward(s, d);
    for (int r = 0; r < rows; r++) System.arraycopy(s.heap, s.offset + r * shape.wideCols(), d.heap, d.offset + r * width, width);
    d.heapWritten();
  }
}

package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A CPU tensor: a range of a Java float array, which is always current, plus a lazily made
 * off-heap mirror that OpenBLAS reads and writes.
 *
 * <p>Why two copies: the elementwise loops run 3-15x faster on heap arrays (the JIT and the Vector
 * API vectorize them) than on direct buffers, while JavaCPP copies a heap array in and out of every
 * native call. So the heap is the truth, and {@link #forBlasRead()} refreshes the mirror only when
 * the heap changed since the last copy: a weight matrix is copied once per optimizer step however
 * many GEMMs read it. A GEMM writes its output to the mirror and {@link #blasWrittenRange} copies it
 * back at once, so the heap never goes stale.
 *
 * <p>The parts of a batch ({@code Backend#batchParts}) share the parameters' storage, reading it
 * through GEMMs and writing disjoint slices of it in Adam from several threads, so the change
 * counter and the mirror refresh are guarded by the storage's lock (uncontended almost always).
 *
 * <p>With {@code --precision bf16} the GEMMs read a second mirror instead, of bfloat16 values
 * (rounded to nearest even, {@link LoopKernels#toBf16}), made and refreshed the same way: Adam
 * writes the new weights through into it too, so each weight is rounded once per step, and an
 * activation is rounded once however many GEMMs read it (forward, then its weight gradient). An
 * FP32 run never makes it.
 */
final class CpuTensor implements Tensor {
  /** What slices of one allocation share: the array, its mirror, and a change counter. */
  private static final class Storage {
    final float[] heap;
    FloatBuffer mirror;
    ByteBuffer bf16Mirror;
    long version;

    Storage(int length) {
      heap = new float[length];
    }
  }

  private final Storage storage;
  final float[] heap;
  final int offset;
  final int length;
  private FloatBuffer mirrorView;
  private long mirroredVersion = -1;
  private ByteBuffer bf16View;
  private long bf16MirroredVersion = -1;

  private CpuTensor(Storage storage, int offset, int length) {
    this.storage = storage;
    this.heap = storage.heap;
    this.offset = offset;
    this.length = length;
  }

  static CpuTensor allocate(long length) {
    if (length < 0 || length > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor of " + length + " floats is too large for the CPU backend");
    }
    return new CpuTensor(new Storage((int) length), 0, (int) length);
  }

  CpuTensor slice(long from, long count) {
    if (from < 0 || count < 0 || from + count > length) {
      throw new IndexOutOfBoundsException("slice [" + from + ", " + (from + count) + ") of a tensor of " + length);
    }
    return new CpuTensor(storage, offset + (int) from, (int) count);
  }

  @Override
  public long length() {
    return length;
  }

  /** {@code t} as a CPU float tensor; the family classes' first step with every operand. */
  static CpuTensor cpu(Tensor t) {
    if (t instanceof CpuTensor c) return c;
    if (t instanceof CpuPixelTensor) {
      throw new IllegalArgumentException("8-bit pixel tensors are written by uploadPixels and read by gatherRows only");
    }
    throw new IllegalArgumentException("tensor " + t + " does not belong to the CPU backend");
  }

  /** Records that elementwise code wrote (part of) this tensor's array. */
  void heapWritten() {
    synchronized (storage) {
      storage.version++;
    }
  }

  /**
   * Records that elementwise code wrote this range, as {@link #heapWritten} does, but when the
   * storage has a mirror (float32, bfloat16 or both), copies the range into it instead, leaving the change counter alone: the
   * slices whose mirrors were current stay current. Adam ends with this, so that every part of a
   * batch copies its own range of the new weights while they are in its cache, instead of the
   * next GEMM copying whole weight matrices on one thread while the others wait for it.
   */
  void heapWrittenThrough(LoopKernels loops) {
    FloatBuffer view;
    ByteBuffer bf16;
    synchronized (storage) {
      if (storage.mirror == null && storage.bf16Mirror == null) {
        storage.version++;
        return;
      }
      view = storage.mirror == null ? null : mirror();
      bf16 = storage.bf16Mirror == null ? null : bf16Mirror();
    }
    if (view != null) view.put(0, heap, offset, length);
    if (bf16 != null) loops.toBf16(heap, offset, length, bf16);
  }

  /** The bfloat16 mirror of this range (native byte order, two bytes an element), current with the heap. */
  ByteBuffer forBf16Read(LoopKernels loops) {
    synchronized (storage) {
      ByteBuffer view = bf16Mirror();
      if (bf16MirroredVersion != storage.version) {
        loops.toBf16(heap, offset, length, view);
        bf16MirroredVersion = storage.version;
      }
      return view;
    }
  }

  /** The off-heap mirror of this range, current with the heap. */
  FloatBuffer forBlasRead() {
    synchronized (storage) {
      FloatBuffer view = mirror();
      if (mirroredVersion != storage.version) {
        view.put(0, heap, offset, length);
        mirroredVersion = storage.version;
      }
      return view;
    }
  }

  /** The off-heap mirror of this range, for a GEMM to overwrite; follow with {@link #blasWrittenRange}. */
  FloatBuffer forBlasWrite() {
    synchronized (storage) {
      return mirror();
    }
  }

  /**
   * Copies elements [from, from + count) of this range from the mirror back to the heap; the
   * threads that split a GEMM's rows each copy their own part, then one calls {@link
   * #blasWriteFinished}.
   */
  void blasWrittenRange(int from, int count) {
    mirrorView.get(from, heap, offset + from, count);
  }

  /** Records that the whole range was copied back by {@link #blasWrittenRange}. */
  void blasWriteFinished() {
    synchronized (storage) {
      storage.version++;
      mirroredVersion = storage.version;
    }
  }

  private ByteBuffer bf16Mirror() {
    if (bf16View == null) {
      if (storage.bf16Mirror == null) {
        storage.bf16Mirror = ByteBuffer.allocateDirect(storage.heap.length * 2).order(ByteOrder.nativeOrder());
      }
      bf16View = storage.bf16Mirror.slice(offset * 2, length * 2).order(ByteOrder.nativeOrder());
    }
    return bf16View;
  }

  private FloatBuffer mirror() {
    if (mirrorView == null) {
      if (storage.mirror == null) {
        storage.mirror = ByteBuffer.allocateDirect(storage.heap.length * Float.BYTES)
            .order(ByteOrder.nativeOrder()).asFloatBuffer();
      }
      mirrorView = storage.mirror.slice(offset, length);
    }
    return mirrorView;
  }
}

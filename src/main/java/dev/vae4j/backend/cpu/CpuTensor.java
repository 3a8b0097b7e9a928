package dev.vae4j.backend.cpu;

import dev.vae4j.backend.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A CPU tensor: a range of a Java float array plus a lazily made off-heap mirror that oneDNN and
 * OpenBLAS read and write.
 *
 * <p>Why two copies: the elementwise loops run 3-15x faster on heap arrays (the JIT and the Vector
 * API vectorize them) than on direct buffers, while JavaCPP copies a heap array in and out of every
 * native call. So the heap is the truth, and {@link #forBlasRead()} refreshes the mirror only when
 * the heap changed since the last copy: a weight matrix is copied once per optimizer step however
 * many GEMMs read it.
 *
 * <p>Except where a GEMM or convolution wrote last: its output stays in the mirror, the range
 * recorded as <em>pending</em> ({@link #blasWritten}), and is copied back to the heap only when
 * something asks for the heap ({@link #cpu}, which every op calls on its operands, or a mirror
 * refresh). Most outputs are read by an elementwise loop next and copied back at once, as before;
 * but the weight gradients are read only by Adam, which reads them from the mirror ({@link
 * #mirrorForRead}), so their copy-back (2.5 MB per batch part and step for 784-400-20, most of it
 * evicting the step's other data from the caches) no longer happens at all.
 *
 * <p>The parts of a batch ({@code Backend#batchParts}) share the parameters' storage, reading it
 * through GEMMs and writing disjoint slices of it in Adam from several threads, so the change
 * counter, the pending ranges and the mirror refresh are guarded by the storage's lock
 * (uncontended almost always).
 *
 * <p>With {@code --precision bf16} the GEMMs read a second mirror instead, of bfloat16 values
 * (rounded to nearest even, {@link LoopKernels#toBf16}), made and refreshed the same way: Adam
 * writes the new weights through into it too, so each weight is rounded once per step, and an
 * activation is rounded once however many GEMMs read it (forward, then its weight gradient). An
 * FP32 run never makes it.
 */
final class CpuTensor implements Tensor {
  /** What slices of one allocation share: the array, its mirrors, a change counter and the pending ranges. */
  private static final class Storage {
    final float[] heap;
    ByteBuffer mirrorBytes;
    FloatBuffer mirror;
    ByteBuffer bf16Mirror;
    long version;
    /** What of the array is newer in the mirror: GEMM outputs not yet asked for. */
    final PendingRanges pending = new PendingRanges();

    Storage(int length) {
      heap = new float[length];
    }
  }

  /** {@code -Dvae4j.deferGemmOutputs=false} copies every output back at once, as before: to measure what deferring saves (benchmarks only; same bits). */
  private static final boolean DEFER_OUTPUTS = !"false".equals(System.getProperty("vae4j.deferGemmOutputs"));
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

  /**
   * {@code t} as a CPU float tensor with its heap current (pending mirror ranges it overlaps copied
   * back); the family classes' first step with every operand whose array they touch.
   */
  static CpuTensor cpu(Tensor t) {
    CpuTensor c = unsynced(t);
    c.syncHeap();
    return c;
  }

  /**
   * {@code t} as a CPU float tensor, its heap possibly stale where a GEMM wrote the mirror last:
   * for operands read or written through the mirror only ({@link #forBlasRead}, {@link
   * #forBlasWrite}, {@link #mirrorForRead}), which bring what they need up to date themselves.
   */
  static CpuTensor unsynced(Tensor t) {
    if (t instanceof CpuTensor c) return c;
    if (t instanceof CpuPixelTensor) {
      throw new IllegalArgumentException("8-bit pixel tensors are written by uploadPixels and read by gatherRows only");
    }
    throw new IllegalArgumentException("tensor " + t + " does not belong to the CPU backend");
  }

  /** Copies the pending mirror ranges this range overlaps back to the heap. */
  void syncHeap() {
    if (storage.pending.isEmpty()) return;
    synchronized (storage) {
      storage.pending.copyBack(offset, offset + length, storage.mirror, heap);
    }
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
        storage.pending.copyBack(offset, offset + length, storage.mirror, heap);
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
        storage.pending.copyBack(offset, offset + length, storage.mirror, heap);
        view.put(0, heap, offset, length);
        mirroredVersion = storage.version;
      }
      return view;
    }
  }

  /**
   * The off-heap mirror of this range, for an op to write its first {@code count} floats; follow
   * with {@link #blasWritten}. When it writes only part of the range (a partial batch), the mirror
   * is brought up to date first, so that the rest of it is current too.
   */
  FloatBuffer forBlasWrite(long count) {
    if (count != length) return forBlasRead();
    synchronized (storage) {
      return mirror();
    }
  }

  /**
   * Records that an op wrote the first {@code count} floats of this range's mirror: they become
   * pending (the heap gets them when asked for), and the mirror is current.
   */
  void blasWritten(long count) {
    synchronized (storage) {
      storage.version++;
      mirroredVersion = storage.version;
      if (count > 0) storage.pending.add(offset, offset + (int) count);
      if (!DEFER_OUTPUTS) storage.pending.copyBack(offset, offset + (int) count, storage.mirror, heap);
    }
  }

  /**
   * The whole storage's mirror as bytes (native order; element i of the array at byte 4 i), with
   * this range of it current, for a loop that reads the range from there; or null when no
   * pending range overlaps this one (its heap is then current: read that instead).
   */
  ByteBuffer mirrorForRead() {
    if (storage.pending.isEmpty()) return null;
    synchronized (storage) {
      if (!storage.pending.overlaps(offset, offset + length)) return null;
      storage.pending.refreshOutside(offset, offset + length, storage.mirror, heap);
      return storage.mirrorBytes;
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
        storage.mirrorBytes = ByteBuffer.allocateDirect(storage.heap.length * Float.BYTES).order(ByteOrder.nativeOrder());
        storage.mirror = storage.mirrorBytes.asFloatBuffer();
      }
      mirrorView = storage.mirror.slice(offset, length);
    }
    return mirrorView;
  }
}

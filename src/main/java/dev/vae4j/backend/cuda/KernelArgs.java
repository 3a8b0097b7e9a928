package dev.vae4j.backend.cuda;

import java.util.Arrays;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The parameter block of one kernel launch, in the form {@code cuLaunchKernel} takes: an array of
 * pointers, one per parameter, each to an 8-byte slot holding the value (ints and floats in the
 * low four bytes, little-endian as on every CUDA host). Allocated once per kernel and refilled for
 * each launch, since the driver copies the values at launch time. A Java-side copy of the slots
 * lets a graph recording compare two launches without touching native memory.
 */
final class KernelArgs implements AutoCloseable {
  private final int arity;
  private final LongPointer slots;
  /**
   * A {@link PointerPointer}, not a plain pointer: the bindings' {@code Pointer} overload of
   * {@code cuLaunchKernel} is {@code @ByPtrPtr} and would pass the address of this address.
   */
  private final PointerPointer<LongPointer> pointers;
  private final LongPointer slotAddresses;
  private final long[] values;
  /**
   * What each parameter was filled as: {@code p} pointer, {@code i} int32, {@code l} int64, {@code
   * f} float, {@code d} double. Not needed by the launch (the driver reads each parameter's width
   * from the kernel); kept so a transcript can show the bytes the kernel reads, and a test can
   * check them against the kernel's PTX signature.
   */
  private final char[] kinds;
  private int next;

  KernelArgs(int arity) {
    this.arity = arity;
    this.slots = new LongPointer(Math.max(1, arity));
    this.slotAddresses = new LongPointer(Math.max(1, arity));
    this.pointers = new PointerPointer<>(slotAddresses);
    this.values = new long[arity];
    this.kinds = new char[arity];
    for (int i = 0; i < arity; i++) slotAddresses.put(i, slots.address() + (long) i * Long.BYTES);
  }

  /** Starts filling the parameters from the first. */
  KernelArgs begin() {
    next = 0;
    return this;
  }

  KernelArgs ptr(CudaTensor t) {
    return put('p', t == null ? 0L : t.address);
  }

  KernelArgs ptr(long deviceAddress) {
    return put('p', deviceAddress);
  }

  KernelArgs i32(int v) {
    return put('i', v & 0xFFFFFFFFL);
  }

  KernelArgs i64(long v) {
    return put('l', v);
  }

  KernelArgs f64(double v) {
    return put('d', Double.doubleToRawLongBits(v));
  }

  KernelArgs f32(float v) {
    return put('f', Float.floatToRawIntBits(v) & 0xFFFFFFFFL);
  }

  private KernelArgs put(char kind, long v) {
    if (next >= arity) throw new IllegalStateException("more than " + arity + " kernel arguments");
    kinds[next] = kind;
    values[next] = v;
    slots.put(next++, v);
    return this;
  }

  /** Replaces every value (a graph recording rewrites per-step arguments this way). */
  void set(long[] newValues) {
    if (newValues.length != arity) throw new IllegalArgumentException(newValues.length + " values for " + arity + " arguments");
    for (int i = 0; i < arity; i++) {
      values[i] = newValues[i];
      slots.put(i, newValues[i]);
    }
    next = arity;
  }

  /** The {@code void**} for {@code cuLaunchKernel}, after checking every parameter was set. */
  PointerPointer<LongPointer> kernelParams() {
    if (next != arity) throw new IllegalStateException(next + " of " + arity + " kernel arguments set");
    return pointers;
  }

  /** The values of the last launch, as written into the slots. */
  long[] values() {
    return Arrays.copyOf(values, arity);
  }

  /** How each parameter was last filled (see {@link #kinds}): one letter per parameter. */
  String kinds() {
    return new String(kinds);
  }

  /** The raw slot {@code i} as the kernel will read it. */
  long slot(int i) {
    return slots.get(i);
  }

  @Override
  public void close() {
    slots.close();
    slotAddresses.close();
  }
}

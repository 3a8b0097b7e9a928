package dev.vae4j.backend.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Which ranges of a {@link CpuTensor} storage's array are newer in its off-heap mirror: the outputs
 * GEMMs and convolutions wrote there that nothing has asked the heap for yet. Disjoint half-open
 * ranges, a handful at most (one per layer's output written since the last read), in no order.
 * Not thread-safe: the storage's lock guards it, but {@link #isEmpty} may be read without it.
 */
final class PendingRanges {
  /** Range r is [bounds[2r], bounds[2r + 1]). */
  private int[] bounds = new int[8];
  /** Volatile so that {@link #isEmpty} may skip the lock: the common case, nothing pending. */
  private volatile int count;

  boolean isEmpty() {
    return count == 0;
  }

  /** Records [from, to) as newer in the mirror, merged with the ranges it overlaps. */
  void add(int from, int to) {
    int n = count;
    for (int r = 0; r < n; ) {
      int a = bounds[2 * r], b = bounds[2 * r + 1];
      if (a < to && from < b) {
        from = Math.min(from, a);
        to = Math.max(to, b);
        n = remove(r, n);
      } else {
        r++;
      }
    }
    count = append(n, from, to);
  }

  /** Whether a pending range overlaps [from, to). */
  boolean overlaps(int from, int to) {
    for (int r = 0, n = count; r < n; r++) {
      if (bounds[2 * r] < to && from < bounds[2 * r + 1]) return true;
    }
    return false;
  }

  /**
   * Copies the pending parts of [from, to) from {@code mirror} back to {@code heap}, no longer
   * pending; what the ranges hold outside [from, to) stays pending (a bias read between steps
   * does not copy back the weight gradient beside it).
   */
  void copyBack(int from, int to, FloatBuffer mirror, float[] heap) {
    int n = count;
    for (int r = 0; r < n; ) {
      int a = bounds[2 * r], b = bounds[2 * r + 1];
      if (a < to && from < b) {
        int lo = Math.max(a, from), hi = Math.min(b, to);
        mirror.get(lo, heap, lo, hi - lo);
        n = remove(r, n);
        if (a < lo) n = append(n, a, lo);
        if (hi < b) n = append(n, hi, b);
      } else {
        r++;
      }
    }
    count = n;
  }

  /** Copies the parts of [from, to) that no pending range covers from {@code heap} into {@code mirror}. */
  void refreshOutside(int from, int to, FloatBuffer mirror, float[] heap) {
    int at = from;
    while (at < to) {
      int next = to; // where the first pending range after at starts, or the end
      boolean covered = false;
      for (int r = 0, n = count; r < n; r++) {
        int a = bounds[2 * r], b = bounds[2 * r + 1];
        if (a <= at && at < b) {
          at = b;
          covered = true;
          break;
        }
        if (a > at) next = Math.min(next, a);
      }
      if (!covered) {
        mirror.put(at, heap, at, next - at);
        at = next;
      }
    }
  }

  /** Range r replaced by the last of n; returns n - 1. */
  private int remove(int r, int n) {
    bounds[2 * r] = bounds[2 * (n - 1)];
    bounds[2 * r + 1] = bounds[2 * (n - 1) + 1];
    return n - 1;
  }

  /** [from, to) after the first n ranges; returns n + 1. */
  private int append(int n, int from, int to) {
    if (2 * n + 2 > bounds.length) bounds = Arrays.copyOf(bounds, 2 * bounds.length);
    bounds[2 * n] = from;
    bounds[2 * n + 1] = to;
    return n + 1;
  }
}
